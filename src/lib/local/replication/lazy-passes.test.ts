/**
 * Background replication's passes load with the first pass, after the page painted (issue 25):
 * the pass still runs then, a failed load is tried again by the next pass, and what the relay
 * refused before the passes arrived is not asked for again.
 */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DocStorage } from '../doc-storage.ts';
import type { WebSocketConstructor } from '../handle/relay-link.ts';
import { manualNetwork } from '../network.ts';
import { Repo } from '../repo.ts';
import { MemoryLocalStore } from '../store-memory.ts';
import { WorkspaceReplication, type PassesModule } from './workspace-replication.ts';

const access = { workspaceId: 'w', token: 't', relayUrl: 'ws://127.0.0.1:1/sync' };

/** A socket that never connects (nothing is synced; the tests look at what a pass asks for). */
class NoSocket {
  binaryType = 'arraybuffer';
  readyState = 0;
  onopen: unknown = null;
  onclose: unknown = null;
  onerror: unknown = null;
  onmessage: unknown = null;
  send(): void {}
  close(): void {}
}

const repos: Repo[] = [];
afterEach(async () => {
  for (const repo of repos.splice(0)) await repo.close();
});

/** A repo whose paint the test decides, over a store whose index lists `notes`. */
async function setUp() {
  const storage = new DocStorage(new MemoryLocalStore());
  const seed = new Repo({ storage, network: manualNetwork(false), WebSocket: NoSocket as unknown as WebSocketConstructor, disableBc: true });
  repos.push(seed);
  const index = seed.find(access, 'index');
  await index.handle.whenLoaded;
  index.doc.getMap('catalogue').set('notes', new Y.Map());
  await index.release();
  const painted: (() => void)[] = [];
  const repo = new Repo({ storage, network: manualNetwork(true), WebSocket: NoSocket as unknown as WebSocketConstructor, disableBc: true, afterPaint: (fn) => (painted.push(fn), () => {}) });
  repos.push(repo);
  /** Replication over `repo` with no timers, the given digests and way of loading its passes. */
  const replicate = (options: Pick<ConstructorParameters<typeof WorkspaceReplication>[0], 'digests' | 'loadPasses'>) =>
    new WorkspaceReplication({ workspace: access, repo, debounceMs: 0, intervalMs: 0, ...options });
  return { repo, replicate, paint: () => painted.splice(0).forEach((fn) => fn()), painted };
}

describe('replication passes loaded after the paint', () => {
  it('are not loaded before the paint, then load once and run the pass', async () => {
    const { replicate, paint, painted } = await setUp();
    let loads = 0;
    const asked: string[] = [];
    const replication = replicate({
      digests: async (w) => (asked.push(w.workspaceId), new Map()),
      loadPasses: () => (loads++, import('./passes.ts'))
    });
    await replication.index.whenLoaded;
    await expect.poll(() => painted.length).toBeGreaterThan(0);
    replication.refresh();
    await replication.whenIdle();
    expect(loads).toBe(0);
    paint();
    await expect.poll(() => asked).toEqual(['w']);
    replication.refresh(); // a second pass: the module is loaded already
    await expect.poll(() => asked).toEqual(['w', 'w']);
    expect(loads).toBe(1);
    await replication.destroy();
  });

  it('a pass whose module failed to load is skipped, and the next pass loads it again', async () => {
    const { repo, replicate, paint, painted } = await setUp();
    let loads = 0;
    const asked: string[] = [];
    const replication = replicate({
      digests: async (w) => (asked.push(w.workspaceId), new Map()),
      loadPasses: (): Promise<PassesModule> => (++loads === 1 ? Promise.reject(new TypeError('Failed to fetch dynamically imported module')) : import('./passes.ts'))
    });
    await replication.index.whenLoaded;
    await expect.poll(() => painted.length).toBeGreaterThan(0);
    paint();
    await expect.poll(() => loads).toBe(1);
    await replication.whenIdle();
    expect(asked).toEqual([]);
    expect(repo.storage.problems.get()).toEqual([]); // a script that did not arrive is not a problem of the device's copy
    replication.refresh();
    await expect.poll(() => asked).toEqual(['w']);
    expect(loads).toBe(2);
    await replication.destroy();
  });

  it('a document the relay refused before the passes arrived is not asked for by the first pass', async () => {
    const { replicate, paint, painted } = await setUp();
    const candidates: string[][] = [];
    const replication = replicate({
      // Every document differs from the relay's, so each candidate would be queued.
      digests: async () => new Map(),
      loadPasses: async () => {
        const module = await import('./passes.ts');
        const run = module.ReplicationPasses.prototype.run;
        class Watching extends module.ReplicationPasses {
          override run(): Promise<void> {
            const index = (this as unknown as { host: { index: { doc: Y.Doc } } }).host.index.doc;
            candidates.push([...index.getMap('catalogue').keys()].filter((id) => !this.privateDocs.isForbidden(id)));
            return run.call(this);
          }
        }
        return { ...module, ReplicationPasses: Watching };
      }
    });
    await replication.index.whenLoaded;
    // The relay refuses `notes` (4403) while the page holds it, before the first pass.
    const page = replication.open('notes');
    await page.handle.whenLoaded;
    (replication as unknown as { onRefused(docId: string, refusal: { code: number; reason: string }): void }).onRefused('notes', { code: 4403, reason: 'forbidden' });
    await page.release();
    await expect.poll(() => painted.length).toBeGreaterThan(0);
    paint();
    await expect.poll(() => candidates.length).toBe(1);
    expect(candidates[0]).toEqual([]);
    await replication.destroy();
  });
});

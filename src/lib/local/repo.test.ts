import 'fake-indexeddb/auto';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DocStorage } from './doc-storage.ts';
import type { WebSocketConstructor } from './handle/relay-link.ts';
import { manualNetwork } from './network.ts';
import { WorkspaceReplication } from './replication/workspace-replication.ts';
import { Repo } from './repo.ts';
import { openIdbLocalStore } from './store-idb.ts';
import { MemoryLocalStore } from './store-memory.ts';

// Nothing listens on port 1: every connection is refused at the TCP level, like a relay that is down.
const access = { workspaceId: 'w', token: 't', relayUrl: 'ws://127.0.0.1:1/sync' };

/** `ws`, counting the sockets a test opens. */
function countingWebSocket() {
  const opened: string[] = [];
  class Counting extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      opened.push(String(url));
      this.on('error', () => {}); // the refused connection
    }
  }
  return { WebSocket: Counting as unknown as WebSocketConstructor, opened };
}

let n = 0;
const repos: Repo[] = [];
function repoOver(storage: DocStorage, online = false) {
  const sockets = countingWebSocket();
  const network = manualNetwork(online);
  const repo = new Repo({ storage, network, WebSocket: sockets.WebSocket, disableBc: true, maxBackoffTime: 60_000 });
  repos.push(repo);
  return { repo, network, opened: sockets.opened };
}

afterEach(async () => {
  for (const repo of repos.splice(0)) await repo.close();
});

describe('Repo: one handle per document', () => {
  it('everything that finds a document shares one Y.Doc; it is released after the last reference', async () => {
    const { repo } = repoOver(new DocStorage(new MemoryLocalStore()));
    const editor = repo.find(access, 'notes', { sync: true });
    const dashboard = repo.find(access, 'notes');
    expect(dashboard.doc).toBe(editor.doc);
    expect(repo.size).toBe(1);
    await editor.handle.whenLoaded;
    editor.doc.getText('t').insert(0, 'written in the basement');

    await editor.release();
    await editor.release(); // twice: must not release the dashboard's reference
    expect(dashboard.doc.isDestroyed).toBe(false);
    expect(repo.peek('w', 'notes')).toBe(dashboard.handle);
    await dashboard.release();
    expect(dashboard.doc.isDestroyed).toBe(true);
    expect(dashboard.handle.state.tag).toBe('released');
    expect(repo.size).toBe(0);

    const again = repo.find(access, 'notes');
    await again.handle.whenLoaded;
    expect(again.doc).not.toBe(editor.doc);
    expect(again.doc.getText('t').toString()).toBe('written in the basement');
    await again.release();
  });

  it('a document found again while its last write is still going loads after that write', async () => {
    const { repo } = repoOver(new DocStorage(await openIdbLocalStore({ name: `repo-test-${++n}` })));
    const first = repo.find(access, 'd');
    await first.handle.whenLoaded;
    first.doc.getText('t').insert(0, 'last words');
    const releasing = first.release(); // not awaited: the write is in flight
    const second = repo.find(access, 'd');
    await second.handle.whenLoaded;
    expect(second.doc.getText('t').toString()).toBe('last words');
    await releasing;
    await second.release();
  });

  it('only references that ask for sync open a socket, and only while online', async () => {
    const { repo, network, opened } = repoOver(new DocStorage(new MemoryLocalStore()), true);
    const dashboard = repo.find(access, 'a');
    await dashboard.handle.whenLoaded;
    expect(opened).toEqual([]);
    expect(dashboard.status.get()).toMatchObject({ state: 'offline' });

    network.set(false);
    const editor = repo.find(access, 'a', { sync: true });
    expect(editor.handle.state.tag).toBe('ready');
    expect(opened).toEqual([]);
    network.set(true);
    expect(editor.handle.state.tag).toBe('connecting');
    // The socket's code loads with the first document that syncs (issue 25): a moment later.
    await expect.poll(() => opened).toEqual(['ws://127.0.0.1:1/sync/w/a?token=t']);
    await editor.release();
    expect(dashboard.handle.state.tag).toBe('ready'); // the dashboard still reads it, disconnected
    await dashboard.release();
  });

  it('a document stored on the device opens its socket after the page painted it, one with nothing stored at once', async () => {
    const storage = new DocStorage(new MemoryLocalStore());
    const stored = repoOver(storage);
    for (const id of ['kept', 'kept-too']) {
      const first = stored.repo.find(access, id);
      await first.handle.whenLoaded;
      first.doc.getText('t').insert(0, 'on this device');
      await first.release();
    }

    const painted: (() => void)[] = [];
    const sockets = countingWebSocket();
    const repo = new Repo({ storage, network: manualNetwork(true), WebSocket: sockets.WebSocket, disableBc: true, maxBackoffTime: 60_000, afterPaint: (fn) => (painted.push(fn), () => {}) });
    repos.push(repo);
    const fresh = repo.find(access, 'fresh', { sync: true });
    await fresh.handle.whenLoaded;
    await expect.poll(() => sockets.opened).toEqual(['ws://127.0.0.1:1/sync/w/fresh?token=t']);
    expect(painted).toHaveLength(0);

    const kept = repo.find(access, 'kept', { sync: true });
    await kept.handle.whenLoaded;
    expect(kept.doc.getText('t').toString()).toBe('on this device');
    expect(kept.handle.state.tag).toBe('connecting');
    expect(painted).toHaveLength(1);
    await Promise.resolve();
    expect(sockets.opened).toHaveLength(1); // not before the paint
    painted[0]();
    await expect.poll(() => sockets.opened).toContain('ws://127.0.0.1:1/sync/w/kept?token=t');

    // Released before the page painted it: no socket, ever.
    const gone = repo.find(access, 'kept-too', { sync: true });
    await gone.handle.whenLoaded;
    await gone.release();
    painted.at(-1)?.();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(sockets.opened.filter((url) => url.includes('kept-too'))).toEqual([]);
  });

  it("a workspace's first replication pass waits for the page's paint, even when loading its index asked for one", async () => {
    const storage = new DocStorage(new MemoryLocalStore());
    const seeded = repoOver(storage);
    const index = seeded.repo.find(access, 'index');
    await index.handle.whenLoaded;
    index.doc.getMap('catalogue').set('notes', new Y.Map()); // loading it will ask for a pass
    await index.release();

    const painted: (() => void)[] = [];
    const repo = new Repo({ storage, network: manualNetwork(true), WebSocket: countingWebSocket().WebSocket, disableBc: true, maxBackoffTime: 60_000, afterPaint: (fn) => (painted.push(fn), () => {}) });
    repos.push(repo);
    const asked: string[] = [];
    const replication = new WorkspaceReplication({ workspace: access, repo, debounceMs: 0, intervalMs: 0, digests: async (w) => (asked.push(w.workspaceId), new Map()) });
    await replication.index.whenLoaded;
    await expect.poll(() => painted.length).toBeGreaterThan(0);
    replication.refresh(); // a dashboard asking meanwhile
    await replication.whenIdle();
    expect(asked).toEqual([]); // no pass before the paint
    for (const fn of painted.splice(0)) fn();
    await expect.poll(() => asked).toEqual(['w']);
    await replication.destroy();
  });

  it('works offline: edits are stored and counted as waiting, on the document and in the workspace status', async () => {
    const storage = new DocStorage(new MemoryLocalStore());
    const { repo } = repoOver(storage);
    const replication = new WorkspaceReplication({ workspace: access, repo, debounceMs: 5, intervalMs: 0 });
    const page = replication.open('notes');
    await page.handle.whenLoaded;
    page.doc.getText('t').insert(0, 'written in the basement');
    await page.handle.flush();
    expect(replication.status.get()).toMatchObject({ state: 'offline', unsyncedCount: 1 });
    expect(page.status.get()).toMatchObject({ state: 'offline', unsynced: true, waiting: true });
    await page.release();
    expect((await storage.getMeta('w', 'notes')).unsynced).toBe(true);
    await replication.destroy();
    expect(repo.size).toBe(0);
  });
});

describe('DocHandle: the device store', () => {
  it('persists edits made before loading finished, and the last batch on release', async () => {
    const storage = new DocStorage(await openIdbLocalStore({ name: `repo-test-${++n}` }));
    const { repo } = repoOver(storage);
    const ref = repo.find(access, 'd');
    ref.doc.getText('t').insert(0, 'typed early'); // before whenLoaded
    expect(ref.handle.state).toEqual({ tag: 'loading', pending: true });
    await ref.handle.whenLoaded;
    ref.doc.getText('t').insert(0, '>> ');
    await ref.release(); // the second edit is still batched: release must write it
    const again = repo.find(access, 'd');
    await again.handle.whenLoaded;
    expect(again.doc.getText('t').toString()).toBe('>> typed early');
    await again.release();
  });

  it('loading announces no update (nothing re-encodes the stored document); edits before and after it still reach every listener', async () => {
    const storage = new DocStorage(new MemoryLocalStore());
    const source = new Y.Doc();
    source.getText('t').insert(0, 'stored');
    await storage.append('w', 'd', Y.encodeStateAsUpdate(source));
    const { repo } = repoOver(storage);
    const ref = repo.find(access, 'd');
    const heard: number[][] = []; // the Yjs clients each announced update carries
    ref.doc.on('update', (update: Uint8Array) => heard.push(Y.decodeUpdate(update).structs.map((s) => s.id.client)));
    ref.doc.getMap('m').set('early', true); // before whenLoaded
    await ref.handle.whenLoaded;
    ref.doc.getText('t').insert(ref.doc.getText('t').length, '!');
    expect(ref.doc.getText('t').toString()).toBe('stored!');
    expect(heard).toEqual([[ref.doc.clientID], [ref.doc.clientID]]); // the two edits, nothing of the load
    await ref.release();
    const again = repo.find(access, 'd');
    await again.handle.whenLoaded;
    expect(again.doc.getText('t').toString()).toBe('stored!');
    expect(again.doc.getMap('m').get('early')).toBe(true);
    await again.release();
  });

  it('opens a document with a damaged record: the rest loads, the problem is listed, no crash', async () => {
    const store = new MemoryLocalStore();
    const storage = new DocStorage(store);
    const source = new Y.Doc();
    source.getText('t').insert(0, 'still here');
    await storage.append('w', 'd', Y.encodeStateAsUpdate(source));
    store.writeRaw('w', 'd', 2, new Uint8Array([1, 2, 3]));
    const { repo } = repoOver(storage);
    const ref = repo.find(access, 'd');
    expect(await ref.handle.whenLoaded).toMatchObject({ records: 1, corrupt: 1 });
    expect(ref.doc.getText('t').toString()).toBe('still here');
    expect(storage.problems.get().map((p) => p.kind)).toEqual(['corrupt']);
    expect((await storage.getMeta('w', 'd')).needsRefetch).toBe(true);
    await ref.release();
  });

  it('keeps working when the disk is full, and saves everything once space frees up', async () => {
    const store = new MemoryLocalStore();
    const storage = new DocStorage(store, { compactAfterCount: 1_000_000 });
    const { repo } = repoOver(storage);
    const ref = repo.find(access, 'd');
    await ref.handle.whenLoaded;
    store.quotaBytes = 0;
    ref.doc.getText('t').insert(0, 'during');
    await ref.handle.flush();
    expect(storage.problems.get()[0]).toMatchObject({ kind: 'quota' });
    expect(ref.doc.getText('t').toString()).toBe('during'); // the editor is unaffected
    store.quotaBytes = Number.POSITIVE_INFINITY;
    ref.doc.getText('t').insert(6, ' and after');
    await ref.release();
    expect(storage.problems.get()).toEqual([]);
    const again = repo.find(access, 'd');
    await again.handle.whenLoaded;
    expect(again.doc.getText('t').toString()).toBe('during and after');
    await again.release();
  });

  it('resolves whenLoaded (never rejects) when the store itself fails', async () => {
    const store = new MemoryLocalStore();
    store.loadUpdates = () => Promise.reject(new DOMException('gone', 'InvalidStateError'));
    const storage = new DocStorage(store);
    const { repo } = repoOver(storage);
    const ref = repo.find(access, 'd');
    const result = await ref.handle.whenLoaded;
    expect(result.error?.kind).toBe('unavailable');
    expect(storage.problems.get()[0].message).toMatch(/does not let Mutual save documents/);
    expect(ref.handle.state.tag).toBe('ready');
    await ref.release();
  });

  it('remembers the digest of what it stored when released', async () => {
    const storage = new DocStorage(new MemoryLocalStore());
    const { repo } = repoOver(storage);
    const ref = repo.find(access, 'd');
    await ref.handle.whenLoaded;
    ref.doc.getText('t').insert(0, 'hello');
    const { documentDigest } = await import('#shared/digest');
    const expected = documentDigest(ref.doc);
    await ref.release();
    expect((await storage.getMeta('w', 'd')).digest).toBe(expected);
  });
});

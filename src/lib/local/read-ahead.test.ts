/**
 * Issue 25: a page opened at a document's address reads that document's records while the
 * device is still starting (its catalogue read, the workspace session), not after — and the
 * read taken that early never hides a record written after it began.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { openDevice } from './device.ts';
import { DocStorage } from './doc-storage.ts';
import { manualNetwork } from './network.ts';
import { MemoryLocalStore } from './store-memory.ts';
import type { RawUpdateRecord, WorkspaceRecord } from './store.ts';

const access = { workspaceId: 'w', token: 't', relayUrl: 'ws://127.0.0.1:1/sync' };

function updateWith(text: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getText('t').insert(0, text);
  return Y.encodeStateAsUpdate(doc);
}

/** A memory store that logs what is asked of it, and holds the catalogue read until `release()`. */
class HoldingStore extends MemoryLocalStore {
  readonly events: string[] = [];
  private releaseList!: () => void;
  private readonly held = new Promise<void>((resolve) => (this.releaseList = resolve));

  release(): void {
    this.releaseList();
  }

  override async listWorkspaces(): Promise<WorkspaceRecord[]> {
    this.events.push('catalogue read started');
    await this.held;
    this.events.push('catalogue read done');
    return super.listWorkspaces();
  }

  override loadUpdates(workspaceId: string, docId: string): Promise<RawUpdateRecord[]> {
    this.events.push(`records of ${workspaceId}/${docId} read`);
    return super.loadUpdates(workspaceId, docId);
  }
}

/** Let pending promise callbacks run (the store's awaits), without any timer. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

describe('reading a document ahead of the page', () => {
  it('starts reading the document before the device has read its catalogue, and the handle takes that read', async () => {
    const store = new HoldingStore();
    await store.appendUpdate('w', 'notes', updateWith('kept on the device'));
    let open = false;
    const opening = openDevice({ store, network: manualNetwork(false), readAhead: { workspaceId: 'w', docId: 'notes' } });
    void opening.then(() => (open = true));
    await settle();
    // The catalogue read is still held: the device is not open, and the document is being read.
    expect(open).toBe(false);
    expect(store.events).toContain('records of w/notes read');
    expect(store.events).not.toContain('catalogue read done');
    store.release();
    const device = await opening;
    const ref = device.repo.find(access, 'notes');
    await ref.handle.whenLoaded;
    expect(ref.doc.getText('t').toString()).toBe('kept on the device');
    // One read of the document: the handle took the read begun early.
    expect(store.events.filter((e) => e === 'records of w/notes read')).toHaveLength(1);
    await ref.release();
    await device.close();
  });

  it('a record written after the read began is not lost: the write drops the early read', async () => {
    const store = new HoldingStore();
    store.release();
    await store.appendUpdate('w', 'notes', updateWith('first'));
    const storage = new DocStorage(store);
    storage.readAhead('w', 'notes');
    await storage.append('w', 'notes', updateWith('second'));
    const loaded = await storage.load('w', 'notes');
    expect(loaded.records).toBe(2);
    expect(store.events.filter((e) => e === 'records of w/notes read')).toHaveLength(2);
  });

  it('only the document read ahead uses the early read; another document is read when asked', async () => {
    const store = new HoldingStore();
    store.release();
    await store.appendUpdate('w', 'other', updateWith('elsewhere'));
    const storage = new DocStorage(store);
    storage.readAhead('w', 'notes');
    const loaded = await storage.load('w', 'other');
    expect(loaded.records).toBe(1);
    expect(store.events).toEqual(['records of w/notes read', 'records of w/other read']);
    // The early read is taken by its own document's load, once.
    await storage.load('w', 'notes');
    await storage.load('w', 'notes');
    expect(store.events.filter((e) => e === 'records of w/notes read')).toHaveLength(2);
  });
});

import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { openDocHandle } from './doc-handle.ts';
import { DocStorage } from './doc-storage.ts';
import { openIdbLocalStore } from './store-idb.ts';
import { MemoryLocalStore } from './store-memory.ts';

let n = 0;
const idbStorage = async () => new DocStorage(await openIdbLocalStore({ name: `doc-handle-test-${++n}` }));

describe('openDocHandle', () => {
  it('persists edits made before loading finished, and the final batch on destroy', async () => {
    const storage = await idbStorage();
    const handle = openDocHandle(storage, 'w', 'd');
    handle.doc.getText('t').insert(0, 'typed early'); // before whenLoaded
    await handle.whenLoaded;
    handle.doc.getText('t').insert(0, '>> ');
    await handle.destroy(); // the second edit is still batched: destroy must write it
    const again = openDocHandle(storage, 'w', 'd');
    await again.whenLoaded;
    expect(again.doc.getText('t').toString()).toBe('>> typed early');
    await again.destroy();
  });

  it('opens a document with a damaged record: the rest loads, the problem is listed, no crash', async () => {
    const store = new MemoryLocalStore();
    const storage = new DocStorage(store);
    const source = new Y.Doc();
    source.getText('t').insert(0, 'still here');
    await storage.append('w', 'd', Y.encodeStateAsUpdate(source));
    store.writeRaw('w', 'd', 2, new Uint8Array([1, 2, 3]));

    const handle = openDocHandle(storage, 'w', 'd');
    expect(await handle.whenLoaded).toMatchObject({ records: 1, corrupt: 1 });
    expect(handle.doc.getText('t').toString()).toBe('still here');
    expect(storage.problems.get().map((p) => p.kind)).toEqual(['corrupt']);
    expect((await storage.getMeta('w', 'd')).needsRefetch).toBe(true);
    await handle.destroy();
  });

  it('keeps working when the disk is full, and saves everything once space frees up', async () => {
    const store = new MemoryLocalStore();
    const storage = new DocStorage(store, { compactAfterCount: 1_000_000 });
    const handle = openDocHandle(storage, 'w', 'd');
    await handle.whenLoaded;
    store.quotaBytes = 0;
    handle.doc.getText('t').insert(0, 'during');
    await handle.flush();
    expect(storage.problems.get()[0]).toMatchObject({ kind: 'quota' });
    expect(handle.doc.getText('t').toString()).toBe('during'); // the editor is unaffected
    store.quotaBytes = Number.POSITIVE_INFINITY;
    handle.doc.getText('t').insert(6, ' and after');
    await handle.destroy();
    expect(storage.problems.get()).toEqual([]);
    const again = openDocHandle(storage, 'w', 'd');
    await again.whenLoaded;
    expect(again.doc.getText('t').toString()).toBe('during and after');
    await again.destroy();
  });

  it('resolves whenLoaded (never rejects) when the store itself fails', async () => {
    const store = new MemoryLocalStore();
    store.loadUpdates = () => Promise.reject(new DOMException('gone', 'InvalidStateError'));
    const storage = new DocStorage(store);
    const handle = openDocHandle(storage, 'w', 'd');
    const result = await handle.whenLoaded;
    expect(result.error?.kind).toBe('unavailable');
    expect(storage.problems.get()[0].message).toMatch(/does not let Mutual save documents/);
    await handle.destroy();
  });
});

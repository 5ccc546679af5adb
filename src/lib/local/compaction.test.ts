/**
 * Local compaction must never drop words: a stored record that decodes but does not apply
 * (a Yjs failure no one foresaw) is kept, and the person is told. Yjs is wrapped so that
 * applying one marked record throws, as such a failure would.
 */
import { describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { DocStorage } from './doc-storage.ts';
import { DocPersistence } from './handle/persistence.ts';
import { MemoryLocalStore } from './store-memory.ts';

const MARKED_CLIENT = 424242;

vi.mock('yjs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('yjs')>();
  return {
    ...actual,
    applyUpdate(doc: import('yjs').Doc, update: Uint8Array, origin?: unknown) {
      if (actual.decodeUpdate(update).structs.some((s) => s.id.client === MARKED_CLIENT)) throw new TypeError('cannot read properties of undefined');
      return actual.applyUpdate(doc, update, origin);
    }
  };
});

function update(clientID: number, text: string): Uint8Array {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  doc.getText('t').insert(0, text);
  return Y.encodeStateAsUpdate(doc);
}

describe('local compaction', () => {
  it('keeps a record that decodes but does not apply, and reports it', async () => {
    const store = new MemoryLocalStore();
    const storage = new DocStorage(store, { compactAfterCount: 1_000_000 });
    await storage.append('w', 'd', update(1, 'kept '));
    await storage.append('w', 'd', update(MARKED_CLIENT, 'words that exist nowhere else'));
    await storage.append('w', 'd', update(2, 'also kept'));

    expect(await storage.compact('w', 'd')).toBeNull();
    const records = await store.loadUpdates('w', 'd');
    expect(records).toHaveLength(3);
    expect(records.some((r) => Y.decodeUpdate(r.update as Uint8Array).structs.some((s) => s.id.client === MARKED_CLIENT))).toBe(true);
    expect(storage.problems.get()).toEqual([expect.objectContaining({ kind: 'corrupt', docId: 'd', message: expect.stringMatching(/could not be applied.*kept/) })]);
    expect((await storage.getMeta('w', 'd')).needsRefetch).toBe(true);
  });

  it('opening applies every other record and reports the one that does not apply (records applied one by one, issue 25)', async () => {
    const store = new MemoryLocalStore();
    const storage = new DocStorage(store, { compactAfterCount: 1_000_000 });
    await storage.append('w', 'd', update(1, 'kept '));
    await storage.append('w', 'd', update(MARKED_CLIENT, 'words that exist nowhere else'));
    await storage.append('w', 'd', update(2, 'also kept'));

    const doc = new Y.Doc();
    const persistence = new DocPersistence(storage, 'w', 'd', doc);
    expect(await persistence.load()).toEqual({ records: 3, corrupt: 0 });
    expect(doc.getText('t').toString()).toContain('kept ');
    expect(doc.getText('t').toString()).toContain('also kept');
    expect(storage.problems.get()).toEqual([expect.objectContaining({ kind: 'corrupt', docId: 'd', message: expect.stringMatching(/could not be applied.*kept/) })]);
    expect((await storage.getMeta('w', 'd')).needsRefetch).toBe(true);
    expect(await store.loadUpdates('w', 'd')).toHaveLength(3);
    await persistence.stop();
  });

  it('compacts as usual when every record applies', async () => {
    const store = new MemoryLocalStore();
    const storage = new DocStorage(store, { compactAfterCount: 1_000_000 });
    await storage.append('w', 'd', update(1, 'one '));
    await storage.append('w', 'd', update(2, 'two'));
    expect(await storage.compact('w', 'd')).toEqual({ before: 2, after: 1 });
    expect(storage.problems.get()).toEqual([]);
  });
});

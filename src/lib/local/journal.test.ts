import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DocStorage } from './doc-storage.ts';
import { DocPersistence } from './handle/persistence.ts';
import { memoryKeyValueStorage, storageJournal, type KeyValueStorage } from './journal.ts';
import { MemoryLocalStore } from './store-memory.ts';
import { MetaKeeper } from './handle/meta.ts';

/** A store whose appends never commit while `held` (an unloading page's aborted transactions). */
function abortingStore(): { store: MemoryLocalStore; hold: (held: boolean) => void } {
  const store = new MemoryLocalStore();
  const append = store.appendUpdate.bind(store);
  let held = false;
  store.appendUpdate = (w, d, u) => (held ? new Promise<number>(() => {}) : append(w, d, u));
  return { store, hold: (h) => (held = h) };
}

function textOf(doc: Y.Doc): string {
  return doc.getText('t').toString();
}

describe('the unload journal', () => {
  it('keeps one entry per page and document, reads every page\'s, and drops a workspace\'s', () => {
    const kv = memoryKeyValueStorage();
    const a = storageJournal(kv, 'page-a');
    const b = storageJournal(kv, 'page-b');
    a.write('w:1', 'doc', new Uint8Array([1, 2]));
    a.write('w:1', 'doc', new Uint8Array([3])); // replaces page a's entry
    b.write('w:1', 'doc', new Uint8Array([4]));
    a.write('w:1', 'other', new Uint8Array([5]));
    a.write('w:2', 'doc', new Uint8Array([6]));
    const read = a.read('w:1', 'doc');
    expect(read.updates.map((u) => [...u]).sort()).toEqual([[3], [4]]);
    a.remove(read.keys);
    expect(a.read('w:1', 'doc').keys).toEqual([]);
    a.dropWorkspace('w:1');
    expect(a.read('w:1', 'other').keys).toEqual([]);
    expect(a.read('w:2', 'doc').updates.map((u) => [...u])).toEqual([[6]]);
  });

  it('never throws when the browser\'s storage refuses (full or blocked)', () => {
    const refusing: KeyValueStorage = { ...memoryKeyValueStorage(), length: 0, setItem: () => { throw new Error('QuotaExceededError'); } };
    const journal = storageJournal(refusing, 'p');
    expect(() => journal.write('w', 'd', new Uint8Array([1]))).not.toThrow();
    expect(journal.read('w', 'd')).toEqual({ keys: [], updates: [] });
  });

  it('an edit whose write was aborted by the page going away comes back with the next load, and is then stored', async () => {
    const kv = memoryKeyValueStorage();
    const { store, hold } = abortingStore();
    const before = new DocStorage(store, { journal: storageJournal(kv, 'before') });
    const doc = new Y.Doc();
    const first = new DocPersistence(before, 'w', 'd', doc);
    await first.load();
    doc.getText('t').insert(0, 'Shelf count:');
    await first.flush();
    hold(true); // from here on, the page's writes never commit
    doc.getText('t').insert(12, ' 14 tins');
    void first.stop(); // the page goes away with the write under way
    expect((await store.loadUpdates('w', 'd')).length).toBe(1);

    hold(false);
    const after = new DocStorage(store, { journal: storageJournal(kv, 'after') });
    const again = new Y.Doc();
    const second = new DocPersistence(after, 'w', 'd', again);
    await second.load();
    expect(textOf(again)).toBe('Shelf count: 14 tins');
    // Stored for good, and the journal emptied.
    expect(after.journal.read('w', 'd').keys).toEqual([]);
    const third = new Y.Doc();
    await new DocPersistence(new DocStorage(store, { journal: storageJournal(memoryKeyValueStorage(), 'x') }), 'w', 'd', third).load();
    expect(textOf(third)).toBe('Shelf count: 14 tins');
    await second.stop();
  });

  it('a page that stays (hidden, then back) removes its entry once the writes commit', async () => {
    const kv = memoryKeyValueStorage();
    const { store, hold } = abortingStore();
    const storage = new DocStorage(store, { journal: storageJournal(kv, 'p') });
    const doc = new Y.Doc();
    const persistence = new DocPersistence(storage, 'w', 'd', doc);
    await persistence.load();
    let release: () => void = () => {};
    const append = store.appendUpdate.bind(store);
    store.appendUpdate = (w, d, u) => new Promise<number>((resolve) => (release = () => resolve(append(w, d, u))));
    hold(false);
    doc.getText('t').insert(0, 'Rota');
    await Promise.resolve(); // the keystroke's write starts (a microtask)
    void persistence.stop(); // journaled while under way
    expect(storage.journal.read('w', 'd').keys).toHaveLength(1);
    release();
    await persistence.flush();
    expect(storage.journal.read('w', 'd').keys).toEqual([]);
  });
});

describe('what the relay held, noted as the page goes away', () => {
  it('a confirmation held back by the write gap survives a reload whose store write was aborted', async () => {
    // A browser page's lifecycle events, in Node.
    const page = new EventTarget();
    const doc = Object.assign(new EventTarget(), { visibilityState: 'visible' });
    Object.assign(globalThis, { addEventListener: page.addEventListener.bind(page), removeEventListener: page.removeEventListener.bind(page), document: doc });
    try {
      const kv = memoryKeyValueStorage();
      const store = new MemoryLocalStore();
      const put = store.putDocMeta.bind(store);
      let held = false;
      store.putDocMeta = (meta) => (held ? new Promise<void>(() => {}) : put(meta));
      const before = new DocStorage(store, { journal: storageJournal(kv, 'before') });
      const clock = { now: 0 };
      const keeper = new MetaKeeper(before, 'w', 'd', () => clock.now);
      await keeper.read();
      const relay = new Map([[7, 3]]);
      keeper.confirmed(() => Y.encodeStateVector(relay)); // written at once
      await before.getMeta('w', 'd');
      keeper.pending(); // a deletion, typed live: remembered as waiting until confirmed
      expect((await before.getMeta('w', 'd')).unsynced).toBe(true);
      clock.now = 100;
      relay.set(7, 9);
      keeper.confirmed(() => Y.encodeStateVector(relay)); // inside the gap: held back
      held = true; // from here the page's store writes never commit
      page.dispatchEvent(new Event('pagehide'));
      keeper.stop();

      held = false;
      const after = new DocStorage(store, { journal: storageJournal(kv, 'after') });
      const meta = await new MetaKeeper(after, 'w', 'd', () => 0).read();
      expect(Y.decodeStateVector(meta.syncedStateVector!).get(7)).toBe(9);
      // The note is a confirmation of everything: the deletion no longer counts as waiting.
      expect(meta.unsynced).toBe(false);
      // Stored for good, then the note is gone.
      await after.getMeta('w', 'd');
      expect(Y.decodeStateVector((await store.getDocMeta('w', 'd'))!.syncedStateVector!).get(7)).toBe(9);
      expect((await store.getDocMeta('w', 'd'))!.unsynced).toBe(false);
      expect(after.journal.readAcked('w', 'd').keys).toEqual([]);
    } finally {
      for (const name of ['addEventListener', 'removeEventListener', 'document']) Reflect.deleteProperty(globalThis, name);
    }
  });

  it('keeps its notes apart from the edits journaled for the same document', () => {
    const journal = storageJournal(memoryKeyValueStorage(), 'p');
    journal.write('w', 'd', new Uint8Array([1]));
    journal.writeAcked('w', 'd', new Uint8Array([2]));
    expect(journal.read('w', 'd').updates.map((u) => [...u])).toEqual([[1]]);
    expect(journal.readAcked('w', 'd').stateVectors.map((u) => [...u])).toEqual([[2]]);
    journal.dropWorkspace('w');
    expect(journal.readAcked('w', 'd').keys).toEqual([]);
  });
});

import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { LocalStoreError } from './errors.ts';
import { openIdbLocalStore } from './store-idb.ts';
import { MemoryLocalStore } from './store-memory.ts';
import { runLocalStoreTests } from './store-suite.ts';

runLocalStoreTests('memory', async () => {
  const store = new MemoryLocalStore();
  return {
    store,
    writeRaw: (w, d, seq, value) => store.writeRaw(w, d, seq, value),
    fillQuota() {
      store.quotaBytes = 0;
      return () => {
        store.quotaBytes = Number.POSITIVE_INFINITY;
      };
    }
  };
});

let dbCounter = 0;
runLocalStoreTests('indexeddb (fake-indexeddb)', async () => {
  const name = `mutual-test-${++dbCounter}`;
  const store = await openIdbLocalStore({ name });
  return {
    store,
    writeRaw: (w, d, seq, value) => store.writeRaw(w, d, seq, value),
    fillQuota() {
      // A real browser aborts the transaction with a QuotaExceededError DOMException; the store must
      // turn it into plain words. Patch put on the prototype the way a full disk would answer.
      const proto = globalThis.IDBObjectStore.prototype;
      const original = proto.put;
      proto.put = function put(this: IDBObjectStore) {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      } as typeof proto.put;
      return () => {
        proto.put = original;
      };
    },
    teardown() {
      store.close();
      indexedDB.deleteDatabase(name);
    }
  };
});

describe('openIdbLocalStore', () => {
  it('says in plain words when the browser has no IndexedDB', async () => {
    const saved = globalThis.indexedDB;
    // @ts-expect-error simulating a browser without IndexedDB
    delete globalThis.indexedDB;
    try {
      const error = await openIdbLocalStore({ name: 'x' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LocalStoreError);
      expect((error as LocalStoreError).kind).toBe('unavailable');
      expect((error as LocalStoreError).message).toMatch(/does not let Mutual save documents/);
    } finally {
      globalThis.indexedDB = saved;
    }
  });
});

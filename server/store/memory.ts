import { docIdOf, workspaceKeyRange, type DocKey, type DocumentStore, type StoredDocument } from './types.ts';

interface MemoryEntry {
  snapshot: Uint8Array | null;
  updates: Uint8Array[];
}

/** The backing map of a memory store; pass the same one to a new store to simulate a restart. */
export type MemoryStoreData = Map<string, MemoryEntry>;

/**
 * An in-memory document store (tests, `STORE=memory`). Data lives as long as `data`.
 * Copies bytes in and out so callers can never mutate stored state by accident.
 */
export function createMemoryStore(data: MemoryStoreData = new Map()): DocumentStore {
  let closed = false;
  const check = () => {
    if (closed) throw new Error('document store is closed');
  };
  return {
    async load(key: DocKey): Promise<StoredDocument> {
      check();
      const entry = data.get(key);
      if (!entry) return { snapshot: null, updates: [], updateBytes: 0 };
      const updates = entry.updates.map((u) => u.slice());
      return { snapshot: entry.snapshot?.slice() ?? null, updates, updateBytes: updates.reduce((n, u) => n + u.byteLength, 0) };
    },
    async append(key, update) {
      check();
      let entry = data.get(key);
      if (!entry) data.set(key, (entry = { snapshot: null, updates: [] }));
      entry.updates.push(update.slice());
    },
    async compact(key, snapshot) {
      check();
      data.set(key, { snapshot: snapshot.slice(), updates: [] });
    },
    async delete(key) {
      check();
      data.delete(key);
    },
    async listDocuments(workspaceId) {
      check();
      const [from, to] = workspaceKeyRange(workspaceId);
      return [...data.keys()].filter((k) => k >= from && k < to).sort().map((k) => docIdOf(k as DocKey));
    },
    async close() {
      closed = true;
    }
  };
}

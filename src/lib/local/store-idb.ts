/**
 * IndexedDB {@link LocalStore} (via `idb`). Database `mutual`, three object stores:
 *   workspaces  key workspaceId                 — the catalogue of joined workspaces
 *   updates     key [workspaceId, docId, seq]   — appended Yjs updates
 *   docs        key [workspaceId, docId]        — per-document meta (sync state, compaction)
 * Compound keys keep one workspace's records contiguous, so leaving a
 * workspace is three range deletes in one transaction.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { LocalStoreError, toLocalStoreError } from './errors.ts';
import {
  copyBytes,
  type DocMeta,
  type LocalStore,
  type RawUpdateRecord,
  type WorkspaceRecord
} from './store.ts';

/** Name of the IndexedDB database. */
export const DB_NAME = 'mutual';
const DB_VERSION = 1;

interface StoredUpdate {
  workspaceId: string;
  docId: string;
  seq: number;
  update: unknown;
}

interface MutualDB extends DBSchema {
  workspaces: { key: string; value: WorkspaceRecord };
  updates: { key: [string, string, number]; value: StoredUpdate };
  docs: { key: [string, string]; value: DocMeta };
}

// Array keys sort after numbers and strings in IndexedDB, so [id, []] is an
// upper bound for every [id, <string>, …] key.
const workspaceRange = (workspaceId: string): IDBKeyRange => IDBKeyRange.bound([workspaceId], [workspaceId, []]);
const docRange = (workspaceId: string, docId: string, upper = Number.POSITIVE_INFINITY, upperOpen = false): IDBKeyRange =>
  IDBKeyRange.bound([workspaceId, docId, Number.NEGATIVE_INFINITY], [workspaceId, docId, upper], false, upperOpen);

/** Options of {@link openIdbLocalStore}. */
export interface IdbLocalStoreOptions {
  /** Database name (tests use a fresh one each). Default `mutual`. */
  name?: string;
}

/**
 * Open the IndexedDB store. Rejects with a `LocalStoreError` of kind
 * 'unavailable' when the browser has no usable IndexedDB.
 */
export async function openIdbLocalStore(options: IdbLocalStoreOptions = {}): Promise<IdbLocalStore> {
  if (typeof indexedDB === 'undefined') throw new LocalStoreError('unavailable');
  try {
    const db = await openDB<MutualDB>(options.name ?? DB_NAME, DB_VERSION, {
      upgrade(database) {
        database.createObjectStore('workspaces', { keyPath: 'workspaceId' });
        database.createObjectStore('updates', { keyPath: ['workspaceId', 'docId', 'seq'] });
        database.createObjectStore('docs', { keyPath: ['workspaceId', 'docId'] });
      },
      // Another tab runs a newer version: close so it can upgrade rather than hang both tabs.
      blocking() {
        db.close();
      }
    });
    return new IdbLocalStore(db);
  } catch (error) {
    const mapped = toLocalStoreError(error);
    throw mapped.kind === 'io' ? new LocalStoreError('unavailable', { cause: error }) : mapped;
  }
}

/** A {@link LocalStore} over IndexedDB. Create with {@link openIdbLocalStore}. */
export class IdbLocalStore implements LocalStore {
  readonly kind = 'indexeddb' as const;
  constructor(private readonly db: IDBPDatabase<MutualDB>) {}

  listWorkspaces(): Promise<WorkspaceRecord[]> {
    return guard(() => this.db.getAll('workspaces'));
  }

  getWorkspace(workspaceId: string): Promise<WorkspaceRecord | undefined> {
    return guard(() => this.db.get('workspaces', workspaceId));
  }

  putWorkspace(record: WorkspaceRecord): Promise<void> {
    return guard(async () => {
      await this.db.put('workspaces', record);
    });
  }

  deleteWorkspace(workspaceId: string): Promise<void> {
    return guard(async () => {
      const tx = this.db.transaction(['workspaces', 'updates', 'docs'], 'readwrite');
      await Promise.all([
        tx.objectStore('workspaces').delete(workspaceId),
        tx.objectStore('updates').delete(workspaceRange(workspaceId)),
        tx.objectStore('docs').delete(workspaceRange(workspaceId)),
        tx.done
      ]);
    });
  }

  appendUpdate(workspaceId: string, docId: string, update: Uint8Array): Promise<number> {
    return guard(async () => {
      // Read the last seq and write the next one in ONE transaction: two tabs
      // appending at once then serialise instead of overwriting each other.
      const tx = this.db.transaction('updates', 'readwrite');
      const done = tx.done;
      done.catch(() => {}); // observed below; keeps an early abort from being "unhandled"
      const last = await tx.store.openKeyCursor(docRange(workspaceId, docId), 'prev');
      const seq = last ? last.key[2] + 1 : 1;
      const put = tx.store.put({ workspaceId, docId, seq, update: copyBytes(update) });
      // Commit now rather than when the event loop finds no more requests: a page about to be
      // unloaded has its unfinished transactions aborted (journal.ts keeps those words too).
      tx.commit?.();
      await Promise.all([put, done]);
      return seq;
    });
  }

  loadUpdates(workspaceId: string, docId: string): Promise<RawUpdateRecord[]> {
    return guard(async () => {
      const rows = await this.db.getAll('updates', docRange(workspaceId, docId));
      return rows.map((row) => ({ seq: row.seq, update: normaliseBytes(row.update) }));
    });
  }

  replaceUpdates(workspaceId: string, docId: string, merged: Uint8Array, upToSeq: number): Promise<void> {
    return guard(async () => {
      // Write the compacted record first, then delete what it replaces: both in
      // one transaction, so a crash leaves either the old records or the new one.
      const tx = this.db.transaction('updates', 'readwrite');
      await Promise.all([
        tx.store.put({ workspaceId, docId, seq: upToSeq, update: copyBytes(merged) }),
        tx.store.delete(docRange(workspaceId, docId, upToSeq, true)),
        tx.done
      ]);
    });
  }

  deleteDocument(workspaceId: string, docId: string): Promise<void> {
    return guard(async () => {
      const tx = this.db.transaction(['updates', 'docs'], 'readwrite');
      await Promise.all([
        tx.objectStore('updates').delete(docRange(workspaceId, docId)),
        tx.objectStore('docs').delete([workspaceId, docId]),
        tx.done
      ]);
    });
  }

  listDocuments(workspaceId: string): Promise<string[]> {
    return guard(async () => {
      const ids: string[] = [];
      const tx = this.db.transaction('updates', 'readonly');
      // Jump from document to document instead of walking every record.
      let cursor = await tx.store.openKeyCursor(workspaceRange(workspaceId));
      while (cursor) {
        const docId = cursor.key[1];
        ids.push(docId);
        cursor = await cursor.continue([workspaceId, docId, []] as unknown as [string, string, number]);
      }
      await tx.done;
      return ids;
    });
  }

  getDocMeta(workspaceId: string, docId: string): Promise<DocMeta | undefined> {
    return guard(() => this.db.get('docs', [workspaceId, docId]));
  }

  putDocMeta(meta: DocMeta): Promise<void> {
    return guard(async () => {
      await this.db.put('docs', meta);
    });
  }

  listDocMeta(workspaceId: string): Promise<DocMeta[]> {
    return guard(() => this.db.getAll('docs', IDBKeyRange.bound([workspaceId], [workspaceId, []])));
  }

  close(): void {
    this.db.close();
  }

  /** Test hook: store an arbitrary value as a record, as a damaged database would hold it. */
  async writeRaw(workspaceId: string, docId: string, seq: number, value: unknown): Promise<void> {
    await this.db.put('updates', { workspaceId, docId, seq, update: value });
  }
}

/** Run an IndexedDB operation, turning whatever it throws into a LocalStoreError. */
async function guard<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw toLocalStoreError(error);
  }
}

/** Older records or other engines may hand back an ArrayBuffer; everything else stays as is (and fails validation). */
function normaliseBytes(value: unknown): unknown {
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  return value;
}

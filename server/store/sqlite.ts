import type { SqliteDatabase } from '../database.ts';
import { docIdOf, DocumentLoadError, workspaceKeyRange, type DocKey, type DocumentStore, type StoredDocument } from './types.ts';

type Op =
  | { kind: 'append'; key: DocKey; bytes: Uint8Array; done: Settle }
  | { kind: 'compact'; key: DocKey; bytes: Uint8Array; done: Settle }
  | { kind: 'delete'; key: DocKey; done: Settle };
interface Settle {
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * A document store on SQLite (better-sqlite3). Writes are queued and committed together
 * in one transaction at the end of the current macrotask (group commit: many documents'
 * updates of one event-loop turn cost one commit). better-sqlite3 is synchronous; a WAL
 * commit of a few small rows takes microseconds, which is why this does not use a worker.
 *
 * The database handle is borrowed: `close()` commits pending writes but does not close it.
 */
export function createSqliteStore(db: SqliteDatabase): DocumentStore {
  const insertUpdate = db.prepare('INSERT INTO doc_updates (doc_key, data) VALUES (?, ?)');
  const putSnapshot = db.prepare(
    'INSERT INTO doc_snapshots (doc_key, snapshot, updated_at) VALUES (?, ?, ?) ON CONFLICT(doc_key) DO UPDATE SET snapshot = excluded.snapshot, updated_at = excluded.updated_at'
  );
  const dropUpdates = db.prepare('DELETE FROM doc_updates WHERE doc_key = ?');
  const dropSnapshot = db.prepare('DELETE FROM doc_snapshots WHERE doc_key = ?');
  const getSnapshot = db.prepare('SELECT snapshot FROM doc_snapshots WHERE doc_key = ?').pluck();
  const getUpdates = db.prepare('SELECT data FROM doc_updates WHERE doc_key = ? ORDER BY seq').pluck();
  // Keys are `<workspaceId>/<docId>`; a range scan on the key avoids LIKE and its wildcards.
  const listKeys = db
    .prepare('SELECT doc_key FROM doc_snapshots WHERE doc_key >= ? AND doc_key < ? UNION SELECT doc_key FROM doc_updates WHERE doc_key >= ? AND doc_key < ? ORDER BY doc_key')
    .pluck();

  let queue: Op[] = [];
  let scheduled = false;
  let closed = false;

  const runBatch = db.transaction((ops: Op[]) => {
    for (const op of ops) {
      if (op.kind === 'append') insertUpdate.run(op.key, op.bytes);
      else if (op.kind === 'compact') {
        putSnapshot.run(op.key, op.bytes, Date.now());
        // Every update appended before this compact is earlier in this queue or already
        // committed, so all of this key's rows are covered by the snapshot.
        dropUpdates.run(op.key);
      } else {
        dropUpdates.run(op.key);
        dropSnapshot.run(op.key);
      }
    }
  });

  /** Commit everything queued so far, settling each op's promise. */
  const commit = () => {
    scheduled = false;
    if (queue.length === 0) return;
    const ops = queue;
    queue = [];
    try {
      runBatch(ops);
    } catch (err) {
      for (const op of ops) op.done.reject(err);
      return;
    }
    for (const op of ops) op.done.resolve();
  };

  const enqueue = (make: (done: Settle) => Op): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      if (closed) return reject(new Error('document store is closed'));
      queue.push(make({ resolve, reject }));
      if (!scheduled) {
        scheduled = true;
        // A microtask runs after the current macrotask's synchronous work: every append
        // made while handling this turn's messages lands in the same transaction.
        queueMicrotask(commit);
      }
    });

  return {
    async load(key): Promise<StoredDocument> {
      if (closed) throw new Error('document store is closed');
      commit(); // a load must see every write queued before it
      try {
        return db.transaction(() => {
          const snapshot: unknown = getSnapshot.get(key);
          if (snapshot !== undefined && !(snapshot instanceof Uint8Array)) throw new Error('snapshot is not a blob');
          const rows: unknown[] = getUpdates.all(key);
          let updateBytes = 0;
          for (const row of rows) {
            if (!(row instanceof Uint8Array)) throw new Error('update row is not a blob');
            updateBytes += row.byteLength;
          }
          return { snapshot: (snapshot as Uint8Array | undefined) ?? null, updates: rows as Uint8Array[], updateBytes };
        })();
      } catch (err) {
        throw new DocumentLoadError(key, err);
      }
    },
    append: (key, bytes) => enqueue((done) => ({ kind: 'append', key, bytes, done })),
    compact: (key, bytes) => enqueue((done) => ({ kind: 'compact', key, bytes, done })),
    delete: (key) => enqueue((done) => ({ kind: 'delete', key, done })),
    async listDocuments(workspaceId) {
      if (closed) throw new Error('document store is closed');
      commit();
      const [from, to] = workspaceKeyRange(workspaceId);
      return (listKeys.all(from, to, from, to) as string[]).map((k) => docIdOf(k as DocKey));
    },
    async close() {
      commit();
      closed = true;
    }
  };
}

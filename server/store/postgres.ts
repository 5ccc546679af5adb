/**
 * The document store on PostgreSQL (STORE=postgres), shared by every relay instance.
 * Same model as SQLite: a snapshot per document plus a log of updates after it.
 *
 * Writes go through one queue per store, committed in order, one transaction per batch:
 * while a batch commits, the next one collects (group commit, as with SQLite, but across
 * network round trips). Order within a store is call order, which gives the contract of
 * DocumentStore; across instances there is no order to keep (Yjs updates commute).
 *
 * Compaction runs inside the batch's transaction, after the appends called before it and
 * before those called after it. It is safe with several instances at once:
 *  - `pg_try_advisory_xact_lock` on the document's key: one compaction per document at a
 *    time across all instances; a second one is skipped (the first covers the same rows).
 *  - The new snapshot is the caller's state MERGED with the stored snapshot and every log
 *    row it read, and only the rows it read are deleted: an update another instance appended
 *    but this one has not received yet is folded into the snapshot or stays in the log,
 *    never dropped.
 */
import type pg from 'pg';
import * as Y from 'yjs';
import { docIdOf, DocumentLoadError, workspaceKeyRange, type DocKey, type DocumentStore, type StoredDocument } from './types.ts';

/** First half of the advisory lock key of a compaction; the second is hashtext(doc_key). */
const COMPACTION_LOCK_CLASS = 7_262_002;
/** Rows per INSERT statement (each row is 2 parameters; PostgreSQL allows 65,535). */
const INSERT_CHUNK = 500;

type Op =
  | { kind: 'append'; key: DocKey; bytes: Uint8Array; done: Settle }
  | { kind: 'compact'; key: DocKey; bytes: Uint8Array; done: Settle }
  | { kind: 'delete'; key: DocKey; done: Settle };
interface Settle {
  resolve(): void;
  reject(err: unknown): void;
}

/** What the store reports about compactions (tests and logs). */
export interface PostgresStoreStats {
  /** Compactions that wrote a snapshot. */
  compacted: number;
  /** Compactions skipped because another instance held the document's lock. */
  skippedLocked: number;
}

/** A DocumentStore with PostgreSQL-specific counters. */
export interface PostgresDocumentStore extends DocumentStore {
  readonly stats: PostgresStoreStats;
  /**
   * Each document's revision: a string that changes whenever what is stored for it changes
   * (the snapshot row's version — its xmin — the number of log rows and the highest one). One
   * query for all `keys`; the periodic catch-up reads only documents whose revision moved.
   */
  revisions(keys: DocKey[]): Promise<Map<DocKey, string>>;
}

/**
 * A document store over `pool` (the schema must be migrated: {@link migratePostgres}).
 * `ownsPool`: close() ends the pool too.
 */
export function createPostgresStore(pool: pg.Pool, opts: { ownsPool?: boolean } = {}): PostgresDocumentStore {
  let queue: Op[] = [];
  let draining: Promise<void> | null = null;
  /** Settles after every op queued so far has settled (loads wait on it). */
  let lastSettled: Promise<void> = Promise.resolve();
  let closed = false;
  const stats: PostgresStoreStats = { compacted: 0, skippedLocked: 0 };

  const drain = async () => {
    while (queue.length > 0) {
      const ops = queue;
      queue = [];
      await runBatch(ops);
    }
    draining = null;
  };

  /** One transaction for the batch; a failed compaction is rolled back alone (savepoint). */
  const runBatch = async (ops: Op[]) => {
    // The common case, appends only: one autocommitted INSERT is atomic on its own and costs
    // one round trip instead of four (BEGIN, INSERT, COMMIT and taking a pooled connection).
    if (ops.length <= INSERT_CHUNK && ops.every((op) => op.kind === 'append')) {
      const run = ops as Extract<Op, { kind: 'append' }>[];
      try {
        await pool.query(insertSql(run.length), run.flatMap((a) => [a.key, asBuffer(a.bytes)]));
      } catch (err) {
        for (const op of ops) op.done.reject(err);
        return;
      }
      for (const op of ops) op.done.resolve();
      return;
    }
    const compactErrors = new Map<Op, unknown>();
    let client: pg.PoolClient | null = null;
    try {
      client = await pool.connect();
      await client.query('BEGIN');
      for (let i = 0; i < ops.length; ) {
        const op = ops[i];
        if (op.kind === 'append') {
          // Consecutive appends become one multi-row INSERT: seq follows VALUES order.
          let j = i;
          while (j < ops.length && ops[j].kind === 'append' && j - i < INSERT_CHUNK) j++;
          const run = ops.slice(i, j) as Extract<Op, { kind: 'append' }>[];
          await client.query(insertSql(run.length), run.flatMap((a) => [a.key, asBuffer(a.bytes)]));
          i = j;
          continue;
        }
        if (op.kind === 'compact') {
          await client.query('SAVEPOINT compaction');
          try {
            const done = await compactIn(client, op.key, op.bytes);
            if (done) stats.compacted++;
            else stats.skippedLocked++;
            await client.query('RELEASE SAVEPOINT compaction');
          } catch (err) {
            await client.query('ROLLBACK TO SAVEPOINT compaction');
            compactErrors.set(op, err);
          }
        } else {
          await client.query('DELETE FROM doc_updates WHERE doc_key = $1', [op.key]);
          await client.query('DELETE FROM doc_snapshots WHERE doc_key = $1', [op.key]);
        }
        i++;
      }
      await client.query('COMMIT');
    } catch (err) {
      await client?.query('ROLLBACK').catch(() => {});
      client?.release(err instanceof Error ? err : true);
      client = null;
      for (const op of ops) op.done.reject(err);
      return;
    } finally {
      client?.release();
    }
    for (const op of ops) {
      if (compactErrors.has(op)) op.done.reject(compactErrors.get(op));
      else op.done.resolve();
    }
  };

  const enqueue = (make: (done: Settle) => Op): Promise<void> => {
    if (closed) return Promise.reject(new Error('document store is closed'));
    const promise = new Promise<void>((resolve, reject) => {
      queue.push(make({ resolve, reject }));
    });
    lastSettled = promise.then(
      () => {},
      () => {}
    );
    // Start on a microtask: everything queued during this macrotask joins the first batch.
    draining ??= Promise.resolve().then(drain);
    return promise;
  };

  return {
    stats,
    async load(key): Promise<StoredDocument> {
      if (closed) throw new Error('document store is closed');
      // A load sees every write queued before it.
      await lastSettled;
      let rows: { kind: number; data: unknown }[];
      try {
        // One statement, so one MVCC snapshot: a compaction committed by another instance
        // between reading the snapshot and reading the log cannot make rows vanish unseen.
        rows = (
          await pool.query<{ kind: number; data: unknown }>(
            `SELECT 0 AS kind, snapshot AS data, 0::bigint AS seq FROM doc_snapshots WHERE doc_key = $1
             UNION ALL
             SELECT 1 AS kind, data, seq FROM doc_updates WHERE doc_key = $1
             ORDER BY kind, seq`,
            [key]
          )
        ).rows;
      } catch (err) {
        throw new DocumentLoadError(key, err);
      }
      let snapshot: Uint8Array | null = null;
      const updates: Uint8Array[] = [];
      let updateBytes = 0;
      for (const row of rows) {
        if (!(row.data instanceof Uint8Array)) throw new DocumentLoadError(key, new Error(row.kind === 0 ? 'snapshot is not bytes' : 'update row is not bytes'));
        if (row.kind === 0) snapshot = row.data;
        else {
          updates.push(row.data);
          updateBytes += row.data.byteLength;
        }
      }
      return { snapshot, updates, updateBytes };
    },
    append: (key, bytes) => enqueue((done) => ({ kind: 'append', key, bytes: bytes.slice(), done })),
    compact: (key, bytes) => enqueue((done) => ({ kind: 'compact', key, bytes: bytes.slice(), done })),
    delete: (key) => enqueue((done) => ({ kind: 'delete', key, done })),
    async revisions(keys) {
      if (closed) throw new Error('document store is closed');
      const res = await pool.query<{ key: string; snap: string | null; n: string; top: string | null }>(
        `SELECT k.key, s.xmin::text AS snap, u.n, u.top
         FROM unnest($1::text[]) AS k(key)
         LEFT JOIN doc_snapshots s ON s.doc_key = k.key
         CROSS JOIN LATERAL (SELECT count(*) AS n, max(seq) AS top FROM doc_updates WHERE doc_key = k.key) u`,
        [keys]
      );
      return new Map(res.rows.map((r) => [r.key as DocKey, `${r.snap ?? '-'}:${r.n}:${r.top ?? '-'}`]));
    },
    async listDocuments(workspaceId) {
      if (closed) throw new Error('document store is closed');
      await lastSettled;
      const [from, to] = workspaceKeyRange(workspaceId);
      // COLLATE "C": compare bytes, as the range assumes (the database's collation may not).
      const res = await pool.query<{ doc_key: string }>(
        `SELECT doc_key FROM doc_snapshots WHERE doc_key COLLATE "C" >= $1 AND doc_key COLLATE "C" < $2
         UNION SELECT doc_key FROM doc_updates WHERE doc_key COLLATE "C" >= $1 AND doc_key COLLATE "C" < $2 ORDER BY 1`,
        [from, to]
      );
      return res.rows.map((r) => docIdOf(r.doc_key as DocKey)).sort();
    },
    async close() {
      if (closed) return;
      closed = true;
      await lastSettled;
      await draining;
      if (opts.ownsPool) await pool.end();
    }
  };
}

/**
 * Compact `key` inside the caller's transaction. Returns false when another instance is
 * compacting it right now (its compaction covers the same rows; nothing to do).
 */
async function compactIn(client: pg.PoolClient, key: DocKey, state: Uint8Array): Promise<boolean> {
  const lock = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1, hashtext($2)) AS locked', [COMPACTION_LOCK_CLASS, key]);
  if (!lock.rows[0]?.locked) return false;
  const stored = await client.query<{ snapshot: Buffer }>('SELECT snapshot FROM doc_snapshots WHERE doc_key = $1', [key]);
  const log = await client.query<{ seq: string; data: Buffer }>('SELECT seq, data FROM doc_updates WHERE doc_key = $1 ORDER BY seq', [key]);
  // Rebuild in a fresh document with gc on: deleted content is dropped from the snapshot
  // (the retention purge relies on that), and what this instance has not seen yet is kept.
  const doc = new Y.Doc({ gc: true });
  try {
    doc.transact(() => {
      if (stored.rows[0]) Y.applyUpdate(doc, stored.rows[0].snapshot);
      for (const row of log.rows) Y.applyUpdate(doc, row.data);
      Y.applyUpdate(doc, state);
    });
    const snapshot = Y.encodeStateAsUpdate(doc);
    await client.query(
      'INSERT INTO doc_snapshots (doc_key, snapshot, updated_at) VALUES ($1, $2, $3) ON CONFLICT (doc_key) DO UPDATE SET snapshot = excluded.snapshot, updated_at = excluded.updated_at',
      [key, asBuffer(snapshot), Date.now()]
    );
    if (log.rows.length > 0) await client.query('DELETE FROM doc_updates WHERE doc_key = $1 AND seq = ANY($2::bigint[])', [key, log.rows.map((r) => r.seq)]);
  } finally {
    doc.destroy();
  }
  return true;
}

/** INSERT of `rows` updates; seq follows VALUES order. */
function insertSql(rows: number): string {
  const values = Array.from({ length: rows }, (_, n) => `($${2 * n + 1}, $${2 * n + 2})`).join(', ');
  return `INSERT INTO doc_updates (doc_key, data) VALUES ${values}`;
}

/** A Buffer view of `bytes` without copying (node-postgres sends Buffers as bytea). */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Keys of stored documents whose id starts with `prefix` (the retention rule lists private documents). */
export async function listPostgresDocKeys(pool: pg.Pool, docIdPrefix: string): Promise<string[]> {
  // LIKE wildcards in the prefix would over-match; callers check the exact prefix.
  const pattern = `%/${docIdPrefix}%`;
  const res = await pool.query<{ doc_key: string }>('SELECT doc_key FROM doc_snapshots WHERE doc_key LIKE $1 UNION SELECT DISTINCT doc_key FROM doc_updates WHERE doc_key LIKE $1', [pattern]);
  return res.rows.map((r) => r.doc_key);
}

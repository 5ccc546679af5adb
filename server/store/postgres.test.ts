import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { runDocumentStoreTests } from './acceptance.ts';
import { freshSchemaPool, stopTestPostgres, testPostgres } from './pg-test-db.ts';
import { migratePostgres, PG_MIGRATIONS } from './pg-migrations.ts';
import { createPostgresStore } from './postgres.ts';
import { docKey } from './types.ts';

// Starting PostgreSQL (initdb once per machine, then a copy) takes a few seconds.
beforeAll(() => testPostgres().then(() => {}), 60_000);
afterAll(() => stopTestPostgres(), 30_000);

runDocumentStoreTests(
  'postgres',
  async () => {
    const { pool, connect } = await freshSchemaPool();
    let current = pool;
    let store = createPostgresStore(current, { ownsPool: true });
    return {
      store,
      async reopen() {
        // close() drains what was queued (a graceful restart); then a new pool, as a new process has.
        await store.close().catch(() => {});
        current = connect();
        return (store = createPostgresStore(current, { ownsPool: true }));
      },
      async corrupt(key) {
        // A row that is not bytes is what a bad manual edit or a broken migration looks like.
        await current.query('ALTER TABLE doc_updates ALTER COLUMN data DROP NOT NULL');
        await current.query('UPDATE doc_updates SET data = NULL WHERE doc_key = $1', [key]);
      },
      async teardown() {
        await store.close().catch(() => {});
      }
    };
  },
  { corruptible: true }
);

describe('PostgreSQL schema and compaction across instances', () => {
  it('a document’s revision moves with every append, compaction and delete, and only then', async () => {
    const { pool, connect } = await freshSchemaPool();
    const a = createPostgresStore(pool, { ownsPool: true });
    const b = createPostgresStore(connect(), { ownsPool: true });
    const [k1, k2] = [docKey('ws', 'one'), docKey('ws', 'two')];
    try {
      const doc = new Y.Doc();
      const updates: Uint8Array[] = [];
      doc.on('update', (u: Uint8Array) => updates.push(u));
      doc.getText('t').insert(0, 'x');
      doc.getText('t').insert(1, 'y');
      // Asked from another instance's store, for both documents in one query; `two` never changes.
      const untouched = (await b.revisions([k2])).get(k2);
      const revision = async () => {
        const r = await b.revisions([k1, k2]);
        expect(r.get(k2)).toBe(untouched);
        return r.get(k1);
      };
      const start = await revision();
      expect(await revision()).toBe(start); // nothing happened
      await a.append(k1, updates[0]);
      const afterAppend = await revision();
      expect(afterAppend).not.toBe(start);
      await a.compact(k1, Y.encodeStateAsUpdate(doc));
      const afterCompact = await revision();
      expect(afterCompact).not.toBe(afterAppend);
      await a.append(k1, updates[1]);
      const again = await revision();
      expect(again).not.toBe(afterCompact);
      await a.delete(k1);
      expect(await revision()).not.toBe(again);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('records migrations and applies each once, also when two instances start together', async () => {
    const { pool } = await freshSchemaPool();
    try {
      expect(await Promise.all([migratePostgres(pool), migratePostgres(pool)])).toEqual([[], []]);
      const rows = (await pool.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).rows;
      expect(rows.map((r) => r.version)).toEqual(PG_MIGRATIONS.map((m) => m.version));
    } finally {
      await pool.end();
    }
  });

  it('finds push subscriptions by endpoint through an index (migration 8)', async () => {
    const { pool } = await freshSchemaPool();
    const client = await pool.connect();
    try {
      // With scans priced out, the plan names the index only if it exists.
      await client.query('SET enable_seqscan = off');
      const plan = await client.query<{ 'QUERY PLAN': string }>("EXPLAIN SELECT * FROM push_subscriptions WHERE endpoint = 'https://push.example/1'");
      expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toMatch(/push_subscriptions_by_endpoint/);
    } finally {
      client.release();
      await pool.end();
    }
  });

  it('refuses a database a newer Mutual migrated (downgrade), with a clear message', async () => {
    const { pool } = await freshSchemaPool();
    try {
      const next = PG_MIGRATIONS[PG_MIGRATIONS.length - 1].version + 1;
      await pool.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, 'from the future', 0)", [next]);
      await expect(migratePostgres(pool)).rejects.toThrow(/newer Mutual.*Downgrades are refused/);
    } finally {
      await pool.end();
    }
  });

  it('a compaction keeps updates another instance appended that this one never saw', async () => {
    const { pool, connect } = await freshSchemaPool();
    const a = createPostgresStore(pool, { ownsPool: true });
    const b = createPostgresStore(connect(), { ownsPool: true });
    const key = docKey('ws', 'shared');
    try {
      const docA = new Y.Doc();
      const docB = new Y.Doc();
      docA.on('update', (u: Uint8Array) => void a.append(key, u));
      docB.on('update', (u: Uint8Array) => void b.append(key, u));
      docA.getText('t').insert(0, 'from A. ');
      docB.getText('t').insert(0, 'from B. ');
      await Promise.all([a.load(key), b.load(key)]); // both logs committed
      // A compacts with only its own state: B's row must be folded in, not dropped.
      await a.compact(key, Y.encodeStateAsUpdate(docA));
      const loaded = await b.load(key);
      expect(loaded.updates).toHaveLength(0);
      const check = new Y.Doc();
      Y.applyUpdate(check, loaded.snapshot!);
      expect(check.getText('t').toString()).toContain('from A.');
      expect(check.getText('t').toString()).toContain('from B.');
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('two instances compacting one document at once: one compacts, the other skips, nothing is lost', async () => {
    const { pool, connect } = await freshSchemaPool();
    const a = createPostgresStore(pool, { ownsPool: true });
    const b = createPostgresStore(connect(), { ownsPool: true });
    const key = docKey('ws', 'hot');
    const holder = connect();
    try {
      const doc = new Y.Doc();
      doc.on('update', (u: Uint8Array) => void a.append(key, u));
      for (let i = 0; i < 20; i++) doc.getText('t').insert(0, String(i % 10));
      await a.load(key);
      // Hold the document's compaction lock, as a compaction in progress on a third instance does.
      const c = await holder.connect();
      await c.query('BEGIN');
      await c.query('SELECT pg_advisory_xact_lock(7262002, hashtext($1))', [key]);
      await Promise.all([a.compact(key, Y.encodeStateAsUpdate(doc)), b.compact(key, Y.encodeStateAsUpdate(doc))]);
      expect(a.stats.skippedLocked + b.stats.skippedLocked).toBe(2);
      expect((await a.load(key)).updates).toHaveLength(20);
      await c.query('COMMIT');
      c.release();
      // Lock free: both race; exactly one may write at a time, and the result is whole.
      await Promise.all([a.compact(key, Y.encodeStateAsUpdate(doc)), b.compact(key, Y.encodeStateAsUpdate(doc))]);
      expect(a.stats.compacted + b.stats.compacted).toBeGreaterThanOrEqual(1);
      const loaded = await a.load(key);
      expect(loaded.updates).toHaveLength(0);
      const check = new Y.Doc();
      Y.applyUpdate(check, loaded.snapshot!);
      expect(check.getText('t').toString()).toBe(doc.getText('t').toString());
    } finally {
      await Promise.all([a.close(), b.close(), holder.end()]);
    }
  });
});

import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { createLogger } from '../log.ts';
import { stopTestPostgres, testPostgres } from '../store/pg-test-db.ts';
import { runCoordinatorTests } from './acceptance.ts';
import { createLocalCoordinator } from './local.ts';
import { createPostgresCoordinator, LEADER_LOCK_CLASS } from './postgres.ts';

beforeAll(() => testPostgres().then(() => {}), 60_000);
afterAll(() => stopTestPostgres(), 30_000);

runCoordinatorTests('local', async () => ({ instance: async () => createLocalCoordinator(), teardown: async () => {} }), { shared: false });

runCoordinatorTests(
  'postgres',
  async () => {
    // Advisory locks are per database, not per schema: every test gets its own database.
    const { url } = await testPostgres();
    const admin = new pg.Client(url);
    await admin.connect();
    const db = `coord_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
    await admin.query(`CREATE DATABASE ${db}`);
    const connectionString = url.replace(/\/postgres$/, `/${db}`);
    const pools: pg.Pool[] = [];
    const logger = createLogger('silent');
    return {
      async instance() {
        const pool = new pg.Pool({ connectionString, max: 4 });
        pool.on('error', () => {});
        pools.push(pool);
        return createPostgresCoordinator({ pool, connectionString, leaseMs: 200, logger });
      },
      async killLeaderSession() {
        await admin.query(
          `SELECT pg_terminate_backend(l.pid) FROM pg_locks l JOIN pg_database d ON d.oid = l.database
           WHERE l.locktype = 'advisory' AND l.classid = $1 AND l.granted AND d.datname = $2`,
          [LEADER_LOCK_CLASS, db]
        );
      },
      async teardown() {
        await Promise.all(pools.map((p) => p.end()));
        await admin.query(`DROP DATABASE ${db} WITH (FORCE)`).catch(() => {});
        await admin.end();
      }
    };
  },
  { shared: true }
);

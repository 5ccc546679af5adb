import type pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { freshSchemaPool, stopTestPostgres, testPostgres } from '../store/pg-test-db.ts';
import { runVersionStoreTests } from './acceptance.ts';
import { createPostgresVersionStore } from './store-postgres.ts';

beforeAll(() => testPostgres().then(() => {}), 60_000);
afterAll(() => stopTestPostgres(), 30_000);

runVersionStoreTests('postgres', async () => {
  const { pool, connect } = await freshSchemaPool();
  const pools: pg.Pool[] = [pool];
  return {
    store: createPostgresVersionStore(pool),
    async second() {
      const other = connect();
      pools.push(other);
      return createPostgresVersionStore(other);
    },
    async teardown() {
      await Promise.all(pools.map((p) => p.end()));
    }
  };
});

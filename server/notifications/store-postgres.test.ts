import type pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { freshSchemaPool, stopTestPostgres, testPostgres } from '../store/pg-test-db.ts';
import { runNotificationStoreTests } from './acceptance.ts';
import { createPostgresNotificationStore } from './store-postgres.ts';

beforeAll(() => testPostgres().then(() => {}), 60_000);
afterAll(() => stopTestPostgres(), 30_000);

runNotificationStoreTests('postgres', async () => {
  const { pool, connect } = await freshSchemaPool();
  const pools: pg.Pool[] = [pool];
  return {
    store: createPostgresNotificationStore(pool),
    async second() {
      const other = connect();
      pools.push(other);
      return createPostgresNotificationStore(other);
    },
    async teardown() {
      await Promise.all(pools.map((p) => p.end()));
    }
  };
});

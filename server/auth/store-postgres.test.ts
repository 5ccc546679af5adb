import type pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { freshSchemaPool, stopTestPostgres, testPostgres } from '../store/pg-test-db.ts';
import { runMembershipStoreTests } from './acceptance.ts';
import { createPostgresMembershipStore } from './postgres.ts';

beforeAll(() => testPostgres().then(() => {}), 60_000);
afterAll(() => stopTestPostgres(), 30_000);

runMembershipStoreTests('postgres', async () => {
  const { pool, connect } = await freshSchemaPool();
  const pools: pg.Pool[] = [pool];
  return {
    store: createPostgresMembershipStore(pool),
    async second() {
      const other = connect();
      pools.push(other);
      return createPostgresMembershipStore(other);
    },
    async teardown() {
      await Promise.all(pools.map((p) => p.end()));
    }
  };
});

/**
 * The parts of a Mutual server that several instances share (STORE=postgres): one
 * connection pool, migrated at start, under the document store, the membership store, the
 * version store and the retention rule's listing. Kept out of app.ts so the single-machine path reads as before.
 */
import pg from 'pg';
import { createPostgresMembershipStore } from './auth/postgres.ts';
import { createPostgresVersionStore } from './history/store-postgres.ts';
import type { VersionStore } from './history/store.ts';
import type { MembershipStore } from './auth/types.ts';
import type { MutualConfig } from './config.ts';
import { errorMessage, type Logger } from './log.ts';
import { postgresRetentionHooks } from './rules/retention-postgres.ts';
import { createPostgresNotificationStore } from './notifications/store-postgres.ts';
import type { NotificationStore } from './notifications/types.ts';
import { migratePostgres } from './store/pg-migrations.ts';
import { createPostgresStore, type PostgresDocumentStore } from './store/postgres.ts';

/** Connections per instance: the write queue uses one at a time; loads and auth use the rest. */
const POOL_SIZE = 10;

/** Open the pool to DATABASE_URL and bring the schema up to date (rejects with a plain message). */
export async function connectPostgres(config: Pick<MutualConfig, 'databaseUrl'>, logger: Logger): Promise<pg.Pool> {
  const pool = new pg.Pool({ connectionString: config.databaseUrl, max: POOL_SIZE, connectionTimeoutMillis: 10_000 });
  // An idle connection dropped by the server (restart, failover) must not crash the process.
  pool.on('error', (err) => logger.warn('postgres-idle-connection-error', { error: errorMessage(err) }));
  try {
    const applied = await migratePostgres(pool);
    if (applied.length > 0) logger.info('postgres-migrated', { versions: applied.join(', ') });
  } catch (err) {
    await pool.end().catch(() => {});
    throw new Error(`could not prepare the PostgreSQL database at DATABASE_URL: ${errorMessage(err)}`, { cause: err });
  }
  return pool;
}

/** The stores over a migrated pool (the pool stays the caller's to end). */
export function createPostgresParts(pool: pg.Pool): {
  store: PostgresDocumentStore;
  memberships: MembershipStore;
  versions: VersionStore;
  notifications: NotificationStore;
  retentionHooks: ReturnType<typeof postgresRetentionHooks>;
} {
  return {
    store: createPostgresStore(pool),
    memberships: createPostgresMembershipStore(pool),
    versions: createPostgresVersionStore(pool),
    notifications: createPostgresNotificationStore(pool),
    retentionHooks: postgresRetentionHooks(pool)
  };
}

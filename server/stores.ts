/**
 * Everything Mutual keeps, opened from the configuration: documents, memberships, versions
 * and the retention rule's listing, on SQLite (one instance, the default), PostgreSQL
 * (STORE=postgres: shared by every instance) or memory (throwaway demos). The server
 * (app.ts) and the backup and restore commands open them the same way, so a backup of a
 * PostgreSQL deployment reads what the instances serve.
 */
import type pg from 'pg';
import { createSqliteMembershipStore } from './auth/sqlite.ts';
import type { MembershipStore } from './auth/types.ts';
import type { MutualConfig } from './config.ts';
import { openDatabase, type SqliteDatabase } from './database.ts';
import { createSqliteVersionStore } from './history/store-sqlite.ts';
import { createSqliteNotificationStore } from './notifications/store-sqlite.ts';
import type { NotificationStore } from './notifications/types.ts';
import type { VersionStore } from './history/store.ts';
import type { Logger } from './log.ts';
import type { RetentionOptions } from './rules/retention.ts';
import { sqliteRetentionHooks } from './rules/retention-sqlite.ts';
import { connectPostgres, createPostgresParts } from './scale-out.ts';
import { createMemoryStore } from './store/memory.ts';
import { createSqliteStore } from './store/sqlite.ts';
import type { DocKey, DocumentStore } from './store/types.ts';

/** The stores of one server or command. */
export interface Stores {
  documents: DocumentStore;
  memberships: MembershipStore;
  versions: VersionStore;
  /** Push subscriptions, notification preferences, email addresses, the outbox (issue 19). */
  notifications: NotificationStore;
  /** How the retention rule lists private documents and scrubs freed bytes. */
  retentionHooks: Pick<RetentionOptions, 'listPrivateDocs' | 'scrub'>;
  /** The PostgreSQL pool (STORE=postgres), for what coordinates instances; null otherwise. */
  pool: pg.Pool | null;
  /** Each document's stored revision, one query for many (PostgreSQL; the catch-up reads only what moved); null otherwise. */
  revisions: ((keys: DocKey[]) => Promise<Map<DocKey, string>>) | null;
  /** The SQLite database (STORE=sqlite or memory); null with STORE=postgres. */
  db: SqliteDatabase | null;
  /** Close the database handles (the document store is closed by its owner first). */
  closeHandles(): Promise<void>;
}

/** Open (and migrate) the stores `config.store` names. */
export async function openStores(config: Pick<MutualConfig, 'store' | 'databaseUrl' | 'dataDir'>, logger: Logger): Promise<Stores> {
  if (config.store === 'postgres') {
    const pool = await connectPostgres(config, logger);
    const parts = createPostgresParts(pool);
    const { store, memberships, versions, notifications, retentionHooks } = parts;
    return { documents: store, memberships, versions, notifications, retentionHooks, pool, revisions: (keys) => store.revisions(keys), db: null, closeHandles: () => pool.end() };
  }
  const db = openDatabase(config.store === 'memory' ? ':memory:' : config.dataDir);
  return {
    documents: config.store === 'memory' ? createMemoryStore() : createSqliteStore(db),
    memberships: createSqliteMembershipStore(db),
    versions: createSqliteVersionStore(db),
    notifications: createSqliteNotificationStore(db),
    // A memory store has nothing on disk to list or scrub.
    retentionHooks: config.store === 'memory' ? {} : sqliteRetentionHooks(db),
    pool: null,
    revisions: null,
    db,
    async closeHandles() {
      db.close();
    }
  };
}

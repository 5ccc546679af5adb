/**
 * Schema of Mutual's SQLite database: a numbered list of migrations, each applied once, in
 * order, in its own transaction together with `PRAGMA user_version` (the number of the last
 * one applied). `openDatabase` runs them at start, before any store touches a table.
 *
 * Databases written before the schema was numbered have `user_version` 0 and the tables of
 * migrations 1–4 (and 5, if written after devices arrived; 6, after notifications) already: those migrations use
 * `IF NOT EXISTS`, so they apply to such a database without changing what is in it
 * (migration 3 fills the key history once, migration 5 gives each member a first device).
 *
 * A database whose `user_version` is higher than the last migration here was written by a
 * newer Mutual: it is refused ({@link SchemaTooNewError}) rather than served by code that
 * does not know its tables. Never edit a migration that has shipped: add the next number.
 * The PostgreSQL equivalent is pg-migrations.ts (a `schema_migrations` table).
 */
import type Database from 'better-sqlite3';
import { SchemaTooNewError } from './schema-error.ts';

export { SchemaTooNewError };

/** One schema change. */
export interface SqliteMigration {
  version: number;
  name: string;
  sql: string;
}

/** Every migration, in order. */
export const SQLITE_MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1,
    name: 'documents',
    sql: `
      CREATE TABLE IF NOT EXISTS doc_snapshots (
        doc_key TEXT PRIMARY KEY,
        snapshot BLOB NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS doc_updates (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        doc_key TEXT NOT NULL,
        data BLOB NOT NULL
      );
      CREATE INDEX IF NOT EXISTS doc_updates_by_key ON doc_updates (doc_key, seq);`
  },
  {
    version: 2,
    name: 'memberships',
    sql: `
      CREATE TABLE IF NOT EXISTS workspaces (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        editor_invite_hash TEXT NOT NULL,
        viewer_invite_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS members (
        id TEXT NOT NULL,
        workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'viewer')),
        coordinator INTEGER NOT NULL DEFAULT 0,
        token_hash TEXT NOT NULL UNIQUE,
        public_key TEXT,
        joined_at INTEGER NOT NULL,
        revoked_at INTEGER,
        PRIMARY KEY (workspace_id, id)
      );`
  },
  {
    version: 3,
    name: 'member key history and server secrets',
    sql: `
      CREATE TABLE IF NOT EXISTS member_keys (
        workspace_id TEXT NOT NULL,
        member_id TEXT NOT NULL,
        public_key TEXT NOT NULL,
        added_at INTEGER NOT NULL,
        PRIMARY KEY (workspace_id, member_id, public_key),
        FOREIGN KEY (workspace_id, member_id) REFERENCES members(workspace_id, id) ON DELETE CASCADE
      );
      CREATE TABLE IF NOT EXISTS server_secrets (
        name TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
      -- Key history starts with each member's current key (databases from before it existed).
      INSERT OR IGNORE INTO member_keys (workspace_id, member_id, public_key, added_at)
        SELECT workspace_id, id, public_key, joined_at FROM members WHERE public_key IS NOT NULL;`
  },
  {
    version: 4,
    name: 'document versions',
    sql: `
      CREATE TABLE IF NOT EXISTS doc_versions (
        id TEXT PRIMARY KEY,
        workspace_id TEXT NOT NULL,
        doc_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        reason TEXT NOT NULL,
        name TEXT,
        actor TEXT,
        state BLOB NOT NULL
      );
      CREATE INDEX IF NOT EXISTS doc_versions_by_doc ON doc_versions (workspace_id, doc_id, created_at);`
  },
  {
    version: 5,
    name: 'devices, device links and connection tickets',
    // Each member's token becomes their first device ('first', 'First device': FIRST_DEVICE_ID
    // and FIRST_DEVICE_NAME in auth/types.ts), so every device that worked before keeps working.
    sql: `
      CREATE TABLE IF NOT EXISTS devices (
        workspace_id TEXT NOT NULL,
        member_id TEXT NOT NULL,
        id TEXT NOT NULL,
        name TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL,
        last_seen_at INTEGER,
        revoked_at INTEGER,
        PRIMARY KEY (workspace_id, member_id, id),
        FOREIGN KEY (workspace_id, member_id) REFERENCES members(workspace_id, id) ON DELETE CASCADE
      );
      CREATE TABLE IF NOT EXISTS device_links (
        secret_hash TEXT PRIMARY KEY,
        workspace_id TEXT NOT NULL,
        member_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        used_at INTEGER,
        FOREIGN KEY (workspace_id, member_id) REFERENCES members(workspace_id, id) ON DELETE CASCADE
      );
      CREATE TABLE IF NOT EXISTS connection_tickets (
        ticket_hash TEXT PRIMARY KEY,
        token_hash TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      );
      INSERT OR IGNORE INTO devices (workspace_id, member_id, id, name, token_hash, created_at, last_seen_at, revoked_at)
        SELECT workspace_id, id, 'first', 'First device', token_hash, joined_at, NULL, revoked_at FROM members;`
  },
  {
    version: 6,
    name: 'notifications',
    // IF NOT EXISTS: a database written by the notifications branch before the schema was
    // numbered already has these tables.
    sql: `
      CREATE TABLE IF NOT EXISTS push_subscriptions (
        device_key TEXT PRIMARY KEY,
        workspace_id TEXT NOT NULL,
        member_id TEXT NOT NULL,
        endpoint TEXT NOT NULL,
        p256dh TEXT NOT NULL,
        auth TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS push_subscriptions_by_member ON push_subscriptions (workspace_id, member_id);
      CREATE TABLE IF NOT EXISTS notification_prefs (
        workspace_id TEXT NOT NULL,
        member_id TEXT NOT NULL,
        prefs TEXT NOT NULL,
        PRIMARY KEY (workspace_id, member_id)
      );
      CREATE TABLE IF NOT EXISTS member_emails (
        workspace_id TEXT NOT NULL,
        member_id TEXT NOT NULL,
        email TEXT NOT NULL,
        confirmed_at INTEGER,
        confirm_hash TEXT UNIQUE,
        confirm_expires INTEGER,
        PRIMARY KEY (workspace_id, member_id)
      );
      CREATE TABLE IF NOT EXISTS notification_outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        event_key TEXT NOT NULL,
        workspace_id TEXT NOT NULL,
        member_id TEXT NOT NULL,
        target TEXT NOT NULL,
        content TEXT NOT NULL,
        state TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        next_at INTEGER NOT NULL,
        claimed_until INTEGER,
        last_error TEXT,
        sent_at INTEGER,
        UNIQUE (event_key, member_id, target)
      );
      CREATE INDEX IF NOT EXISTS notification_outbox_due ON notification_outbox (state, next_at);
      CREATE INDEX IF NOT EXISTS notification_outbox_by_member ON notification_outbox (workspace_id, member_id, state);
      CREATE TABLE IF NOT EXISTS notification_wakes (
        workspace_id TEXT NOT NULL,
        doc_id TEXT NOT NULL,
        wake_at INTEGER NOT NULL,
        PRIMARY KEY (workspace_id, doc_id)
      );
  `
  },
  {
    version: 7,
    name: 'notification languages',
    // The language each device's pushes and each member's mail are said in (null: English).
    sql: `
      ALTER TABLE push_subscriptions ADD COLUMN locale TEXT;
      ALTER TABLE member_emails ADD COLUMN locale TEXT;`
  },
  {
    version: 8,
    name: 'push subscriptions by endpoint',
    // A renewed subscription (POST /api/notifications/push-change) finds the old ones by endpoint (subscriptionsAt).
    sql: `CREATE INDEX IF NOT EXISTS push_subscriptions_by_endpoint ON push_subscriptions (endpoint);`
  }
];

/** The schema version this Mutual writes (the last migration's number). */
export const SQLITE_SCHEMA_VERSION = SQLITE_MIGRATIONS[SQLITE_MIGRATIONS.length - 1].version;

/** The schema version recorded in a database (0: from before versions were recorded, or empty). */
export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Bring the database up to date; returns the versions applied now (empty when current).
 * Each migration commits on its own with its number, so a failure leaves the earlier ones
 * applied and the failing one not at all (the next start tries it again).
 */
export function migrateSqlite(db: Database.Database, where = 'This database', migrations: readonly SqliteMigration[] = SQLITE_MIGRATIONS): number[] {
  const known = migrations.length ? migrations[migrations.length - 1].version : 0;
  const found = schemaVersion(db);
  if (found > known) throw new SchemaTooNewError(found, known, where);
  const applied: number[] = [];
  for (const m of migrations) {
    if (m.version <= found) continue;
    // IMMEDIATE: take the write lock before reading, so two processes opening one data
    // directory at once apply each migration once.
    const apply = db.transaction(() => {
      if (schemaVersion(db) >= m.version) return false;
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
      return true;
    });
    try {
      if (apply.immediate()) applied.push(m.version);
    } catch (err) {
      throw new Error(`${where}: migration ${m.version} (${m.name}) failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }
  return applied;
}

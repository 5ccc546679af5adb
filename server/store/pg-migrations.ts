/**
 * Schema of Mutual's PostgreSQL database (STORE=postgres): a numbered list of migrations,
 * each applied once, in order, inside one transaction with its row in `schema_migrations`.
 * Several relay instances may start at once: an advisory lock makes one of them migrate
 * while the others wait, then find nothing left to do.
 *
 * Never edit a migration that has shipped: add the next number.
 */
import type pg from 'pg';
import { SchemaTooNewError } from './schema-error.ts';

/** One schema change. */
export interface PgMigration {
  version: number;
  name: string;
  sql: string;
}

/** Every migration, in order. */
export const PG_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    name: 'documents',
    sql: `
      CREATE TABLE doc_snapshots (
        doc_key TEXT PRIMARY KEY,
        snapshot BYTEA NOT NULL,
        updated_at BIGINT NOT NULL
      );
      CREATE TABLE doc_updates (
        seq BIGSERIAL PRIMARY KEY,
        doc_key TEXT NOT NULL,
        data BYTEA NOT NULL
      );
      CREATE INDEX doc_updates_by_key ON doc_updates (doc_key, seq);`
  },
  {
    version: 2,
    name: 'memberships',
    sql: `
      CREATE TABLE workspaces (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        editor_invite_hash TEXT NOT NULL,
        viewer_invite_hash TEXT NOT NULL,
        created_at BIGINT NOT NULL
      );
      CREATE TABLE members (
        id TEXT NOT NULL,
        workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'viewer')),
        coordinator BOOLEAN NOT NULL DEFAULT FALSE,
        token_hash TEXT NOT NULL UNIQUE,
        public_key TEXT,
        joined_at BIGINT NOT NULL,
        revoked_at BIGINT,
        -- Join order (joined_at ties within a millisecond).
        position BIGSERIAL NOT NULL,
        PRIMARY KEY (workspace_id, id)
      );`
  },
  {
    version: 3,
    name: 'member key history and server secrets',
    sql: `
      CREATE TABLE member_keys (
        workspace_id TEXT NOT NULL,
        member_id TEXT NOT NULL,
        public_key TEXT NOT NULL,
        added_at BIGINT NOT NULL,
        position BIGSERIAL NOT NULL,
        PRIMARY KEY (workspace_id, member_id, public_key),
        FOREIGN KEY (workspace_id, member_id) REFERENCES members(workspace_id, id) ON DELETE CASCADE
      );
      INSERT INTO member_keys (workspace_id, member_id, public_key, added_at)
        SELECT workspace_id, id, public_key, joined_at FROM members WHERE public_key IS NOT NULL;
      CREATE TABLE server_secrets (
        name TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );`
  },
  {
    version: 4,
    name: 'document versions',
    sql: `
      CREATE TABLE doc_versions (
        id TEXT PRIMARY KEY,
        workspace_id TEXT NOT NULL,
        doc_id TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        reason TEXT NOT NULL,
        name TEXT,
        actor TEXT,
        state BYTEA NOT NULL
      );
      CREATE INDEX doc_versions_by_doc ON doc_versions (workspace_id, doc_id, created_at);`
  },
  {
    version: 5,
    name: 'devices, device links and connection tickets',
    // Each member's token becomes their first device (id 'first'), so every device that
    // worked before keeps working.
    sql: `
      CREATE TABLE devices (
        workspace_id TEXT NOT NULL,
        member_id TEXT NOT NULL,
        id TEXT NOT NULL,
        name TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        created_at BIGINT NOT NULL,
        last_seen_at BIGINT,
        revoked_at BIGINT,
        position BIGSERIAL NOT NULL,
        PRIMARY KEY (workspace_id, member_id, id),
        FOREIGN KEY (workspace_id, member_id) REFERENCES members(workspace_id, id) ON DELETE CASCADE
      );
      INSERT INTO devices (workspace_id, member_id, id, name, token_hash, created_at, last_seen_at, revoked_at)
        SELECT workspace_id, id, 'first', 'First device', token_hash, joined_at, NULL, revoked_at FROM members ORDER BY position;
      CREATE TABLE device_links (
        secret_hash TEXT PRIMARY KEY,
        workspace_id TEXT NOT NULL,
        member_id TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        used_at BIGINT,
        FOREIGN KEY (workspace_id, member_id) REFERENCES members(workspace_id, id) ON DELETE CASCADE
      );
      CREATE TABLE connection_tickets (
        ticket_hash TEXT PRIMARY KEY,
        token_hash TEXT NOT NULL,
        expires_at BIGINT NOT NULL
      );`
  },
  {
    version: 6,
    name: 'notifications',
    sql: `
      CREATE TABLE push_subscriptions (
        device_key TEXT PRIMARY KEY,
        workspace_id TEXT NOT NULL,
        member_id TEXT NOT NULL,
        endpoint TEXT NOT NULL,
        p256dh TEXT NOT NULL,
        auth TEXT NOT NULL,
        created_at BIGINT NOT NULL
      );
      CREATE INDEX push_subscriptions_by_member ON push_subscriptions (workspace_id, member_id);
      CREATE TABLE notification_prefs (
        workspace_id TEXT NOT NULL,
        member_id TEXT NOT NULL,
        prefs TEXT NOT NULL,
        PRIMARY KEY (workspace_id, member_id)
      );
      CREATE TABLE member_emails (
        workspace_id TEXT NOT NULL,
        member_id TEXT NOT NULL,
        email TEXT NOT NULL,
        confirmed_at BIGINT,
        confirm_hash TEXT UNIQUE,
        confirm_expires BIGINT,
        PRIMARY KEY (workspace_id, member_id)
      );
      CREATE TABLE notification_outbox (
        id BIGSERIAL PRIMARY KEY,
        event_key TEXT NOT NULL,
        workspace_id TEXT NOT NULL,
        member_id TEXT NOT NULL,
        target TEXT NOT NULL,
        content TEXT NOT NULL,
        state TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        created_at BIGINT NOT NULL,
        next_at BIGINT NOT NULL,
        claimed_until BIGINT,
        last_error TEXT,
        sent_at BIGINT,
        UNIQUE (event_key, member_id, target)
      );
      CREATE INDEX notification_outbox_due ON notification_outbox (state, next_at);
      CREATE INDEX notification_outbox_by_member ON notification_outbox (workspace_id, member_id, state);
      CREATE TABLE notification_wakes (
        workspace_id TEXT NOT NULL,
        doc_id TEXT NOT NULL,
        wake_at BIGINT NOT NULL,
        PRIMARY KEY (workspace_id, doc_id)
      );`
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

/** Arbitrary constant: the advisory lock key held while migrating. */
const MIGRATION_LOCK = 7_262_001;

/**
 * Bring the database up to date. Returns the versions applied now (empty when current).
 * Each migration commits on its own, so a failure leaves the earlier ones applied and
 * the failing one not at all.
 */
export async function migratePostgres(pool: pg.Pool, migrations: readonly PgMigration[] = PG_MIGRATIONS): Promise<number[]> {
  const client = await pool.connect();
  const applied: number[] = [];
  try {
    // A session lock (not a transaction one): held across the migrations' transactions.
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)');
      const done = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
      // A database a newer Mutual migrated: this code does not know its tables (downgrades are refused).
      const known = Math.max(0, ...migrations.map((m) => m.version));
      const found = Math.max(0, ...done);
      if (found > known) throw new SchemaTooNewError(found, known, 'The PostgreSQL database');
      for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
        if (done.has(m.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(m.sql);
          await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, Date.now()]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK').catch(() => {});
          throw new Error(`migration ${m.version} (${m.name}) failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
        }
        applied.push(m.version);
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
    }
  } finally {
    client.release();
  }
  return applied;
}

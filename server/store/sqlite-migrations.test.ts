import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import * as Y from 'yjs';
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE, openDatabase } from '../database.ts';
import { createLogger } from '../log.ts';
import { openStores } from '../stores.ts';
import { migrateSqlite, schemaVersion, SchemaTooNewError, SQLITE_MIGRATIONS, SQLITE_SCHEMA_VERSION, type SqliteMigration } from './sqlite-migrations.ts';

const V0_SCHEMA = fs.readFileSync(new URL('../../tests/fixtures/sqlite-schema-v0.sql', import.meta.url), 'utf8');
const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mutual-migrate-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function textUpdate(text: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getText('t').insert(0, text);
  return Y.encodeStateAsUpdate(doc);
}

/** A data directory as the unnumbered schema left it, with a workspace, a member, a document and a version. */
function writeOldDataDir(dir: string): void {
  const db = new Database(path.join(dir, DATABASE_FILE));
  db.pragma('journal_mode = WAL');
  db.exec(V0_SCHEMA);
  db.prepare("INSERT INTO workspaces VALUES ('ws1', 'Elm Street', 'eh', 'vh', 1000)").run();
  // Two members with keys; the second's key history is missing (written before it existed).
  db.prepare("INSERT INTO members (id, workspace_id, name, role, coordinator, token_hash, public_key, joined_at) VALUES ('m1', 'ws1', 'Ana', 'admin', 0, 'th1', 'key-ana', 1000)").run();
  db.prepare("INSERT INTO members (id, workspace_id, name, role, coordinator, token_hash, public_key, joined_at) VALUES ('m2', 'ws1', 'Bo', 'editor', 1, 'th2', 'key-bo', 2000)").run();
  db.prepare("INSERT INTO member_keys VALUES ('ws1', 'm1', 'key-ana', 1000)").run();
  db.prepare("INSERT INTO server_secrets VALUES ('workspace-creation-code', 'ABCD-EFGH-JKLM')").run();
  db.prepare("INSERT INTO doc_updates (doc_key, data) VALUES ('ws1/agenda', ?)").run(textUpdate('Meeting at six'));
  db.prepare("INSERT INTO doc_versions VALUES ('v1', 'ws1', 'agenda', 3000, 'manual', 'Before the meeting', 'm1', ?)").run(textUpdate('Meeting at five'));
  db.close();
}

describe('SQLite schema migrations', () => {
  it('migrates a data directory written by the unnumbered schema, and finds everything in it', async () => {
    const dir = tempDir();
    writeOldDataDir(dir);
    const stores = await openStores({ store: 'sqlite', dataDir: dir, databaseUrl: '' }, createLogger('silent'));
    try {
      expect(schemaVersion(stores.db!)).toBe(SQLITE_SCHEMA_VERSION);
      const stored = await stores.documents.load('ws1/agenda' as never);
      const doc = new Y.Doc();
      for (const u of stored.updates) Y.applyUpdate(doc, u);
      expect(doc.getText('t').toString()).toBe('Meeting at six');
      expect((await stores.memberships.getWorkspace('ws1'))?.name).toBe('Elm Street');
      expect((await stores.memberships.listMembers('ws1')).map((m) => [m.name, m.role, m.coordinator])).toEqual([
        ['Ana', 'admin', false],
        ['Bo', 'editor', true]
      ]);
      expect((await stores.memberships.listMemberKeys('ws1')).map((k) => k.publicKey).sort()).toEqual(['key-ana', 'key-bo']);
      expect(await stores.memberships.serverSecret('workspace-creation-code', () => 'new')).toBe('ABCD-EFGH-JKLM');
      expect((await stores.versions.list('ws1', 'agenda')).map((v) => v.name)).toEqual(['Before the meeting']);
      // Migration 5: each member's token became their first device.
      expect(stores.db!.prepare("SELECT member_id, token_hash FROM devices WHERE id = 'first' ORDER BY member_id").all()).toEqual([
        { member_id: 'm1', token_hash: 'th1' },
        { member_id: 'm2', token_hash: 'th2' }
      ]);
    } finally {
      await stores.documents.close();
      await stores.closeHandles();
    }
  });

  it('brings a version-5 database (devices) to 6: every device kept, the notification tables added', async () => {
    const dir = tempDir();
    writeOldDataDir(dir);
    const raw = new Database(path.join(dir, DATABASE_FILE));
    expect(migrateSqlite(raw, 'test', SQLITE_MIGRATIONS.filter((m) => m.version <= 5))).toEqual([1, 2, 3, 4, 5]);
    raw.prepare("INSERT INTO devices (workspace_id, member_id, id, name, token_hash, created_at) VALUES ('ws1', 'm1', 'phone', 'Phone', 'th-phone', 4000)").run();
    raw.close();
    const stores = await openStores({ store: 'sqlite', dataDir: dir, databaseUrl: '' }, createLogger('silent'));
    try {
      expect(schemaVersion(stores.db!)).toBe(SQLITE_SCHEMA_VERSION);
      expect((await stores.memberships.listDevices('ws1', 'm1')).map((d) => [d.id, d.name, d.tokenHash])).toEqual([
        ['first', 'First device', 'th1'],
        ['phone', 'Phone', 'th-phone']
      ]);
      const sub = { deviceKey: 'ws1/m1/phone', workspaceId: 'ws1', memberId: 'm1', endpoint: 'https://push.example/1', p256dh: 'p', auth: 'a', createdAt: 5, locale: null };
      await stores.notifications.putSubscription(sub);
      expect(await stores.notifications.listSubscriptions('ws1', 'm1')).toEqual([sub]);
    } finally {
      await stores.documents.close();
      await stores.closeHandles();
    }
  });

  it('brings a version-6 database to 7: subscriptions and addresses kept (language unknown: English), languages then recorded', async () => {
    const dir = tempDir();
    writeOldDataDir(dir);
    const raw = new Database(path.join(dir, DATABASE_FILE));
    migrateSqlite(raw, 'test', SQLITE_MIGRATIONS.filter((m) => m.version <= 6));
    raw.prepare("INSERT INTO push_subscriptions VALUES ('ws1/m1/first', 'ws1', 'm1', 'https://push.example/1', 'p', 'a', 5)").run();
    raw.prepare("INSERT INTO member_emails (workspace_id, member_id, email, confirmed_at) VALUES ('ws1', 'm1', 'ana@example.org', 6)").run();
    raw.close();
    const stores = await openStores({ store: 'sqlite', dataDir: dir, databaseUrl: '' }, createLogger('silent'));
    try {
      expect(schemaVersion(stores.db!)).toBe(SQLITE_SCHEMA_VERSION);
      const { notifications } = stores;
      expect(await notifications.getSubscription('ws1/m1/first')).toMatchObject({ endpoint: 'https://push.example/1', locale: null });
      expect(await notifications.getEmail('ws1', 'm1')).toMatchObject({ email: 'ana@example.org', confirmedAt: 6, locale: null });
      await notifications.setLocale('ws1/m1/first', { workspaceId: 'ws1', memberId: 'm1' }, 'es');
      expect((await notifications.getSubscription('ws1/m1/first'))?.locale).toBe('es');
      expect((await notifications.getEmail('ws1', 'm1'))?.locale).toBe('es');
    } finally {
      await stores.documents.close();
      await stores.closeHandles();
    }
  });

  it('brings a version-7 database to 8: push subscriptions are found by endpoint through an index, not a scan', () => {
    const dir = tempDir();
    const raw = new Database(path.join(dir, DATABASE_FILE));
    migrateSqlite(raw, 'test', SQLITE_MIGRATIONS.filter((m) => m.version <= 7));
    const plan = (db: Database.Database) => JSON.stringify(db.prepare('EXPLAIN QUERY PLAN SELECT * FROM push_subscriptions WHERE endpoint = ?').all('https://push.example/1'));
    expect(plan(raw)).not.toMatch(/push_subscriptions_by_endpoint/);
    raw.close();
    const db = openDatabase(dir);
    try {
      expect(schemaVersion(db)).toBe(8);
      expect(plan(db)).toMatch(/SEARCH push_subscriptions USING INDEX push_subscriptions_by_endpoint/);
    } finally {
      db.close();
    }
  });

  it('applies nothing the second time', () => {
    const dir = tempDir();
    openDatabase(dir).close();
    const db = openDatabase(dir);
    try {
      expect(schemaVersion(db)).toBe(SQLITE_SCHEMA_VERSION);
      expect(migrateSqlite(db)).toEqual([]);
    } finally {
      db.close();
    }
  });

  it('refuses a database written by a newer Mutual, and leaves it as it was', () => {
    const dir = tempDir();
    openDatabase(dir).close();
    const file = path.join(dir, DATABASE_FILE);
    const raw = new Database(file);
    raw.pragma(`user_version = ${SQLITE_SCHEMA_VERSION + 1}`);
    raw.close();
    expect(() => openDatabase(dir)).toThrow(SchemaTooNewError);
    expect(() => openDatabase(dir)).toThrow(/newer Mutual.*Downgrades are refused/);
    const after = new Database(file, { readonly: true });
    expect(schemaVersion(after)).toBe(SQLITE_SCHEMA_VERSION + 1);
    after.close();
  });

  it('records each migration with its number, and a failing one leaves the earlier ones applied', () => {
    const db = new Database(':memory:');
    const migrations: SqliteMigration[] = [
      { version: 1, name: 'a', sql: 'CREATE TABLE a (x INTEGER)' },
      { version: 2, name: 'b', sql: 'CREATE TABLE b (x INTEGER); INSERT INTO nowhere VALUES (1)' }
    ];
    expect(() => migrateSqlite(db, 'test', migrations)).toThrow(/migration 2 \(b\) failed/);
    expect(schemaVersion(db)).toBe(1);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(['a']);
    db.close();
  });
});

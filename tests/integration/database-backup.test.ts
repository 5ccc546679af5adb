/**
 * Whole-database backups through the real CLI (`npm run admin -- backup|restore`, run as
 * `node --import tsx server/cli/admin.ts`): a consistent copy while a stock client writes,
 * rotation, restore into a fresh data directory that a server then serves, refusal to
 * restore under a running server, and the server's own periodic backup.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { listBackups } from '../../server/backup/database-backup.ts';
import { DATABASE_FILE } from '../../server/database.ts';
import { schemaVersion, SQLITE_SCHEMA_VERSION } from '../../server/store/sqlite-migrations.ts';
import type { MutualConfig } from '../../server/config.ts';
import { connectClient, type TestClient } from '../helpers/clients.ts';
import { createWorkspace, removeDir, startServer, tempDir, type TestServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function admin(dataDir: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'server/cli/admin.ts', ...args], { cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function server(dataDir?: string, config: Partial<MutualConfig> = {}): Promise<TestServer> {
  const s = await startServer({ dataDir, config: { logLevel: 'silent', ...config } });
  cleanups.push(() => removeDir(s.dataDir));
  return s;
}

function client(s: TestServer, workspaceId: string, docId: string, token: string): TestClient {
  const c = connectClient(s.syncUrl, workspaceId, docId, token);
  cleanups.push(() => c.destroy());
  return c;
}

function dir(prefix: string): string {
  const d = tempDir(prefix);
  cleanups.push(() => removeDir(d));
  return d;
}

describe('whole-database backup (npm run admin -- backup)', () => {
  it('copies the database while a stock client writes 50 updates/s: the copy passes integrity_check and holds every acknowledged update', async () => {
    const s = await server();
    const ws = await createWorkspace(s.httpUrl);
    const writer = client(s, ws.workspaceId, 'tally', ws.editor.token);
    // The observer sees what the relay relayed, and the relay relays only what is stored:
    // whatever the observer holds is acknowledged.
    const observer = client(s, ws.workspaceId, 'tally', ws.admin.token);
    await Promise.all([writer.synced(), observer.synced()]);
    let next = 0;
    const writing = setInterval(() => writer.doc.getArray<number>('n').push([next++]), 20);
    cleanups.push(() => clearInterval(writing));
    await waitFor(() => observer.doc.getArray('n').length >= 25, { message: 'the first acknowledged updates' });

    const out = dir('mutual-db-backup-');
    const acked = observer.doc.getArray<number>('n').toArray();
    const result = await admin(s.dataDir, ['backup', '--out', out, '--keep', '3']);
    const writtenMeanwhile = observer.doc.getArray('n').length - acked.length;
    clearInterval(writing);
    expect(result.code, result.stderr).toBe(0);
    // The writer kept being served while the copy was made.
    expect(writtenMeanwhile).toBeGreaterThan(0);

    const [file] = listBackups(out);
    expect(result.stdout).toContain(path.basename(file));
    const copy = new Database(file, { readonly: true });
    try {
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
      expect(schemaVersion(copy)).toBe(SQLITE_SCHEMA_VERSION);
    } finally {
      copy.close();
    }

    // Restore into a fresh data directory; a server there serves everything acknowledged.
    const fresh = dir('mutual-restored-');
    const restored = await admin(fresh, ['restore', '--in', file]);
    expect(restored.code, restored.stderr).toBe(0);
    const t = await server(fresh);
    const reader = client(t, ws.workspaceId, 'tally', ws.viewer.token);
    await reader.synced();
    const held = new Set(reader.doc.getArray<number>('n').toArray());
    expect(acked.filter((n) => !held.has(n))).toEqual([]);
  });

  it('keeps the newest N backups', async () => {
    const s = await server();
    await createWorkspace(s.httpUrl);
    const out = dir('mutual-rotation-');
    // Another file in the directory is never touched by the rotation.
    fs.writeFileSync(path.join(out, 'notes.txt'), 'keep me');
    const names: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await admin(s.dataDir, ['backup', '--out', out, '--keep', '2']);
      expect(r.code, r.stderr).toBe(0);
      names.push(path.basename(listBackups(out).at(-1)!));
    }
    expect(new Set(names).size).toBe(3);
    expect(listBackups(out).map((f) => path.basename(f))).toEqual(names.slice(1));
    expect(fs.readFileSync(path.join(out, 'notes.txt'), 'utf8')).toBe('keep me');
  });

  it('refuses to restore into a data directory a server is using, and leaves it as it was', async () => {
    const s = await server();
    const ws = await createWorkspace(s.httpUrl);
    const out = dir('mutual-refuse-');
    expect((await admin(s.dataDir, ['backup', '--out', out])).code).toBe(0);
    const r = await admin(s.dataDir, ['restore', '--in', listBackups(out)[0]]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/server is using .*stop it first/);
    // Still served: a client syncs the workspace's index.
    const c = client(s, ws.workspaceId, 'index', ws.admin.token);
    await c.synced();
    expect(fs.readdirSync(s.dataDir).filter((f) => f.includes('before-restore'))).toEqual([]);
  });

  it('restores over a stopped data directory, keeping the old database aside', async () => {
    const a = await server();
    const ws = await createWorkspace(a.httpUrl);
    const w = client(a, ws.workspaceId, 'minutes', ws.editor.token);
    await w.synced();
    w.doc.getText('t').insert(0, 'Before the backup');
    await waitFor(() => a.mutual.documents.read(ws.workspaceId, 'minutes', (d) => d.getText('t').length > 0));
    const out = dir('mutual-over-');
    expect((await admin(a.dataDir, ['backup', '--out', out])).code).toBe(0);
    w.doc.getText('t').insert(0, 'After. ');
    await waitFor(() => a.mutual.documents.read(ws.workspaceId, 'minutes', (d) => d.getText('t').toString().startsWith('After')));
    w.destroy();
    await a.close();

    const r = await admin(a.dataDir, ['restore', '--in', listBackups(out)[0]]);
    expect(r.code, r.stderr).toBe(0);
    expect(fs.readdirSync(a.dataDir).some((f) => f.startsWith(`${DATABASE_FILE}.before-restore-`))).toBe(true);
    const b = await server(a.dataDir);
    const reader = client(b, ws.workspaceId, 'minutes', ws.editor.token);
    await reader.synced();
    expect(reader.doc.getText('t').toString()).toBe('Before the backup');
  });

  it('refuses a file that is not a Mutual backup, with a plain message', async () => {
    const target = dir('mutual-notbackup-');
    const bogus = path.join(target, 'other.sqlite');
    const db = new Database(bogus);
    db.exec('CREATE TABLE t (x INTEGER)');
    db.close();
    const r = await admin(path.join(target, 'data'), ['restore', '--in', bogus]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('not a Mutual one');
    expect(fs.existsSync(path.join(target, 'data', DATABASE_FILE))).toBe(false);
  });
});

describe('periodic backup (BACKUP_DIR)', () => {
  it('backs up at start when there is no backup yet, then keeps BACKUP_KEEP', async () => {
    const out = dir('mutual-periodic-');
    const s = await server(undefined, { backupDir: out, backupEveryMs: 86_400_000, backupKeep: 2 });
    const ws = await createWorkspace(s.httpUrl);
    await waitFor(() => listBackups(out).length === 1, { message: 'the first periodic backup' });
    await s.mutual.backups!.runNow();
    await s.mutual.backups!.runNow();
    expect(listBackups(out)).toHaveLength(2);
    // The newest holds the workspace created after start.
    const copy = new Database(listBackups(out)[1], { readonly: true });
    try {
      expect(copy.prepare('SELECT id FROM workspaces').pluck().all()).toContain(ws.workspaceId);
    } finally {
      copy.close();
    }
  });

  it('is refused with PostgreSQL, pointing to pg_dump', async () => {
    const { loadConfig } = await import('../../server/config.ts');
    expect(() => loadConfig({ STORE: 'postgres', DATABASE_URL: 'postgres://x@localhost/x', BACKUP_DIR: '/tmp/x' })).toThrow(/pg_dump/);
  });
});

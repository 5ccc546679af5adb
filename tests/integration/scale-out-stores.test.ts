/**
 * What instances sharing PostgreSQL (STORE=postgres, FANOUT=redis) must see alike, and the
 * backup tools over that database: versions recorded on one instance are listed by every
 * instance; `npm run backup` / `restore` read and write PostgreSQL through the store
 * interfaces (before issue 23 versions stayed in each instance's SQLite file, and the backup
 * tools read SQLite tables only).
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { parseBackup } from '../../src/lib/shared/backup/format.ts';
import type { MutualConfig } from '../../server/config.ts';
import { connectClient, type TestClient } from '../helpers/clients.ts';
import { api, createWorkspace, removeDir, startServer, tempDir, type TestServer } from '../helpers/server.ts';
import { startPostgres, startRedis, type Service } from '../helpers/services.ts';
import { waitFor } from '../helpers/wait-for.ts';
import fs from 'node:fs';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
let postgres: Service;
let redis: Service;
beforeAll(async () => {
  [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
}, 90_000);
afterAll(async () => {
  await Promise.all([postgres?.stop(), redis?.stop()]);
}, 30_000);

/** A new empty database on the throwaway server; its URL. */
async function newDatabase(name: string): Promise<string> {
  const admin = new pg.Client(postgres.url);
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return postgres.url.replace(/\/postgres$/, `/${name}`);
}

async function cli(script: 'backup' | 'restore', env: Record<string, string>, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', `server/cli/${script}.ts`, ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('scale-out: versions and backups in PostgreSQL', () => {
  const servers: TestServer[] = [];
  const clients: TestClient[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await Promise.all(servers.splice(0).map((s) => s.close()));
    for (const d of dirs.splice(0)) removeDir(d);
  });
  const instance = async (databaseUrl = postgres.url, extra: Partial<MutualConfig> = {}) => {
    const s = await startServer({ config: { store: 'postgres', databaseUrl, fanout: 'redis', redisUrl: redis.url, logLevel: 'warn', ...extra } });
    servers.push(s);
    dirs.push(s.dataDir);
    return s;
  };
  const client = (s: TestServer, workspaceId: string, docId: string, token: string) => {
    const c = connectClient(s.syncUrl, workspaceId, docId, token);
    clients.push(c);
    return c;
  };

  it('every instance lists the same versions, and serves their content', async () => {
    const [one, two] = await Promise.all([instance(), instance()]);
    const ws = await createWorkspace(one.httpUrl);
    const writer = client(one, ws.workspaceId, 'minutes', ws.editor.token);
    await writer.synced();
    writer.doc.get('root', Y.XmlText).insert(0, 'Minutes of the AGM');
    await waitFor(() => one.mutual.documents.read(ws.workspaceId, 'minutes', (d) => d.get('root', Y.XmlText).length > 0));
    const saved = await api(one.httpUrl, 'POST', `/api/workspaces/${ws.workspaceId}/docs/minutes/versions`, { token: ws.editor.token, body: { name: 'Signed off' } });
    expect(saved.status).toBe(201);
    const listed = await api(two.httpUrl, 'GET', `/api/workspaces/${ws.workspaceId}/docs/minutes/versions`, { token: ws.viewer.token });
    // Named versions only: the first instance may also record an automatic one of the edit, at any moment.
    const named = (listed.body.versions as { id: string; name: string | null; reason: string }[]).filter((v) => v.reason !== 'auto');
    expect(named.map((v) => [v.id, v.name])).toEqual([[saved.body.version.id, 'Signed off']]);
    const got = await api(two.httpUrl, 'GET', `/api/workspaces/${ws.workspaceId}/docs/minutes/versions/${saved.body.version.id}`, { token: ws.viewer.token });
    const old = new Y.Doc();
    Y.applyUpdate(old, Buffer.from(got.body.update, 'base64'));
    expect(old.get('root', Y.XmlText).toString()).toBe('Minutes of the AGM');
  });

  it('npm run backup and restore work with STORE=postgres: documents, members, keys and versions reach another database', async () => {
    const source = await newDatabase('backup_source');
    const one = await instance(source);
    const ws = await createWorkspace(one.httpUrl);
    const key = Buffer.alloc(32, 7).toString('base64url');
    expect((await api(one.httpUrl, 'PATCH', `/api/workspaces/${ws.workspaceId}/members/${ws.editor.memberId}`, { token: ws.editor.token, body: { publicKey: key } })).status).toBe(200);
    const writer = client(one, ws.workspaceId, 'minutes', ws.editor.token);
    await writer.synced();
    writer.doc.get('root', Y.XmlText).insert(0, 'Minutes of the AGM');
    await waitFor(() => one.mutual.documents.read(ws.workspaceId, 'minutes', (d) => d.get('root', Y.XmlText).length > 0));
    await one.mutual.history.record(ws.workspaceId, 'minutes', { reason: 'named', name: 'Signed off', actor: ws.admin.memberId });

    // While the instance runs.
    const file = path.join(tempDir('mutual-backup-'), 'ws.json');
    dirs.push(path.dirname(file));
    const backup = await cli('backup', { STORE: 'postgres', DATABASE_URL: source }, ['--workspace', ws.workspaceId, '--out', file]);
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.stdout).toContain('PostgreSQL database backup_source');
    const parsed = parseBackup(JSON.parse(fs.readFileSync(file, 'utf8')));
    expect(parsed.documents.map((d) => d.docId)).toEqual(expect.arrayContaining(['index', 'minutes']));
    expect(parsed.memberKeys).toEqual([expect.objectContaining({ memberId: ws.editor.memberId, publicKey: key })]);
    expect(parsed.versions.map((v) => v.name)).toEqual(['Signed off']);

    const target = await newDatabase('backup_target');
    const restored = await cli('restore', { STORE: 'postgres', DATABASE_URL: target }, ['--in', file]);
    expect(restored.code, restored.stderr).toBe(0);
    const again = await cli('restore', { STORE: 'postgres', DATABASE_URL: target }, ['--in', file]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('--force');
    expect((await cli('restore', { STORE: 'postgres', DATABASE_URL: target }, ['--in', file, '--force'])).code).toBe(0);

    const two = await instance(target);
    const reader = client(two, ws.workspaceId, 'minutes', ws.editor.token);
    await waitFor(() => reader.doc.get('root', Y.XmlText).toString() === 'Minutes of the AGM', { message: 'the restored document' });
    const versions = await api(two.httpUrl, 'GET', `/api/workspaces/${ws.workspaceId}/docs/minutes/versions`, { token: ws.viewer.token });
    expect(versions.body.versions.map((v: { name: string }) => v.name)).toEqual(['Signed off']);
    const members = await api(two.httpUrl, 'GET', `/api/workspaces/${ws.workspaceId}/members`, { token: ws.admin.token });
    expect(members.body.members.find((m: { memberId: string }) => m.memberId === ws.editor.memberId).publicKey).toBe(key);
    const index = client(two, ws.workspaceId, 'index', ws.viewer.token);
    await waitFor(() => (index.doc.getMap('members').get(ws.editor.memberId) as Y.Map<unknown> | undefined)?.get('publicKeys'), { message: 'the directory with the key history' });
    expect((index.doc.getMap('members').get(ws.editor.memberId) as Y.Map<unknown>).get('publicKeys')).toEqual([key]);
  });
});

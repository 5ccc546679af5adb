/**
 * Server backup and restore across two data directories, through the real CLI
 * (`node --import tsx server/cli/backup.ts …`): documents, catalogue, members' tokens,
 * invites and versions survive; restoring over an existing workspace needs --force.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { parseBackup } from '../../src/lib/shared/backup/format.ts';
import { connectClient, type TestClient } from '../helpers/clients.ts';
import { api, createWorkspace, inviteSecret, removeDir, startServer, tempDir, type TestServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { testBrowser } from '../helpers/push-service.ts';
import { startSmtp } from '../helpers/smtp.ts';
import { restoreBackup } from '../../server/backup/backup.ts';
import { loadConfig } from '../../server/config.ts';
import { createLogger } from '../../server/log.ts';
import { openStores } from '../../server/stores.ts';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function cli(script: 'backup' | 'restore', dataDir: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', `server/cli/${script}.ts`, ...args], { cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function server(dataDir?: string): Promise<TestServer> {
  const s = await startServer({ dataDir, config: { logLevel: 'silent' } });
  cleanups.push(() => removeDir(s.dataDir));
  return s;
}

function client(s: TestServer, workspaceId: string, docId: string, token: string): TestClient {
  const c = connectClient(s.syncUrl, workspaceId, docId, token);
  cleanups.push(() => c.destroy());
  return c;
}

describe('backup and restore', () => {
  it('round-trips a workspace into another data directory; stock clients reconnect with their old tokens', async () => {
    const a = await server();
    const ws = await createWorkspace(a.httpUrl);
    const writer = client(a, ws.workspaceId, 'minutes', ws.editor.token);
    await writer.synced();
    writer.doc.getText('t').insert(0, 'Minutes of the AGM');
    const index = client(a, ws.workspaceId, 'index', ws.admin.token);
    await index.synced();
    index.doc.getMap('catalogue').set('minutes', 'entry');
    await waitFor(() => a.mutual.documents.read(ws.workspaceId, 'minutes', (d) => d.getText('t').toString() === 'Minutes of the AGM'));
    await waitFor(() => a.mutual.documents.read(ws.workspaceId, 'index', (d) => d.getMap('catalogue').has('minutes')));
    // A version, so the history comes along too (the root holds text, so the server accepts it).
    await a.mutual.documents.change(ws.workspaceId, 'minutes', (d) => d.get('root', Y.XmlText).insert(0, 'x'));
    const saved = await a.mutual.history.record(ws.workspaceId, 'minutes', { reason: 'named', name: 'Signed off', actor: ws.admin.memberId });

    // Backup while the server runs and a client is connected.
    const file = path.join(tempDir('mutual-backup-'), 'ws.json');
    cleanups.push(() => removeDir(path.dirname(file)));
    const backup = await cli('backup', a.dataDir, ['--workspace', ws.workspaceId, '--out', file]);
    expect(backup.code, backup.stderr).toBe(0);
    const parsed = parseBackup(JSON.parse(fs.readFileSync(file, 'utf8')));
    expect(parsed.source).toBe('server');
    expect(parsed.members.map((m) => m.id).sort()).toEqual([ws.admin.memberId, ws.editor.memberId, ws.viewer.memberId].sort());
    expect(parsed.members.every((m) => /^[0-9a-f]{64}$/.test(m.tokenHash ?? ''))).toBe(true);
    expect(JSON.stringify(parsed)).not.toContain(ws.editor.token);
    expect(parsed.documents.map((d) => d.docId).sort()).toEqual(['index', 'minutes']);
    expect(parsed.versions.map((v) => v.id)).toEqual([saved.id]);
    writer.destroy();
    index.destroy();
    await a.close();

    const bDir = tempDir();
    const restore = await cli('restore', bDir, ['--in', file]);
    expect(restore.code, restore.stderr).toBe(0);
    expect(restore.stdout).toContain(`Restored workspace ${ws.workspaceId}`);
    // Again without --force: refused, nothing changed.
    const again = await cli('restore', bDir, ['--in', file]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('--force');
    expect((await cli('restore', bDir, ['--in', file, '--force'])).code).toBe(0);

    const b = await server(bDir);
    cleanups.push(() => b.close());
    const reader = client(b, ws.workspaceId, 'minutes', ws.editor.token);
    await reader.synced();
    expect(reader.doc.getText('t').toString()).toBe('Minutes of the AGM');
    const idx = client(b, ws.workspaceId, 'index', ws.viewer.token);
    await idx.synced();
    expect(idx.doc.getMap('catalogue').get('minutes')).toBe('entry');
    // Roles survive: the viewer still may not write, the admin still administers.
    expect((await api(b.httpUrl, 'GET', `/api/workspaces/${ws.workspaceId}/me`, { token: ws.viewer.token })).body.role).toBe('viewer');
    expect((await api(b.httpUrl, 'POST', `/api/workspaces/${ws.workspaceId}/invites/rotate`, { token: ws.editor.token })).status).toBe(403);
    // Versions survive, and the old invite links still work.
    const versions = await api(b.httpUrl, 'GET', `/api/workspaces/${ws.workspaceId}/docs/minutes/versions`, { token: ws.viewer.token });
    expect(versions.body.versions.map((v: { name: string }) => v.name)).toEqual(['Signed off']);
    const joined = await api(b.httpUrl, 'POST', `/api/workspaces/${ws.workspaceId}/join`, { body: { invite: inviteSecret(ws.invites.editor), name: 'Dee' } });
    expect(joined.status).toBe(201);
  });

  it('refuses a missing workspace and an unreadable file in plain words', async () => {
    const a = await server();
    await a.close();
    const missing = await cli('backup', a.dataDir, ['--workspace', 'nope', '--out', path.join(a.dataDir, 'x.json')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('There is no workspace "nope"');
    const junk = path.join(a.dataDir, 'junk.json');
    fs.writeFileSync(junk, JSON.stringify({ format: 'something-else' }));
    const bad = await cli('restore', a.dataDir, ['--in', junk]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('not a usable Mutual backup');
  });

  it('a device backup restores only with --from-device: documents back, a new admin and new invites', async () => {
    const doc = new Y.Doc();
    doc.getText('t').insert(0, 'From my phone');
    const file = parseBackup({
      format: 'mutual-backup',
      version: 1,
      source: 'device',
      createdAt: 1,
      workspace: { id: 'phoneWs', name: 'Phone workspace', createdAt: 1 },
      members: [{ id: 'm1', name: 'Ana', role: 'admin', coordinator: false, publicKey: null, joinedAt: 1, revokedAt: null }],
      documents: [{ docId: 'notes', state: Buffer.from(Y.encodeStateAsUpdate(doc)).toString('base64') }],
      versions: []
    });
    const dir = tempDir();
    const stores = await openStores(loadConfig({ DATA_DIR: dir }), createLogger('silent'));
    await expect(restoreBackup(stores, file)).rejects.toThrow(/--from-device/);
    const result = await restoreBackup(stores, file, { fromDevice: true, adminName: 'Ana' });
    await stores.documents.close();
    await stores.closeHandles();
    expect(result.admin?.token).toBeTruthy();
    const b = await server(dir);
    cleanups.push(() => b.close());
    const c = client(b, 'phoneWs', 'notes', result.admin!.token);
    await c.synced();
    expect(c.doc.getText('t').toString()).toBe('From my phone');
    const joined = await api(b.httpUrl, 'POST', '/api/workspaces/phoneWs/join', { body: { invite: result.invites!.editor, name: 'Ben' } });
    expect(joined.status).toBe(201);
  });
});

describe('backup and restore of devices (issue 18)', () => {
  it("every member's devices come back: a linked device keeps working, a removed one stays removed, names kept", async () => {
    const a = await server();
    const ws = await createWorkspace(a.httpUrl);
    const link = async () => {
      const made = await api(a.httpUrl, 'POST', `/api/workspaces/${ws.workspaceId}/device-links`, { token: ws.editor.token, body: {} });
      const used = await api(a.httpUrl, 'POST', `/api/workspaces/${ws.workspaceId}/device-links/redeem`, { body: { secret: made.body.link.split('#')[1], deviceName: "Ben's laptop" } });
      return used.body as { token: string; deviceId: string };
    };
    const laptop = await link();
    const tablet = await link();
    await api(a.httpUrl, 'DELETE', `/api/workspaces/${ws.workspaceId}/members/${ws.editor.memberId}/devices/${tablet.deviceId}`, { token: laptop.token });
    await api(a.httpUrl, 'PATCH', `/api/workspaces/${ws.workspaceId}/members/${ws.editor.memberId}/devices/first`, { token: laptop.token, body: { name: "Ben's phone" } });
    const dir = tempDir();
    cleanups.push(() => removeDir(dir));
    const file = path.join(dir, 'backup.json');
    expect((await cli('backup', a.dataDir, ['--workspace', ws.workspaceId, '--out', file])).code).toBe(0);
    expect(fs.readFileSync(file, 'utf8')).not.toContain(laptop.token);
    const bDir = tempDir();
    expect((await cli('restore', bDir, ['--in', file])).code).toBe(0);
    const b = await server(bDir);
    cleanups.push(() => b.close());
    const me = await api(b.httpUrl, 'GET', `/api/workspaces/${ws.workspaceId}/me`, { token: laptop.token });
    expect(me.body).toMatchObject({ memberId: ws.editor.memberId, deviceId: laptop.deviceId });
    expect((await api(b.httpUrl, 'GET', `/api/workspaces/${ws.workspaceId}/me`, { token: tablet.token })).status).toBe(401);
    const list = await api(b.httpUrl, 'GET', `/api/workspaces/${ws.workspaceId}/members/${ws.editor.memberId}/devices`, { token: ws.editor.token });
    expect(list.body.devices.map((d: { name: string }) => d.name)).toEqual(["Ben's phone", "Ben's laptop"]);
  });

  it('notification settings come back: preferences and confirmed addresses, never push subscriptions; --force replaces them', async () => {
    const smtp = await startSmtp();
    cleanups.push(() => smtp.close());
    const mail = { logLevel: 'silent' as const, smtpUrl: smtp.url, mailFrom: 'Mutual <m@example.org>', publicOrigin: 'https://m.example.org', pushAllowHttp: true, notifyIntervalMs: 0 };
    const a = await startServer({ config: mail });
    cleanups.push(() => removeDir(a.dataDir));
    const ws = await createWorkspace(a.httpUrl);
    const base = `/api/workspaces/${ws.workspaceId}/notifications`;
    const state = (s: TestServer, token: string) => api(s.httpUrl, 'GET', base, { token });
    await api(a.httpUrl, 'PUT', `${base}/prefs`, { token: ws.editor.token, body: { kinds: { mentioned: false }, email: 'daily', timeZone: 'Europe/Berlin' } });
    const sub = testBrowser().subscription('http://127.0.0.1:9/push-secret-endpoint');
    expect((await api(a.httpUrl, 'PUT', `${base}/push`, { token: ws.editor.token, body: sub })).status).toBe(200);
    await api(a.httpUrl, 'PUT', `${base}/email`, { token: ws.editor.token, body: { email: 'ben@example.org', locale: 'es' } });
    const secret = /confirm-email#([A-Za-z0-9_-]{43})/.exec(smtp.mails.at(-1)!.text)![1];
    expect((await api(a.httpUrl, 'POST', '/api/notifications/confirm-email', { body: { token: secret } })).status).toBe(200);
    await api(a.httpUrl, 'PUT', `${base}/email`, { token: ws.viewer.token, body: { email: 'unconfirmed@example.org' } });
    const dir = tempDir();
    cleanups.push(() => removeDir(dir));
    const file = path.join(dir, 'backup.json');
    expect((await cli('backup', a.dataDir, ['--workspace', ws.workspaceId, '--out', file])).code).toBe(0);
    await a.close();
    const text = fs.readFileSync(file, 'utf8');
    for (const secretPart of ['push-secret-endpoint', sub.keys.auth, sub.keys.p256dh, 'unconfirmed@example.org']) expect(text).not.toContain(secretPart);
    expect(parseBackup(JSON.parse(text)).notifications?.emails).toEqual([{ memberId: ws.editor.memberId, email: 'ben@example.org', locale: 'es' }]);

    const bDir = tempDir();
    expect((await cli('restore', bDir, ['--in', file])).code).toBe(0);
    let b = await startServer({ dataDir: bDir, config: mail });
    cleanups.push(() => removeDir(bDir));
    const restored = (await state(b, ws.editor.token)).body;
    expect(restored.prefs).toMatchObject({ kinds: { mentioned: false, 'proposal-opened': true }, email: 'daily', timeZone: 'Europe/Berlin' });
    expect(restored.email).toEqual({ available: true, address: 'ben@example.org', confirmed: true, locale: 'es' });
    expect(restored.push).toMatchObject({ subscribed: false, devices: 0 });
    expect((await state(b, ws.viewer.token)).body.email).toEqual({ available: true, address: null, confirmed: false, locale: null });
    // Changed after the backup, then restored over with --force: the backup's settings again.
    await api(b.httpUrl, 'PUT', `${base}/prefs`, { token: ws.editor.token, body: { email: 'off' } });
    await api(b.httpUrl, 'PUT', `${base}/prefs`, { token: ws.admin.token, body: { push: false } });
    await b.close();
    expect((await cli('restore', bDir, ['--in', file, '--force'])).code).toBe(0);
    b = await startServer({ dataDir: bDir, config: mail });
    cleanups.push(() => b.close());
    expect((await state(b, ws.editor.token)).body.prefs.email).toBe('daily');
    expect((await state(b, ws.admin.token)).body.prefs.push).toBe(true);
  });
});

/**
 * The admin CLI (`npm run admin -- …`, issue 18) through the real command, on a real SQLite
 * data directory and on a throwaway PostgreSQL database, while a server uses the same data:
 * list workspaces; a device link for a member who lost every device; make-admin for a group
 * whose only admin lost their phone; fresh invite links.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api, createWorkspace, inviteSecret, removeDir, startServer, type TestServer } from '../helpers/server.ts';
import { startPostgres, type Service } from '../helpers/services.ts';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');

async function admin(env: Record<string, string>, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'server/cli/admin.ts', ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** The recovery story, against whichever store `server` and `env` share. */
async function recoveryStory(server: TestServer, env: Record<string, string>): Promise<void> {
  const ws = await createWorkspace(server.httpUrl, 'Elm Street tenants');
  const origin = ['--origin', server.httpUrl];

  const list = await admin(env, ['list']);
  expect(list.code).toBe(0);
  expect(list.stdout).toMatch(new RegExp(`${ws.workspaceId}  Elm Street tenants  · 3 members · last activity \\d{4}-`));

  const members = await admin(env, ['members', '--workspace', ws.workspaceId]);
  expect(members.stdout).toContain(`${ws.editor.memberId}  Ben  · editor · 1 device`);

  // Ada, the only admin, lost her phone: a device link makes a new device Ada again.
  const linked = await admin(env, ['device-link', '--workspace', ws.workspaceId, '--member', ws.admin.memberId, ...origin]);
  expect(linked.code).toBe(0);
  const url = /http\S+\/link\/\S+#\S+/.exec(linked.stdout)![0];
  expect(url.startsWith(`${server.httpUrl}/link/${ws.workspaceId}#`)).toBe(true);
  const used = await api(server.httpUrl, 'POST', `/api/workspaces/${ws.workspaceId}/device-links/redeem`, { body: { secret: url.split('#')[1], deviceName: 'New phone' } });
  expect(used.status).toBe(201);
  expect((await api(server.httpUrl, 'GET', `/api/workspaces/${ws.workspaceId}/me`, { token: used.body.token })).body).toMatchObject({ memberId: ws.admin.memberId, role: 'admin' });
  // The lost phone can then be removed from the new one.
  expect((await api(server.httpUrl, 'DELETE', `/api/workspaces/${ws.workspaceId}/members/${ws.admin.memberId}/devices/first`, { token: used.body.token })).status).toBe(204);
  expect((await api(server.httpUrl, 'GET', `/api/workspaces/${ws.workspaceId}/me`, { token: ws.admin.token })).status).toBe(401);

  // Or another member becomes admin.
  const made = await admin(env, ['make-admin', '--workspace', ws.workspaceId, '--member', ws.editor.memberId]);
  expect(made.code).toBe(0);
  expect(made.stdout).toMatch(/Ben is now an admin of Elm Street tenants \(was editor\)/);
  expect((await api(server.httpUrl, 'POST', `/api/workspaces/${ws.workspaceId}/invites/rotate`, { token: ws.editor.token })).status).toBe(200);
  expect((await admin(env, ['make-admin', '--workspace', ws.workspaceId, '--member', ws.editor.memberId])).stdout).toMatch(/already an admin/);

  // Fresh invite links: the new ones work, the old ones do not.
  const invites = await admin(env, ['invites', '--workspace', ws.workspaceId, ...origin]);
  expect(invites.code).toBe(0);
  const [editorLink] = /http\S+\/join\/\S+#\S+/.exec(invites.stdout.split('\n').find((l) => l.startsWith('Can edit'))!)!;
  expect((await api(server.httpUrl, 'POST', `/api/workspaces/${ws.workspaceId}/join`, { body: { invite: inviteSecret(ws.invites.editor), name: 'Old' } })).status).toBe(403);
  expect((await api(server.httpUrl, 'POST', `/api/workspaces/${ws.workspaceId}/join`, { body: { invite: inviteSecret(editorLink), name: 'New' } })).status).toBe(201);

  // Mistakes are said plainly, with a non-zero exit.
  const wrong = await admin(env, ['make-admin', '--workspace', ws.workspaceId, '--member', 'nobody']);
  expect(wrong.code).toBe(1);
  expect(wrong.stderr).toContain(`has no member nobody. Its members:`);
  expect(wrong.stderr).toContain(`${ws.viewer.memberId}  Cleo (viewer)`);
  expect((await admin(env, ['device-link', '--workspace', ws.workspaceId])).stderr).toMatch(/--member is missing/);
  expect((await admin(env, ['frobnicate'])).code).toBe(1);
}

describe('npm run admin', () => {
  let server: TestServer | null = null;
  afterEach(async () => {
    await server?.close();
    if (server?.config.store === 'sqlite') removeDir(server.dataDir);
    server = null;
  });

  it('--help lists every command, and each command has its own help', async () => {
    const all = await admin({}, ['--help']);
    expect(all.code).toBe(0);
    for (const c of ['list', 'device-link', 'make-admin', 'invites']) expect(all.stdout).toContain(c);
    const one = await admin({}, ['device-link', '--help']);
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/one-time device link/);
  });

  it('recovers a group on a SQLite data directory the server is using', async () => {
    server = await startServer({ config: { logLevel: 'silent' } });
    await recoveryStory(server, { DATA_DIR: server.dataDir, STORE: 'sqlite' });
  });

  describe('on PostgreSQL', () => {
    let postgres: Service;
    beforeAll(async () => {
      postgres = await startPostgres();
    }, 90_000);
    afterAll(async () => {
      await postgres?.stop();
    }, 30_000);

    it('recovers a group on a PostgreSQL database the server is using', async () => {
      const client = new pg.Client(postgres.url);
      await client.connect();
      await client.query('CREATE DATABASE admin_cli');
      await client.end();
      const databaseUrl = postgres.url.replace(/\/postgres$/, '/admin_cli');
      server = await startServer({ config: { logLevel: 'silent', store: 'postgres', databaseUrl } });
      await recoveryStory(server, { STORE: 'postgres', DATABASE_URL: databaseUrl });
    }, 60_000);
  });
});

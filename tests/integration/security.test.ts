/**
 * The rest of the access matrix at the protocol level, secrets in logs over a whole
 * workspace lifetime, and hostile HTTP requests (see access.test.ts and http-api.test.ts
 * for the basics).
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Limits } from '#shared/protocol';
import { connectClient, rawSocket, type TestClient } from '../helpers/clients.ts';
import { api, createWorkspace, inviteSecret, removeDir, startServer, type TestServer, type TestWorkspace } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';

describe('access, secrets and hostile HTTP', () => {
  let server: TestServer;
  let ws: TestWorkspace;
  let other: TestWorkspace;
  /** Every token and invite secret the server handed out (or was shown) during the test. */
  const secrets = new Set<string>();
  const clients: TestClient[] = [];
  const remember = (w: TestWorkspace) => {
    for (const s of [w.admin.token, w.editor.token, w.viewer.token, inviteSecret(w.invites.editor), inviteSecret(w.invites.viewer)]) secrets.add(s);
  };
  const refusal = async (path: string) => {
    const sock = rawSocket(`${server.syncUrl}/${path}`);
    const closed = await sock.closed;
    expect(closed.framesBeforeClose, `nothing sent before refusing ${path.replace(/token=.*/, 'token=…')}`).toBe(0);
    return closed;
  };

  beforeAll(async () => {
    server = await startServer();
    ws = await createWorkspace(server.httpUrl);
    other = await createWorkspace(server.httpUrl, 'Food bank');
    remember(ws);
    remember(other);
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await server.close();
    removeDir(server.dataDir);
  });

  it('private documents: viewers and editors → 4403 (even on the index they may read); admins get in', async () => {
    expect((await refusal(`${ws.workspaceId}/private-contacts?token=${ws.viewer.token}`)).code).toBe(4403);
    expect((await refusal(`${ws.workspaceId}/private-x?token=${ws.editor.token}`)).code).toBe(4403);
    const viewerIndex = connectClient(server.syncUrl, ws.workspaceId, 'index', ws.viewer.token);
    const adminPrivate = connectClient(server.syncUrl, ws.workspaceId, 'private-contacts', ws.admin.token);
    clients.push(viewerIndex, adminPrivate);
    await Promise.all([viewerIndex.synced(), adminPrivate.synced()]);
    // Another workspace's admin may not open this workspace's private document either.
    expect((await refusal(`${ws.workspaceId}/private-contacts?token=${other.admin.token}`)).code).toBe(4403);
  });

  it('a token in a malformed address is refused (4400) without being logged', async () => {
    expect((await refusal(`bad.id/doc?token=${ws.editor.token}`)).code).toBe(4400);
    expect((await refusal(`${ws.workspaceId}/${'d'.repeat(65)}?token=${ws.admin.token}`)).code).toBe(4400);
  });

  it('a whole lifetime of joins, rotations, revocations and refusals never logs a secret', async () => {
    const joined = await api(server.httpUrl, 'POST', `/api/workspaces/${ws.workspaceId}/join`, { body: { invite: inviteSecret(ws.invites.editor), name: 'Dee' } });
    secrets.add(joined.body.token);
    const rotated = await api(server.httpUrl, 'POST', `/api/workspaces/${ws.workspaceId}/invites/rotate`, { token: ws.admin.token });
    for (const url of Object.values(rotated.body.invites as Record<string, string>)) secrets.add(inviteSecret(url));
    // Old invite refused; a wrong one too.
    expect((await api(server.httpUrl, 'POST', `/api/workspaces/${ws.workspaceId}/join`, { body: { invite: inviteSecret(ws.invites.viewer), name: 'Eve' } })).status).toBe(403);
    // Revoked while connected: closed with 4401, then refused.
    const dee = connectClient(server.syncUrl, ws.workspaceId, 'agenda', joined.body.token);
    clients.push(dee);
    await dee.synced();
    expect((await api(server.httpUrl, 'DELETE', `/api/workspaces/${ws.workspaceId}/members/${joined.body.memberId}`, { token: ws.admin.token })).status).toBe(204);
    expect((await waitFor(() => dee.closes[0])).code).toBe(4401);
    expect((await refusal(`${ws.workspaceId}/agenda?token=${joined.body.token}`)).code).toBe(4401);
    // Bearer tokens that are wrong, revoked or of another workspace.
    for (const token of [joined.body.token, other.admin.token, `${ws.admin.token}x`]) {
      const r = await api(server.httpUrl, 'POST', `/api/workspaces/${ws.workspaceId}/invites/rotate`, { token });
      expect([401, 403]).toContain(r.status);
      expect(r.body.error).toMatch(/[a-z] [a-z]/);
    }
    expect((await refusal(`${ws.workspaceId}/agenda?token=${other.editor.token}`)).code).toBe(4403);
    await api(server.httpUrl, 'PATCH', `/api/workspaces/${ws.workspaceId}/members/${ws.editor.memberId}`, { token: ws.editor.token, body: { name: 'Benjamin' } });

    const log = server.logs.join('\n');
    expect(server.logs.length).toBeGreaterThan(10);
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThanOrEqual(32);
      // Neither the secret nor a recognisable part of it.
      expect(log.includes(secret.slice(0, 16)), 'a secret (or its first 16 characters) is in the log').toBe(false);
    }
  });

  /** A raw HTTP request (fetch cannot send a lying Content-Length or invalid UTF-8). */
  const raw = (method: string, path: string, headers: Record<string, string | number>, body?: Buffer | string, chunks?: Buffer[]) =>
    new Promise<{ status: number; body: any }>((resolve, reject) => {
      const req = http.request(`${server.httpUrl}${path}`, { method, headers }, (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : null }));
      });
      req.on('error', reject);
      if (chunks) for (const c of chunks) req.write(c);
      req.end(body);
    });

  it.each([
    ['a chunked body over the limit (no Content-Length)', () => raw('POST', '/api/workspaces', { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, undefined, Array.from({ length: 20 }, () => Buffer.alloc(8 * 1024, 0x20))), 413],
    ['a Content-Length over the limit', () => raw('POST', '/api/workspaces', { 'content-type': 'application/json', 'content-length': Limits.maxJsonBodyBytes + 1 }, Buffer.alloc(Limits.maxJsonBodyBytes + 1, 0x20)), 413],
    ['invalid UTF-8', () => raw('POST', '/api/workspaces', { 'content-type': 'application/json' }, Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])), 400],
    ['deeply nested JSON', () => raw('POST', '/api/workspaces', { 'content-type': 'application/json' }, '['.repeat(30_000)), 400],
    ['bad JSON on join', () => raw('POST', `/api/workspaces/${ws.workspaceId}/join`, { 'content-type': 'application/json' }, '{"invite":'), 400],
    ['an id of 65 characters', () => api(server.httpUrl, 'GET', `/api/workspaces/${'w'.repeat(65)}/me`, { token: ws.admin.token }), 400],
    ['an encoded slash in an id', () => api(server.httpUrl, 'GET', `/api/workspaces/a%2Fb/me`, { token: ws.admin.token }), 400],
    ['a dot-dot id', () => api(server.httpUrl, 'POST', `/api/workspaces/../join`, { body: { invite: 'x', name: 'y' } }), 400],
    ['a non-ASCII member id', () => api(server.httpUrl, 'DELETE', `/api/workspaces/${ws.workspaceId}/members/%C3%A9`, { token: ws.admin.token }), 400],
    ['__proto__ in a PATCH', () => api(server.httpUrl, 'PATCH', `/api/workspaces/${ws.workspaceId}/members/${ws.viewer.memberId}`, { token: ws.admin.token, body: '{"__proto__":{"role":"admin"}}' }), 400]
  ])('%s → %i with a plain-words error; the server keeps serving', async (_label, send, status) => {
    const r = await send();
    // `fetch` normalises "/api/workspaces/../join" to "/api/join": an unknown address then.
    if (_label === 'a dot-dot id') expect([400, 404]).toContain(r.status);
    else expect(r.status).toBe(status);
    expect(typeof r.body?.error).toBe('string');
    expect(r.body.error).toMatch(/^[A-Z].* .*\.$/);
    expect((await api(server.httpUrl, 'GET', '/healthz')).status).toBe(200);
  });
});

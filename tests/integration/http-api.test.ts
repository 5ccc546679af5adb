import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64Url } from '../../src/lib/shared/model/signatures.ts';
import { Limits } from '#shared/protocol';
import { api, createWorkspace, inviteSecret, removeDir, startServer, type TestServer, type TestWorkspace } from '../helpers/server.ts';

describe('HTTP API (contract v1 + extensions)', () => {
  let server: TestServer;
  let ws: TestWorkspace;
  const url = (p: string) => `/api/workspaces/${ws.workspaceId}${p}`;

  beforeAll(async () => {
    server = await startServer();
    ws = await createWorkspace(server.httpUrl);
  });
  afterAll(async () => {
    await server.close();
    removeDir(server.dataDir);
  });

  it('GET /healthz → 200 {"ok":true}', async () => {
    const r = await api(server.httpUrl, 'GET', '/healthz');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ ok: true });
  });

  it('POST /api/workspaces → 201 with the contract fields, invite urls from Host / x-forwarded-proto', async () => {
    const r = await api(server.httpUrl, 'POST', '/api/workspaces', {
      body: { name: 'Mutual aid', memberName: 'Ada' },
      headers: { 'x-forwarded-proto': 'https' }
    });
    expect(r.status).toBe(201);
    // The contract's fields, plus the extension `invitesAt` (when the links were made, server time).
    expect(Object.keys(r.body).sort()).toEqual(['invites', 'invitesAt', 'memberId', 'role', 'token', 'workspaceId']);
    expect(typeof r.body.invitesAt).toBe('number');
    expect(r.body.role).toBe('admin');
    expect(r.body.workspaceId).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    expect(r.body.token.length).toBeGreaterThanOrEqual(22); // ≥ 128 bits in base64url
    const origin = `https://127.0.0.1:${server.port}`;
    expect(r.body.invites.editor).toMatch(new RegExp(`^${origin.replace(/\./g, '\\.')}/join/${r.body.workspaceId}#[A-Za-z0-9_-]{43}$`));
    expect(r.body.invites.viewer).not.toBe(r.body.invites.editor);
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it.each([
    ['not JSON', '{"name": ', 400],
    ['a JSON array', '[]', 400],
    ['missing name', { memberName: 'Ada' }, 400],
    ['missing memberName', { name: 'X' }, 400],
    ['empty name', { name: '   ', memberName: 'Ada' }, 400],
    ['name not text', { name: 42, memberName: 'Ada' }, 400],
    ['name too long', { name: 'x'.repeat(Limits.maxNameLength + 1), memberName: 'Ada' }, 400],
    ['control characters', { name: 'a\u0000b', memberName: 'Ada' }, 400]
  ])('POST /api/workspaces with %s → %i and a plain-words error', async (_label, body, status) => {
    const r = await api(server.httpUrl, 'POST', '/api/workspaces', { body });
    expect(r.status).toBe(status);
    expect(typeof r.body.error).toBe('string');
    expect(r.body.error.length).toBeGreaterThan(5);
  });

  it('an oversized body → 413', async () => {
    const r = await api(server.httpUrl, 'POST', '/api/workspaces', { body: { name: 'x'.repeat(Limits.maxJsonBodyBytes), memberName: 'A' } });
    expect(r.status).toBe(413);
    expect(r.body.error).toMatch(/larger/);
  });

  it('a non-JSON content type → 415', async () => {
    const r = await api(server.httpUrl, 'POST', '/api/workspaces', { body: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(r.status).toBe(415);
  });

  it('join: 201 for editor and viewer invites; wrong invite 403; unknown workspace 404; bad id 400; missing fields 400', async () => {
    const e = await api(server.httpUrl, 'POST', url('/join'), { body: { invite: inviteSecret(ws.invites.editor), name: 'Eve' } });
    expect(e.status).toBe(201);
    expect(Object.keys(e.body).sort()).toEqual(['memberId', 'role', 'token']);
    expect(e.body.role).toBe('editor');
    const v = await api(server.httpUrl, 'POST', url('/join'), { body: { invite: inviteSecret(ws.invites.viewer), name: 'Vic' } });
    expect(v.body.role).toBe('viewer');
    expect((await api(server.httpUrl, 'POST', url('/join'), { body: { invite: 'wrong', name: 'Mal' } })).status).toBe(403);
    expect((await api(server.httpUrl, 'POST', '/api/workspaces/nope/join', { body: { invite: 'x', name: 'Mal' } })).status).toBe(404);
    expect((await api(server.httpUrl, 'POST', '/api/workspaces/bad.id/join', { body: { invite: 'x', name: 'Mal' } })).status).toBe(400);
    expect((await api(server.httpUrl, 'POST', url('/join'), { body: { name: 'Mal' } })).status).toBe(400);
    expect((await api(server.httpUrl, 'POST', url('/join'), { body: { invite: inviteSecret(ws.invites.editor) } })).status).toBe(400);
  });

  it('invite preview: the group and who invites, before joining; joins nobody; wrong invite 403; unknown workspace 404', async () => {
    const before = (await api(server.httpUrl, 'GET', url('/members'), { token: ws.admin.token })).body.members.length;
    const e = await api(server.httpUrl, 'POST', url('/invites/preview'), { body: { invite: inviteSecret(ws.invites.editor) } });
    expect(e.status).toBe(200);
    expect(e.body).toEqual({ workspaceName: 'Tenants union', role: 'editor', invitedBy: ['Ada'] });
    const v = await api(server.httpUrl, 'POST', url('/invites/preview'), { body: { invite: inviteSecret(ws.invites.viewer) } });
    expect(v.body).toMatchObject({ role: 'viewer', invitedBy: ['Ada'] });
    expect((await api(server.httpUrl, 'GET', url('/members'), { token: ws.admin.token })).body.members.length).toBe(before);
    const wrong = await api(server.httpUrl, 'POST', url('/invites/preview'), { body: { invite: 'wrong' } });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error).toMatch(/not valid/);
    expect(wrong.body).not.toHaveProperty('workspaceName');
    expect((await api(server.httpUrl, 'POST', '/api/workspaces/nope/invites/preview', { body: { invite: 'x' } })).status).toBe(404);
    expect((await api(server.httpUrl, 'POST', url('/invites/preview'), { body: {} })).status).toBe(400);
    expect((await api(server.httpUrl, 'GET', url('/invites/preview'))).status).toBe(405);
  });

  it('rotate invites: 401 without token, 403 for editor/viewer/other workspace, 200 for admin', async () => {
    const other = await createWorkspace(server.httpUrl, 'Other');
    expect((await api(server.httpUrl, 'POST', url('/invites/rotate'))).status).toBe(401);
    expect((await api(server.httpUrl, 'POST', url('/invites/rotate'), { token: 'garbage-token-garbage-token' })).status).toBe(401);
    expect((await api(server.httpUrl, 'POST', url('/invites/rotate'), { token: ws.editor.token })).status).toBe(403);
    expect((await api(server.httpUrl, 'POST', url('/invites/rotate'), { token: ws.viewer.token })).status).toBe(403);
    expect((await api(server.httpUrl, 'POST', url('/invites/rotate'), { token: other.admin.token })).status).toBe(403);
    const r = await api(server.httpUrl, 'POST', url('/invites/rotate'), { token: ws.admin.token });
    expect(r.status).toBe(200);
    expect(Object.keys(r.body).sort()).toEqual(['invites', 'invitesAt']);
    const joined = await api(server.httpUrl, 'POST', url('/join'), { body: { invite: inviteSecret(r.body.invites.editor), name: 'New' } });
    expect(joined.status).toBe(201);
    ws.invites = r.body.invites;
  });

  it('revoke: 204 for admin; token stops working; 403 for non-admin; 404 unknown; 400 bad id; last admin kept', async () => {
    const j = await api(server.httpUrl, 'POST', url('/join'), { body: { invite: inviteSecret(ws.invites.editor), name: 'Temp' } });
    expect((await api(server.httpUrl, 'DELETE', url(`/members/${j.body.memberId}`), { token: ws.editor.token })).status).toBe(403);
    expect((await api(server.httpUrl, 'GET', url('/me'), { token: j.body.token })).status).toBe(200);
    const del = await api(server.httpUrl, 'DELETE', url(`/members/${j.body.memberId}`), { token: ws.admin.token });
    expect(del.status).toBe(204);
    expect(del.body).toBeNull();
    expect((await api(server.httpUrl, 'GET', url('/me'), { token: j.body.token })).status).toBe(401);
    expect((await api(server.httpUrl, 'DELETE', url(`/members/${j.body.memberId}`), { token: ws.admin.token })).status).toBe(404);
    expect((await api(server.httpUrl, 'DELETE', url('/members/bad.id'), { token: ws.admin.token })).status).toBe(400);
    const last = await api(server.httpUrl, 'DELETE', url(`/members/${ws.admin.memberId}`), { token: ws.admin.token });
    expect(last.status).toBe(409);
    // The removed member still knows the invite link: removing them replaced it.
    const back = await api(server.httpUrl, 'POST', url('/join'), { body: { invite: inviteSecret(ws.invites.editor), name: 'Temp again' } });
    expect(back.status).toBe(403);
    ws.invites = (await api(server.httpUrl, 'POST', url('/invites/rotate'), { token: ws.admin.token })).body.invites;
  });

  it('members list and /me for any member; PATCH rules for admin and self', async () => {
    const list = await api(server.httpUrl, 'GET', url('/members'), { token: ws.viewer.token });
    expect(list.status).toBe(200);
    const ada = list.body.members.find((m: any) => m.memberId === ws.admin.memberId);
    expect(ada).toMatchObject({ name: 'Ada', role: 'admin', coordinator: false, publicKey: null });
    expect(typeof ada.joinedAt).toBe('number');
    expect(JSON.stringify(list.body)).not.toMatch(/token|hash/i);

    const me = await api(server.httpUrl, 'GET', url('/me'), { token: ws.editor.token });
    expect(me.body).toMatchObject({ workspaceId: ws.workspaceId, memberId: ws.editor.memberId, role: 'editor', name: 'Ben' });

    const key = toBase64Url(new Uint8Array(32).fill(7));
    const self = await api(server.httpUrl, 'PATCH', url(`/members/${ws.editor.memberId}`), { token: ws.editor.token, body: { name: 'Benjamin', publicKey: key } });
    expect(self.status).toBe(200);
    expect(self.body).toMatchObject({ name: 'Benjamin', publicKey: key });
    // Only a 32-byte Ed25519 key is accepted: anything else would only grow the directory.
    for (const bad of ['pk-1', 'x'.repeat(4000), toBase64Url(new Uint8Array(33)), null, 42]) {
      const r = await api(server.httpUrl, 'PATCH', url(`/members/${ws.editor.memberId}`), { token: ws.editor.token, body: { publicKey: bad } });
      expect(r.status).toBe(400);
    }
    expect((await api(server.httpUrl, 'PATCH', url(`/members/${ws.editor.memberId}`), { token: ws.editor.token, body: { role: 'admin' } })).status).toBe(403);
    expect((await api(server.httpUrl, 'PATCH', url(`/members/${ws.viewer.memberId}`), { token: ws.editor.token, body: { name: 'X' } })).status).toBe(403);
    expect((await api(server.httpUrl, 'PATCH', url(`/members/${ws.viewer.memberId}`), { token: ws.admin.token, body: { role: 'boss' } })).status).toBe(400);
    expect((await api(server.httpUrl, 'PATCH', url(`/members/${ws.viewer.memberId}`), { token: ws.admin.token, body: { shoeSize: 42 } })).status).toBe(400);
    const promoted = await api(server.httpUrl, 'PATCH', url(`/members/${ws.viewer.memberId}`), { token: ws.admin.token, body: { role: 'editor', coordinator: true } });
    expect(promoted.status).toBe(200);
    expect(promoted.body).toMatchObject({ role: 'editor', coordinator: true });
    expect((await api(server.httpUrl, 'PATCH', url(`/members/${ws.admin.memberId}`), { token: ws.admin.token, body: { role: 'editor' } })).status).toBe(409);
  });

  it('unknown routes → 404 JSON, wrong method → 405 with Allow', async () => {
    const r = await api(server.httpUrl, 'GET', '/api/nothing');
    expect(r.status).toBe(404);
    expect(r.body.error).toBeTruthy();
    const m = await api(server.httpUrl, 'GET', '/api/workspaces');
    expect(m.status).toBe(405);
    expect(m.headers.get('allow')).toBe('POST');
  });

  it('every error carries a stable machine-readable code beside the sentence (issue 21)', async () => {
    const codeOf = async (method: string, path: string, opts: Parameters<typeof api>[3] = {}) => {
      const r = await api(server.httpUrl, method, path, opts);
      expect(typeof r.body.error).toBe('string');
      return [r.status, r.body.code];
    };
    expect(await codeOf('POST', url('/join'), { body: { invite: 'wrong', name: 'Mal' } })).toEqual([403, 'invite-invalid']);
    expect(await codeOf('POST', '/api/workspaces/nope/join', { body: { invite: 'x', name: 'Mal' } })).toEqual([404, 'workspace-not-found']);
    expect(await codeOf('POST', '/api/workspaces', { body: { name: '   ', memberName: 'Ada' } })).toEqual([400, 'name-invalid']);
    expect(await codeOf('POST', '/api/workspaces', { body: '{"name": ' })).toEqual([400, 'bad-request']);
    expect(await codeOf('POST', url('/invites/rotate'))).toEqual([401, 'token-invalid']);
    expect(await codeOf('POST', url('/invites/rotate'), { token: 'not-a-token' })).toEqual([401, 'token-invalid']);
    expect(await codeOf('GET', '/api/nothing-here')).toEqual([404, 'not-found']);
    expect(await codeOf('DELETE', url(`/members/${ws.admin.memberId}`), { token: ws.admin.token })).toEqual([409, 'last-admin']);
  });

  it('invite urls use PUBLIC_ORIGIN when configured', async () => {
    const s = await startServer({ config: { publicOrigin: 'https://mutual.example.org' } });
    try {
      const r = await api(s.httpUrl, 'POST', '/api/workspaces', { body: { name: 'X', memberName: 'Y' } });
      expect(r.body.invites.viewer.startsWith(`https://mutual.example.org/join/${r.body.workspaceId}#`)).toBe(true);
    } finally {
      await s.close();
      removeDir(s.dataDir);
    }
  });
});

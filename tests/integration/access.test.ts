import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { openDatabase } from '../../server/database.ts';
import { createSqliteStore } from '../../server/store/sqlite.ts';
import { docKey } from '../../server/store/types.ts';
import { connectClient, rawSocket, type TestClient } from '../helpers/clients.ts';
import { api, createWorkspace, inviteSecret, removeDir, startServer, type TestServer, type TestWorkspace } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';

describe('access matrix (websocket)', () => {
  let server: TestServer;
  let ws: TestWorkspace;
  const clients: TestClient[] = [];
  const client = (docId: string, token: string) => {
    const c = connectClient(server.syncUrl, ws.workspaceId, docId, token);
    clients.push(c);
    return c;
  };
  /** Open a raw socket and return its close; asserts nothing was sent before the refusal. */
  const refusal = async (pathAndQuery: string) => {
    const sock = rawSocket(`${server.syncUrl}/${pathAndQuery}`);
    const closed = await sock.closed;
    expect(closed.framesBeforeClose, 'no document or awareness byte before a refusal').toBe(0);
    return closed;
  };

  beforeEach(async () => {
    server = await startServer();
    ws = await createWorkspace(server.httpUrl);
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await server.close();
    removeDir(server.dataDir);
  });

  it('no token → 4401', async () => {
    expect((await refusal(`${ws.workspaceId}/doc`)).code).toBe(4401);
  });

  it('unknown token → 4401', async () => {
    expect((await refusal(`${ws.workspaceId}/doc?token=${'x'.repeat(43)}`)).code).toBe(4401);
    expect((await refusal(`${ws.workspaceId}/doc?token=short`)).code).toBe(4401);
  });

  it('revoked token → 4401', async () => {
    const del = await api(server.httpUrl, 'DELETE', `/api/workspaces/${ws.workspaceId}/members/${ws.editor.memberId}`, { token: ws.admin.token });
    expect(del.status).toBe(204);
    expect((await refusal(`${ws.workspaceId}/doc?token=${ws.editor.token}`)).code).toBe(4401);
  });

  it("another workspace's token → 4403", async () => {
    const other = await createWorkspace(server.httpUrl, 'Food bank');
    const closed = await refusal(`${ws.workspaceId}/doc?token=${other.admin.token}`);
    expect(closed.code).toBe(4403);
    expect(closed.reason).toMatch(/another workspace/);
  });

  it.each([
    ['bad workspace id', () => `bad.id/doc?token=${ws.admin.token}`],
    ['bad document id', () => `${ws.workspaceId}/doc%20x?token=${ws.admin.token}`],
    ['id longer than 64', () => `${ws.workspaceId}/${'d'.repeat(65)}?token=${ws.admin.token}`],
    ['missing document id', () => `${ws.workspaceId}?token=${ws.admin.token}`],
    ['extra path segment', () => `${ws.workspaceId}/doc/more?token=${ws.admin.token}`]
  ])('malformed ids (%s) → 4400', async (_label, path) => {
    expect((await refusal(path())).code).toBe(4400);
  });

  it('the stock client stops retrying after a refusal and reports it', async () => {
    const c = client('doc', 'not-a-real-token-but-long-enough');
    const closed = await waitFor(() => c.closes[0], { message: 'refusal' });
    expect(closed.code).toBe(4401);
    expect(c.provider.shouldConnect).toBe(false);
  });

  it('private documents: editors → 4403; admins and coordinators may open them', async () => {
    expect((await refusal(`${ws.workspaceId}/private-contacts?token=${ws.editor.token}`)).code).toBe(4403);
    const admin = client('private-contacts', ws.admin.token);
    await admin.synced();
    const patch = await api(server.httpUrl, 'PATCH', `/api/workspaces/${ws.workspaceId}/members/${ws.editor.memberId}`, {
      token: ws.admin.token,
      body: { coordinator: true }
    });
    expect(patch.status).toBe(200);
    const coordinator = client('private-contacts', ws.editor.token);
    await coordinator.synced();
  });

  it('losing the coordinator flag closes private documents (4403)', async () => {
    await api(server.httpUrl, 'PATCH', `/api/workspaces/${ws.workspaceId}/members/${ws.editor.memberId}`, { token: ws.admin.token, body: { coordinator: true } });
    const c = client('private-contacts', ws.editor.token);
    await c.synced();
    await api(server.httpUrl, 'PATCH', `/api/workspaces/${ws.workspaceId}/members/${ws.editor.memberId}`, { token: ws.admin.token, body: { coordinator: false } });
    expect((await waitFor(() => c.closes[0], { message: 'close' })).code).toBe(4403);
  });

  it("a viewer's edits never land: not relayed, not in a fresh client, not in storage", async () => {
    const editor = client('proposal', ws.editor.token);
    const viewer = client('proposal', ws.viewer.token);
    await Promise.all([editor.synced(), viewer.synced()]);
    editor.doc.getText('t').insert(0, 'editor text');
    await waitFor(() => viewer.doc.getText('t').toString() === 'editor text', { message: 'viewer receives edits' });
    viewer.doc.getText('t').insert(0, 'VIEWER ');
    viewer.doc.getMap('blocks').set('vote', 'yes');
    // Frames on one socket are handled in order: once the viewer's later presence arrives,
    // its update has been processed (and dropped).
    viewer.provider.awareness.setLocalStateField('marker', 1);
    await waitFor(() => (editor.provider.awareness.getStates().get(viewer.doc.clientID) as any)?.marker === 1, { message: 'viewer presence' });
    const fresh = client('proposal', ws.admin.token);
    await fresh.synced();
    await waitFor(() => fresh.doc.getText('t').toString() === 'editor text');
    expect(fresh.doc.getMap('blocks').has('vote')).toBe(false);
    expect(editor.doc.getText('t').toString()).toBe('editor text');

    for (const c of clients.splice(0)) c.destroy();
    await server.close();
    const db = openDatabase(server.dataDir);
    try {
      const stored = await createSqliteStore(db).load(docKey(ws.workspaceId, 'proposal'));
      const doc = new Y.Doc();
      if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
      for (const u of stored.updates) Y.applyUpdate(doc, u);
      expect(doc.getText('t').toString()).toBe('editor text');
      expect(doc.getMap('blocks').has('vote')).toBe(false);
    } finally {
      db.close();
    }
    server = await startServer({ dataDir: server.dataDir }); // for afterEach
  });

  // How fast (the contract says within a second) is measured by the bench (bench/client-core).
  it('revoking a member closes their open sockets at once, with 4401', async () => {
    const c = client('agenda', ws.editor.token);
    const other = client('agenda', ws.admin.token);
    await Promise.all([c.synced(), other.synced()]);
    const del = await api(server.httpUrl, 'DELETE', `/api/workspaces/${ws.workspaceId}/members/${ws.editor.memberId}`, { token: ws.admin.token });
    expect(del.status).toBe(204);
    const closed = await waitFor(() => c.closes[0], { message: 'revoked socket to close' });
    expect(closed.code).toBe(4401);
    expect(c.provider.shouldConnect).toBe(false);
    // Others are unaffected.
    other.doc.getText('t').insert(0, 'still here');
    const again = client('agenda', ws.admin.token);
    await waitFor(() => again.doc.getText('t').toString() === 'still here');
  });

  it('a rotated invite → 403; existing members keep access', async () => {
    const rotated = await api(server.httpUrl, 'POST', `/api/workspaces/${ws.workspaceId}/invites/rotate`, { token: ws.admin.token });
    expect(rotated.status).toBe(200);
    for (const old of [ws.invites.editor, ws.invites.viewer]) {
      const r = await api(server.httpUrl, 'POST', `/api/workspaces/${ws.workspaceId}/join`, { body: { invite: inviteSecret(old), name: 'Dee' } });
      expect(r.status).toBe(403);
      expect(r.body.error).toMatch(/invite/);
    }
    const fresh = await api(server.httpUrl, 'POST', `/api/workspaces/${ws.workspaceId}/join`, { body: { invite: inviteSecret(rotated.body.invites.viewer), name: 'Dee' } });
    expect(fresh.status).toBe(201);
    expect(fresh.body.role).toBe('viewer');
    const c = client('agenda', ws.editor.token);
    await c.synced();
  });

  it('never logs tokens or invite secrets', async () => {
    await refusal(`${ws.workspaceId}/doc?token=${ws.viewer.token.slice(0, 40)}xyz`);
    const c = client('doc', ws.editor.token);
    await c.synced();
    const all = server.logs.join('\n');
    for (const secret of [ws.admin.token, ws.editor.token, ws.viewer.token, inviteSecret(ws.invites.editor), inviteSecret(ws.invites.viewer), ws.viewer.token.slice(0, 40)]) {
      expect(all).not.toContain(secret);
    }
    expect(server.logs.some((l) => JSON.parse(l).event === 'connection-refused')).toBe(true);
    expect(server.logs.some((l) => JSON.parse(l).event === 'connection-open')).toBe(true);
  });

  it('demoting an editor to viewer while connected stops their edits from landing', async () => {
    const e = client('agenda', ws.editor.token);
    const watcher = client('agenda', ws.admin.token);
    await Promise.all([e.synced(), watcher.synced()]);
    e.doc.getText('t').insert(0, 'before;');
    await waitFor(() => watcher.doc.getText('t').toString() === 'before;');
    const r = await api(server.httpUrl, 'PATCH', `/api/workspaces/${ws.workspaceId}/members/${ws.editor.memberId}`, { token: ws.admin.token, body: { role: 'viewer' } });
    expect(r.status).toBe(200);
    e.doc.getText('t').insert(0, 'after;');
    e.provider.awareness.setLocalStateField('marker', 2);
    await waitFor(() => (watcher.provider.awareness.getStates().get(e.doc.clientID) as any)?.marker === 2);
    const fresh = client('agenda', ws.viewer.token);
    await fresh.synced();
    expect(fresh.doc.getText('t').toString()).toBe('before;');
    expect(watcher.doc.getText('t').toString()).toBe('before;');
  });
});

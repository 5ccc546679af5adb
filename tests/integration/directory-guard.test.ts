/**
 * The member directory (roles, coordinator flags, ballot-signing keys) is written by the
 * server only. A modified client that writes it — here a stock y-websocket client holding
 * an editor token, promoting itself and planting its key in another member's key list —
 * is refused with 4422, and nothing it wrote reaches the relay's copy or other members.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { connectClient, type TestClient } from '../helpers/clients.ts';
import { api, createWorkspace, removeDir, startServer, type TestServer, type TestWorkspace } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';

describe('member directory is server-only; the catalogue lists pages only', () => {
  let server: TestServer;
  let ws: TestWorkspace;
  const clients: TestClient[] = [];
  const client = (docId: string, token: string) => {
    const c = connectClient(server.syncUrl, ws.workspaceId, docId, token);
    clients.push(c);
    return c;
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

  it('refuses a client write to the members map, keeps catalogue writes', async () => {
    const editor = client('index', ws.editor.token);
    await editor.synced();
    const members = editor.doc.getMap<Y.Map<unknown>>('members');
    await waitFor(() => members.get(ws.admin.memberId) instanceof Y.Map, { message: 'directory to arrive' });

    // An honest write elsewhere in the index (the catalogue) is relayed.
    editor.doc.getMap('catalogue').set('doc1', 'a document');
    const watcher = client('index', ws.admin.token);
    await watcher.synced();
    await waitFor(() => watcher.doc.getMap('catalogue').get('doc1') === 'a document', { message: 'catalogue write to arrive' });

    // The forgery: promote oneself and add a key to the admin's list.
    editor.doc.transact(() => {
      members.get(ws.editor.memberId)!.set('role', 'admin');
      members.get(ws.admin.memberId)!.set('publicKeys', ['forged-key']);
    });
    await waitFor(() => editor.closes.some((c) => c.code === 4422), { message: 'forger to be refused' });
    expect(editor.closes.find((c) => c.code === 4422)!.reason).toMatch(/member directory/);

    // Nothing landed: a fresh client sees the server's directory, and the API agrees.
    const fresh = client('index', ws.viewer.token);
    await fresh.synced();
    const freshMembers = fresh.doc.getMap<Y.Map<unknown>>('members');
    expect(freshMembers.get(ws.editor.memberId)!.get('role')).toBe('editor');
    expect(freshMembers.get(ws.admin.memberId)!.get('publicKeys')).toEqual([]);
    const listed = await api(server.httpUrl, 'GET', `/api/workspaces/${ws.workspaceId}/members`, { token: ws.admin.token });
    expect(listed.body.members.find((m: { memberId: string }) => m.memberId === ws.editor.memberId).role).toBe('editor');
  });

  it('refuses a catalogue entry for a reserved document (a private one, the index): nobody else ever lists it', async () => {
    const editor = client('index', ws.editor.token);
    await editor.synced();
    editor.doc.getMap('catalogue').set(`member-private-${ws.admin.memberId}`, new Y.Map());
    await waitFor(() => editor.closes.some((c) => c.code === 4422), { message: 'the hand-made entry to be refused' });
    expect(editor.closes.find((c) => c.code === 4422)!.reason).toMatch(/catalogue/);

    // An honest entry from another member still syncs, and the refused one is nowhere.
    const other = client('index', ws.admin.token);
    await other.synced();
    other.doc.getMap('catalogue').set('doc2', 'a document');
    const fresh = client('index', ws.viewer.token);
    await fresh.synced();
    await waitFor(() => fresh.doc.getMap('catalogue').get('doc2') === 'a document', { message: 'the honest entry to arrive' });
    expect([...fresh.doc.getMap('catalogue').keys()]).toEqual(['doc2']);
  });

  it('a member changes their own name and colour through the API, seen live in the directory', async () => {
    const watcher = client('index', ws.admin.token);
    await watcher.synced();
    const r = await api(server.httpUrl, 'PATCH', `/api/workspaces/${ws.workspaceId}/members/${ws.editor.memberId}`, {
      token: ws.editor.token,
      body: { name: 'Benedita', colour: '#123456' }
    });
    expect(r.status).toBe(200);
    const entry = () => watcher.doc.getMap<Y.Map<unknown>>('members').get(ws.editor.memberId);
    await waitFor(() => entry()?.get('name') === 'Benedita' && entry()?.get('colour') === '#123456', { message: 'profile change to arrive' });
    const bad = await api(server.httpUrl, 'PATCH', `/api/workspaces/${ws.workspaceId}/members/${ws.admin.memberId}`, { token: ws.editor.token, body: { colour: '#000000' } });
    expect(bad.status).toBe(403);
    const badColour = await api(server.httpUrl, 'PATCH', `/api/workspaces/${ws.workspaceId}/members/${ws.editor.memberId}`, { token: ws.editor.token, body: { colour: 'red; x' } });
    expect(badColour.status).toBe(400);
  });
});

/**
 * `GET /api/workspaces/:id/digest` against the real relay: every readable document's digest,
 * equal to what a synced client computes with the same function (src/lib/shared/digest.ts),
 * live for documents in memory, the same after they unload and after a restart, changed by
 * a pure deletion, and only for members (viewers too; private documents for coordinators).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DIGEST_ALGORITHM, documentDigest } from '#shared/digest';
import { addCatalogueEntry } from '#shared/model/workspace';
import { memberPrivateDocId } from '#shared/model/private-answers';
import { connectClient, type TestClient } from '../helpers/clients.ts';
import { api, createWorkspace, removeDir, startServer, type TestServer, type TestWorkspace } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';

/** A member's own private document (issue 24): always in their digest. */
const own = (m: { memberId: string }) => memberPrivateDocId(m.memberId)!;

describe('workspace digest', () => {
  let server: TestServer;
  let ws: TestWorkspace;
  const clients: TestClient[] = [];
  const client = (docId: string, token = ws.admin.token) => {
    const c = connectClient(server.syncUrl, ws.workspaceId, docId, token);
    clients.push(c);
    return c;
  };
  const digestOf = async (token: string) => api(server.httpUrl, 'GET', `/api/workspaces/${ws.workspaceId}/digest`, { token });
  /** Every write so far is on the relay: its digest equals the client's. */
  const relayHas = (c: TestClient, docId: string) =>
    waitFor(async () => (await digestOf(ws.admin.token)).body.documents[docId] === documentDigest(c.doc), { message: `the relay to hold ${docId}` });

  beforeEach(async () => {
    server = await startServer({ config: { unloadGraceMs: 30 } });
    ws = await createWorkspace(server.httpUrl);
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await server.close();
    removeDir(server.dataDir);
  });

  it('answers what a synced client computes, live, after unloading and after a restart; a deletion changes it', async () => {
    const index = client('index');
    await index.synced();
    const notes = client('notes');
    await notes.synced();
    notes.doc.getText('t').insert(0, 'Rent strike: vote on Tuesday');
    addCatalogueEntry(index.doc, { id: 'notes', kind: 'page', title: 'Notes' }, { memberId: ws.admin.memberId });
    addCatalogueEntry(index.doc, { id: 'never-written', kind: 'page', title: 'Empty' }, { memberId: ws.admin.memberId });
    await relayHas(notes, 'notes');
    await relayHas(index, 'index');

    const first = await digestOf(ws.admin.token);
    expect(first.status).toBe(200);
    expect(first.body.algorithm).toBe(DIGEST_ALGORITHM);
    expect(Object.keys(first.body.documents).sort()).toEqual(['index', own(ws.admin), 'never-written', 'notes'].sort());
    expect(first.body.documents['never-written']).toBe(documentDigest(new Y.Doc()));
    // Asked again with its ETag: nothing changed, nothing sent.
    const etag = first.headers.get('etag')!;
    const again = await api(server.httpUrl, 'GET', `/api/workspaces/${ws.workspaceId}/digest`, { token: ws.admin.token, headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(again.body).toBeNull();

    // A pure deletion leaves the state vector alone; the digest still moves.
    const before = first.body.documents.notes;
    notes.doc.getText('t').delete(0, 13);
    await relayHas(notes, 'notes');
    expect((await digestOf(ws.admin.token)).body.documents.notes).not.toBe(before);

    // Out of memory: the same digest (from the cache, then from the store after a restart).
    const expected = documentDigest(notes.doc);
    notes.destroy();
    await waitFor(() => !server.mutual.documents.isLoaded(ws.workspaceId, 'notes'), { message: 'notes to unload' });
    expect((await digestOf(ws.admin.token)).body.documents.notes).toBe(expected);
    index.destroy();
    await server.close();
    server = await startServer({ dataDir: server.dataDir, config: { unloadGraceMs: 30 } });
    expect((await digestOf(ws.admin.token)).body.documents.notes).toBe(expected);
    expect(server.mutual.documents.isLoaded(ws.workspaceId, 'notes')).toBe(false);
  });

  it('is for members only, viewers included; private documents only for admins and coordinators', async () => {
    const index = client('index');
    await index.synced();
    addCatalogueEntry(index.doc, { id: 'board', kind: 'needs', title: 'Needs' }, { memberId: ws.admin.memberId });
    await relayHas(index, 'index');
    expect(Object.keys((await digestOf(ws.admin.token)).body.documents).sort()).toEqual(['board', 'index', own(ws.admin), 'private-board'].sort());
    // Each member's own private document (issue 24), never another's.
    expect(Object.keys((await digestOf(ws.viewer.token)).body.documents).sort()).toEqual(['board', 'index', own(ws.viewer)].sort());
    expect(Object.keys((await digestOf(ws.editor.token)).body.documents).sort()).toEqual(['board', 'index', own(ws.editor)].sort());
    expect((await api(server.httpUrl, 'GET', `/api/workspaces/${ws.workspaceId}/digest`)).status).toBe(401);
    const other = await createWorkspace(server.httpUrl, 'Another group');
    expect((await digestOf(other.admin.token)).status).toBe(403);
  });
});

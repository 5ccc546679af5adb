/**
 * Versions on the real server: the HTTP API (who may read and save), automatic versions
 * while editing, and a restore made on one stock client reaching another.
 */
import { $createParagraphNode, $createTextNode } from 'lexical';
import { fromBase64 } from 'lib0/buffer';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { seedDocument } from '../../src/lib/editor/seed.ts';
import { documentText } from '../../src/lib/shared/export/text.ts';
import { loadVersion, restoreVersion } from '../../src/lib/shared/history/restore.ts';
import { AUTO_VERSION_INTERVAL_MS } from '../../src/lib/shared/history/versions.ts';
import { connectClient, type TestClient } from '../helpers/clients.ts';
import { api, createWorkspace, removeDir, startServer, type TestServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function server(now?: () => number): Promise<TestServer> {
  const s = await startServer({ config: { logLevel: process.env.DEBUG_LOGS ? 'info' : 'silent' }, parts: now ? { now } : {} });
  cleanups.push(() => removeDir(s.dataDir));
  cleanups.push(() => s.close());
  if (process.env.DEBUG_LOGS) cleanups.push(() => console.log(s.logs.join('\n')));
  return s;
}

function client(s: TestServer, workspaceId: string, docId: string, token: string): TestClient {
  const c = connectClient(s.syncUrl, workspaceId, docId, token);
  cleanups.push(() => c.destroy());
  return c;
}

const paragraph = (text: string) => (root: import('lexical').ElementNode) => root.append($createParagraphNode().append($createTextNode(text)));

describe('versions', () => {
  it('editors save named versions, viewers read them, the content is the document at that moment', async () => {
    const s = await server();
    const ws = await createWorkspace(s.httpUrl);
    const a = client(s, ws.workspaceId, 'notes', ws.editor.token);
    await a.synced();
    seedDocument(a.doc, paragraph('First draft'));
    const base = `/api/workspaces/${ws.workspaceId}/docs/notes/versions`;
    // The device sends its own state too, so a version never misses its latest edits.
    const saved = await api(s.httpUrl, 'POST', base, { token: ws.editor.token, body: { reason: 'named', name: 'Before the AGM', update: Buffer.from(Y.encodeStateAsUpdate(a.doc)).toString('base64') } });
    expect(saved.status).toBe(201);
    expect(saved.body.version).toMatchObject({ reason: 'named', name: 'Before the AGM', actor: ws.editor.memberId, docId: 'notes' });

    expect((await api(s.httpUrl, 'POST', base, { token: ws.viewer.token, body: { reason: 'named', name: 'x' } })).status).toBe(403);
    expect((await api(s.httpUrl, 'POST', base, { token: ws.editor.token, body: { reason: 'named' } })).status).toBe(400);
    expect((await api(s.httpUrl, 'POST', base, { token: ws.editor.token, body: { reason: 'auto' } })).status).toBe(400);
    expect((await api(s.httpUrl, 'GET', base)).status).toBe(401);
    const other = await createWorkspace(s.httpUrl, 'Other');
    expect((await api(s.httpUrl, 'GET', base, { token: other.admin.token })).status).toBe(403);

    const list = await api(s.httpUrl, 'GET', base, { token: ws.viewer.token });
    expect(list.status).toBe(200);
    expect(list.body.versions.map((v: { name: string }) => v.name)).toEqual(['Before the AGM']);
    const one = await api(s.httpUrl, 'GET', `${base}/${saved.body.version.id}`, { token: ws.viewer.token });
    expect(one.status).toBe(200);
    expect(documentText(loadVersion(fromBase64(one.body.update)))).toBe('First draft');
    expect((await api(s.httpUrl, 'GET', `${base}/nosuchversion`, { token: ws.viewer.token })).status).toBe(404);
  });

  it('private documents: versions only for admins and coordinators', async () => {
    const s = await server();
    const ws = await createWorkspace(s.httpUrl);
    const base = `/api/workspaces/${ws.workspaceId}/docs/private-contacts/versions`;
    expect((await api(s.httpUrl, 'GET', base, { token: ws.editor.token })).status).toBe(403);
    expect((await api(s.httpUrl, 'GET', base, { token: ws.admin.token })).status).toBe(200);
  });

  it('records an automatic version of the state before an edit once ten minutes have passed', async () => {
    let clock = Date.UTC(2025, 0, 1, 10);
    const s = await server(() => clock);
    const ws = await createWorkspace(s.httpUrl);
    const a = client(s, ws.workspaceId, 'rota', ws.editor.token);
    await a.synced();
    seedDocument(a.doc, paragraph('Ana on Saturday'));
    const base = `/api/workspaces/${ws.workspaceId}/docs/rota/versions`;
    const text = a.doc.get('root', Y.XmlText);
    const edit = async (marker: string) => {
      const inner = text.toDelta()[0].insert as Y.XmlText;
      inner.insert(inner.length, marker);
      await waitFor(() => s.mutual.documents.read(ws.workspaceId, 'rota', (d) => documentText(d).includes(marker)));
    };
    await waitFor(() => s.mutual.documents.read(ws.workspaceId, 'rota', (d) => documentText(d) === 'Ana on Saturday'));
    await edit(' one');
    const first = await waitFor(async () => {
      const list = (await api(s.httpUrl, 'GET', base, { token: ws.editor.token })).body.versions;
      return list.length > 0 ? list : null;
    });
    expect(first.length).toBe(1);
    expect(first[0]).toMatchObject({ reason: 'auto', actor: null });
    // Within ten minutes: no new version, however many edits.
    clock += AUTO_VERSION_INTERVAL_MS - 1000;
    await edit(' two');
    expect((await api(s.httpUrl, 'GET', base, { token: ws.editor.token })).body.versions.length).toBe(1);
    clock += 2000;
    await edit(' three');
    const after = (await api(s.httpUrl, 'GET', base, { token: ws.editor.token })).body.versions;
    expect(after.length).toBe(2);
    const latest = await api(s.httpUrl, 'GET', `${base}/${after[0].id}`, { token: ws.editor.token });
    // The state just before " three" arrived.
    expect(documentText(loadVersion(fromBase64(latest.body.update)))).toBe('Ana on Saturday one two');
  });

  it('a restore made on one client reaches another as an ordinary change', async () => {
    const s = await server();
    const ws = await createWorkspace(s.httpUrl);
    const a = client(s, ws.workspaceId, 'plan', ws.editor.token);
    const b = client(s, ws.workspaceId, 'plan', ws.admin.token);
    await Promise.all([a.synced(), b.synced()]);
    seedDocument(a.doc, paragraph('The plan we agreed'));
    const base = `/api/workspaces/${ws.workspaceId}/docs/plan/versions`;
    const saved = await api(s.httpUrl, 'POST', base, { token: ws.editor.token, body: { reason: 'named', name: 'Agreed', update: Buffer.from(Y.encodeStateAsUpdate(a.doc)).toString('base64') } });
    await waitFor(() => documentText(b.doc) === 'The plan we agreed');
    // Someone replaces the text by mistake.
    const root = b.doc.get('root', Y.XmlText);
    b.doc.transact(() => {
      root.delete(0, root.length);
      const p = new Y.XmlText();
      root.insertEmbed(0, p);
      p.setAttribute('__type', 'paragraph');
      p.insert(0, 'oops');
    });
    await waitFor(() => documentText(a.doc) === 'oops');

    const got = await api(s.httpUrl, 'GET', `${base}/${saved.body.version.id}`, { token: ws.editor.token });
    restoreVersion(a.doc, loadVersion(fromBase64(got.body.update)));
    await waitFor(() => documentText(b.doc) === 'The plan we agreed', { message: 'the restore to reach the other client' });
    await waitFor(() => s.mutual.documents.read(ws.workspaceId, 'plan', (d) => documentText(d) === 'The plan we agreed'));
  });
});

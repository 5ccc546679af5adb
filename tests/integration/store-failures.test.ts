import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { openDatabase } from '../../server/database.ts';
import { createSqliteStore } from '../../server/store/sqlite.ts';
import { docKey, type DocumentStore } from '../../server/store/types.ts';
import { connectClient, type TestClient } from '../helpers/clients.ts';
import { createWorkspace, removeDir, startServer, type TestServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';

/** A store wrapper whose appends wait for `open()` and whose loads can be made to fail. */
interface Controllable {
  failLoads: boolean;
  failAppends: boolean;
  appends: number;
  hold(): void;
  open(): void;
  store: DocumentStore;
}

function controllable(inner: DocumentStore): Controllable {
  let gate: Promise<void> = Promise.resolve();
  let release = () => {};
  const ctl: Controllable = {
    failLoads: false,
    failAppends: false,
    appends: 0,
    hold() {
      gate = new Promise((r) => (release = r));
    },
    open() {
      release();
    },
    store: {
      load: (key) => (ctl.failLoads ? Promise.reject(new Error('disk I/O error (simulated)')) : inner.load(key)),
      append: async (key, update) => {
        ctl.appends++;
        await gate;
        if (ctl.failAppends) throw new Error('disk full (simulated)');
        return inner.append(key, update);
      },
      compact: (key, s) => inner.compact(key, s),
      delete: (key) => inner.delete(key),
      listDocuments: (workspaceId) => inner.listDocuments(workspaceId),
      close: () => inner.close()
    } satisfies DocumentStore
  };
  return ctl;
}

describe('storage failures and the durable-before-relay rule', () => {
  const clients: TestClient[] = [];
  let server: TestServer | null = null;
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    if (server) {
      await server.close();
      removeDir(server.dataDir);
    }
    server = null;
  });
  const client = (s: TestServer, workspaceId: string, docId: string, token: string, doc?: Y.Doc) => {
    const c = connectClient(s.syncUrl, workspaceId, docId, token, doc);
    clients.push(c);
    return c;
  };

  it('an update reaches nobody (neither peers nor new joiners) before it is durable', async () => {
    let ctl!: Controllable;
    server = await startServer({ parts: { store: (s) => (ctl = controllable(s)).store } });
    const ws = await createWorkspace(server.httpUrl);
    const a = client(server, ws.workspaceId, 'd', ws.editor.token);
    const b = client(server, ws.workspaceId, 'd', ws.admin.token);
    await Promise.all([a.synced(), b.synced()]);
    ctl.hold();
    const before = ctl.appends;
    a.doc.getText('t').insert(0, 'held');
    await waitFor(() => ctl.appends > before, { message: 'append to start' });
    const c = client(server, ws.workspaceId, 'd', ws.viewer.token);
    // Give the relay every chance to leak: a few round trips of presence.
    a.provider.awareness.setLocalStateField('n', 1);
    await waitFor(() => (b.provider.awareness.getStates().get(a.doc.clientID) as any)?.n === 1);
    await waitFor(() => (c.provider.awareness.getStates().get(a.doc.clientID) as any)?.n === 1);
    expect(b.doc.getText('t').toString()).toBe('');
    expect(c.doc.getText('t').toString()).toBe('');
    expect(c.provider.synced).toBe(false); // its step 2 waits for the disk too
    ctl.open();
    await waitFor(() => b.doc.getText('t').toString() === 'held' && c.doc.getText('t').toString() === 'held');
  });

  it('a failed append stops serving the document; clients reconnect and nothing is lost', async () => {
    let ctl!: Controllable;
    server = await startServer({ parts: { store: (s) => (ctl = controllable(s)).store } });
    const ws = await createWorkspace(server.httpUrl);
    const a = client(server, ws.workspaceId, 'd', ws.editor.token);
    await a.synced();
    a.doc.getText('t').insert(0, 'kept ');
    const probe = client(server, ws.workspaceId, 'd', ws.admin.token);
    await waitFor(() => probe.doc.getText('t').toString() === 'kept ');
    ctl.failAppends = true;
    a.doc.getText('t').insert(5, 'lost?');
    await waitFor(() => a.closes.some((c) => c.code === 1011), { message: 'close after failed append' });
    ctl.failAppends = false;
    // The stock client reconnects (1011 is not a refusal) and re-sends what did not land.
    await waitFor(() => probe.doc.getText('t').toString() === 'kept lost?', { message: 're-sync after failure' });
  });

  it('a load that fails (I/O error) refuses the document and never writes over it', async () => {
    let ctl!: Controllable;
    server = await startServer({ config: { unloadGraceMs: 20 }, parts: { store: (s) => (ctl = controllable(s)).store } });
    const ws = await createWorkspace(server.httpUrl);
    const a = client(server, ws.workspaceId, 'd', ws.editor.token);
    await a.synced();
    a.doc.getText('t').insert(0, 'precious');
    const probe = client(server, ws.workspaceId, 'd', ws.admin.token);
    await waitFor(() => probe.doc.getText('t').toString() === 'precious');
    a.destroy();
    probe.destroy();
    await waitFor(() => !server!.mutual.documents.isLoaded(ws.workspaceId, 'd'), { message: 'unload' });

    ctl.failLoads = true;
    const appendsBefore = ctl.appends;
    const local = new Y.Doc();
    local.getText('t').insert(0, 'other edits');
    const b = client(server, ws.workspaceId, 'd', ws.editor.token, local);
    await waitFor(() => b.closes.length >= 2, { message: 'refusals' });
    expect(b.closes[0].code).toBe(1011);
    expect(b.provider.synced).toBe(false);
    expect(ctl.appends).toBe(appendsBefore);
    expect(server.logs.some((l) => JSON.parse(l).event === 'document-load-failed')).toBe(true);

    ctl.failLoads = false;
    await waitFor(() => b.provider.synced, { message: 'recovery' });
    await waitFor(() => b.doc.getText('t').toString().includes('precious') && b.doc.getText('t').toString().includes('other edits'));
  });

  it('a corrupt SQLite row refuses the document; the stored bytes stay untouched', async () => {
    server = await startServer({ config: { unloadGraceMs: 20 } });
    const ws = await createWorkspace(server.httpUrl);
    const a = client(server, ws.workspaceId, 'd', ws.editor.token);
    await a.synced();
    a.doc.getText('t').insert(0, 'precious');
    const probe = client(server, ws.workspaceId, 'd', ws.admin.token);
    await waitFor(() => probe.doc.getText('t').toString() === 'precious');
    for (const c of clients.splice(0)) c.destroy();
    const dataDir = server.dataDir;
    await server.close();

    // Corrupt the snapshot (compaction on unload/close wrote one) with undecodable bytes.
    let db = openDatabase(dataDir);
    const key = docKey(ws.workspaceId, 'd');
    const garbage = Buffer.from([0xff, 0xff, 0xff, 0xff]);
    const changed = db.prepare('UPDATE doc_snapshots SET snapshot = ? WHERE doc_key = ?').run(garbage, key).changes;
    expect(changed).toBe(1);
    const rows = () => ({
      snapshot: db.prepare('SELECT snapshot FROM doc_snapshots WHERE doc_key = ?').pluck().get(key),
      updates: db.prepare('SELECT count(*) FROM doc_updates WHERE doc_key = ?').pluck().get(key)
    });
    const before = rows();
    db.close();

    server = await startServer({ dataDir, config: { unloadGraceMs: 20 } });
    const local = new Y.Doc();
    local.getText('t').insert(0, 'would overwrite');
    const b = client(server, ws.workspaceId, 'd', ws.editor.token, local);
    await waitFor(() => b.closes.length >= 2, { message: 'refusals' });
    expect(b.closes.every((c) => c.code === 1011)).toBe(true);
    b.destroy();
    clients.splice(0);
    await server.close();
    server = null;

    db = openDatabase(dataDir);
    try {
      expect(rows()).toEqual(before);
      await expect(createSqliteStore(db).load(key)).resolves.toBeTruthy(); // readable rows, undecodable content
    } finally {
      db.close();
      removeDir(dataDir);
    }
  });
});

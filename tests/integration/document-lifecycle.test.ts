/**
 * The relay-side lifecycle of a document (server/relay/document-lifecycle.ts), path by path,
 * against the real relay on loopback and real SQLite: every socket is greeted (sync step 1)
 * or closed with a documented code, and every stay in memory ends in ready, failed or gone.
 * The store's loads and appends of document `d` are held or failed on demand to put the
 * document in a given state, then events race against it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { connectClient, rawSocket, type RawSocket, type TestClient } from '../helpers/clients.ts';
import { gatedStore, type GatedStore } from '../helpers/gated-store.ts';
import { api, createWorkspace, removeDir, startServer, type TestServer, type TestWorkspace } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';
import type { MutualConfig } from '../../server/config.ts';

describe('document lifecycle on the relay', () => {
  let server: TestServer | null = null;
  let gs: GatedStore;
  let ws: TestWorkspace;
  const clients: TestClient[] = [];
  const sockets: RawSocket[] = [];

  afterEach(async () => {
    gs.loads.open();
    gs.appends.open();
    for (const c of clients.splice(0)) c.destroy();
    for (const s of sockets.splice(0)) s.ws.terminate();
    if (server) {
      await server.close();
      removeDir(server.dataDir);
      // Every event the relay fed its documents' state machines was one they expect.
      expect(server.logs.filter((l) => l.includes('document-lifecycle-unexpected'))).toEqual([]);
    }
    server = null;
  });

  const start = async (config: Partial<MutualConfig> = {}) => {
    server = await startServer({ config: { unloadGraceMs: 30, ...config }, parts: { store: (s) => (gs = gatedStore(s, (key) => key.endsWith('/d'))).store } });
    ws = await createWorkspace(server.httpUrl);
    return server;
  };
  const describeDoc = () => server!.mutual.documents.describe(ws.workspaceId, 'd');
  const reaches = (state: string) => waitFor(() => describeDoc().state === state, { message: `document d to be ${state} (is ${describeDoc().state})` });
  const socket = (token = ws.editor.token) => {
    const s = rawSocket(`${server!.syncUrl}/${ws.workspaceId}/d?token=${token}`);
    sockets.push(s);
    return s;
  };
  const client = (token = ws.editor.token) => {
    const c = connectClient(server!.syncUrl, ws.workspaceId, 'd', token);
    clients.push(c);
    return c;
  };
  const greeted = (s: RawSocket) => waitFor(() => s.frames.length > 0, { message: 'the relay to greet the socket' });

  it('a socket closing while its document loads: the load ends, the document unloads, the next socket is greeted', async () => {
    await start();
    gs.loads.hold();
    const a = socket();
    await a.opened;
    await reaches('loading(1)');
    a.ws.close();
    await a.closed;
    gs.loads.open();
    await reaches('gone');
    // (Server-side rules read the document when it loads: holds in between.)
    const events = describeDoc().history.map((h) => h.split(',')[0]);
    expect(events.slice(0, 2)).toEqual(['acquire → loading(1)', 'loaded → ready(1)']);
    expect(events.slice(-2)).toEqual(['release → idle', 'graceOver(quiet) → gone']);
    const b = socket();
    await greeted(b);
  });

  it('a refusal racing the load (a text frame before it): the refused socket lets go, the other is greeted', async () => {
    await start();
    gs.loads.hold();
    const [a, b] = [socket(), socket()];
    await Promise.all([a.opened, b.opened]);
    await reaches('loading(2)');
    a.ws.send('{"type":"sync"}');
    expect((await a.closed).code).toBe(4400);
    gs.loads.open();
    await greeted(b);
    b.ws.close();
    // Had the refused socket's hold leaked, the document would stay ready(1) for ever.
    await reaches('gone');
  });

  it('frames past the 64 kept while the document loads are not refused: the relay stops reading until it is ready', async () => {
    await start();
    gs.loads.hold();
    const a = socket();
    await a.opened;
    await reaches('loading(1)');
    for (let i = 0; i < 300; i++) a.ws.send(new Uint8Array([3]));
    await waitFor(() => a.ws.bufferedAmount === 0, { message: 'the frames to leave the client' });
    gs.loads.open();
    await greeted(a);
    // Every query is answered (after the greeting), none was dropped, nothing was closed.
    await waitFor(() => a.frames.filter((f) => f[0] === 1).length >= 300, { message: 'every early query to be answered' });
    expect(a.ws.readyState).toBe(a.ws.OPEN);
  });

  it('a revocation racing the load: refused with 4401, and the document it was loading is let go', async () => {
    await start();
    gs.loads.hold();
    const a = socket();
    await a.opened;
    await reaches('loading(1)');
    const del = await api(server!.httpUrl, 'DELETE', `/api/workspaces/${ws.workspaceId}/members/${ws.editor.memberId}`, { token: ws.admin.token });
    expect(del.status).toBe(204);
    expect((await a.closed).code).toBe(4401);
    gs.loads.open();
    await reaches('gone');
    expect(a.frames).toEqual([]);
  });

  it('a failure while loading refuses every waiting socket with 1011; the next socket loads again', async () => {
    await start();
    gs.loads.hold();
    gs.loads.failing = true;
    const [a, b] = [socket(), socket()];
    await Promise.all([a.opened, b.opened]);
    await reaches('loading(2)');
    gs.loads.open();
    expect((await a.closed).code).toBe(1011);
    expect((await b.closed).code).toBe(1011);
    expect(describeDoc()).toMatchObject({ state: 'failed(load)', error: expect.stringContaining('load failed (simulated)') });
    gs.loads.failing = false;
    await greeted(socket());
    expect(describeDoc().state).toBe('ready(1)');
  });

  it('an unload racing a new connection: a document waiting for its last write is served again, not reloaded', async () => {
    await start();
    const a = client();
    await a.synced();
    const loadsBefore = gs.loads.passed;
    gs.appends.hold();
    a.doc.getText('t').insert(0, 'last words');
    await waitFor(() => gs.appends.arrived > 0, { message: 'the append to start' });
    a.destroy();
    await reaches('unloading');
    const b = client(ws.viewer.token);
    await reaches('ready(1)');
    gs.appends.open();
    await b.synced();
    expect(b.doc.getText('t').toString()).toBe('last words');
    expect(gs.loads.passed).toBe(loadsBefore);
    const events = describeDoc().history.map((h) => h.split(',')[0]);
    expect(events.slice(events.indexOf('graceOver(busy) → unloading'))).toEqual(['graceOver(busy) → unloading', 'acquire → ready(1)']);
  });

  it('an unload that finishes before the next connection: the document loads again from its snapshot', async () => {
    await start();
    const a = client();
    await a.synced();
    a.doc.getText('t').insert(0, 'kept');
    await waitFor(() => gs.appends.passed > 0, { message: 'the append' });
    a.destroy();
    await reaches('gone');
    const b = client(ws.viewer.token);
    await b.synced();
    expect(b.doc.getText('t').toString()).toBe('kept');
  });

  it('a write failing while the document unloads ends in failed; the next socket gets the durable state', async () => {
    await start();
    const a = client();
    await a.synced();
    a.doc.getText('t').insert(0, 'one');
    await waitFor(() => gs.appends.passed > 0, { message: 'the first append' });
    gs.appends.hold();
    gs.appends.failing = true;
    a.doc.getText('t').insert(3, ' two');
    await waitFor(() => gs.appends.arrived > 1, { message: 'the second append to start' });
    a.destroy();
    await reaches('unloading');
    gs.appends.open();
    await reaches('failed(storage)');
    gs.appends.failing = false;
    const b = client(ws.viewer.token);
    await b.synced();
    expect(b.doc.getText('t').toString()).toBe('one');
  });

  it('apply failed → reload from storage: peers are closed with 1011, reconnect, and find the durable state', async () => {
    await start();
    const [a, b] = [client(), client(ws.viewer.token)];
    await Promise.all([a.synced(), b.synced()]);
    a.doc.getText('t').insert(0, 'hello');
    await waitFor(() => b.doc.getText('t').toString() === 'hello', { message: 'hello to arrive' });
    const loadsBefore = gs.loads.passed;
    const documents = server!.mutual.documents;
    const doc = await documents.acquire(ws.workspaceId, 'd');
    documents.reloadFromStorage(doc, new Error('simulated apply error'));
    documents.release(doc);
    await waitFor(() => a.closes.length > 0 && b.closes.length > 0, { message: 'both peers to be closed' });
    expect([...a.closes, ...b.closes].map((c) => c.code)).toEqual([1011, 1011]);
    await waitFor(() => a.provider.synced && b.provider.synced && gs.loads.passed > loadsBefore, { message: 'both peers to resync from a reload' });
    expect(b.doc.getText('t').toString()).toBe('hello');
    expect(describeDoc().state).toBe('ready(2)');
  });

  it('shutdown while a document loads: close waits for the load, frees it and says goodbye (1001)', async () => {
    const s = await start();
    gs.loads.hold();
    const a = socket();
    await a.opened;
    await reaches('loading(1)');
    const closing = s.close();
    server = null;
    gs.loads.open();
    await closing;
    removeDir(s.dataDir);
    expect((await a.closed).code).toBe(1001);
    expect(s.mutual.documents.describe(ws.workspaceId, 'd').state).toBe('gone');
  });

  it('a socket whose document never loads is closed with 1011 after the admission bound, with the state logged', async () => {
    await start({ admitTimeoutMs: 100 });
    gs.loads.hold();
    const a = socket();
    await a.opened;
    const closed = await a.closed;
    expect(closed).toMatchObject({ code: 1011, reason: expect.stringContaining('took too long') });
    const line = server!.logs.find((l) => l.includes('"admit-timeout"'));
    expect(line && JSON.parse(line)).toMatchObject({ doc: 'd', state: 'loading(1)' });
    gs.loads.open();
    // The late load is let go of like any refusal.
    await reaches('gone');
  });
});

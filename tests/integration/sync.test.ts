import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import { connectClient, rawSocket, type RawSocket, type TestClient } from '../helpers/clients.ts';
import { createWorkspace, removeDir, startServer, type TestServer, type TestWorkspace } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { syncFrame } from '../fuzz/relay-fuzz-frames.ts';

/** A sync step 1 carrying `doc`'s state vector. */
const stepOne = (doc: Y.Doc) => syncFrame(0, Y.encodeStateVector(doc));

/** The payloads of the sync frames of `type` (1: step 2, 2: update) a raw socket received so far. */
const syncPayloads = (socket: RawSocket, type: 1 | 2) =>
  socket.frames.filter((f) => f[0] === 0 && f[1] === type).map((f) => decoding.readVarUint8Array(decoding.createDecoder(f.subarray(2))));

/** Deleted ranges of `update` below what `device` holds (deletions it already knows). */
const deletionsItHolds = (update: Uint8Array, device: Y.Doc) => {
  const sv = Y.decodeStateVector(Y.encodeStateVector(device));
  return [...Y.decodeUpdate(update).ds.clients].flatMap(([client, ranges]) => ranges.filter((r) => r.clock < (sv.get(client) ?? 0)));
};

describe('sync with stock y-websocket clients', () => {
  let server: TestServer;
  let ws: TestWorkspace;
  const clients: TestClient[] = [];
  const client = (docId: string, token: string, doc?: Y.Doc) => {
    const c = connectClient(server.syncUrl, ws.workspaceId, docId, token, doc);
    clients.push(c);
    return c;
  };

  beforeEach(async () => {
    server = await startServer({ config: { unloadGraceMs: 50 } });
    ws = await createWorkspace(server.httpUrl);
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await server.close();
    removeDir(server.dataDir);
  });

  it('two providers co-edit a Y.Text and converge; a third joining later gets everything', async () => {
    const a = client('agenda', ws.admin.token);
    const b = client('agenda', ws.editor.token);
    await Promise.all([a.synced(), b.synced()]);
    const ta = a.doc.getText('t');
    const tb = b.doc.getText('t');
    for (let i = 0; i < 50; i++) {
      ta.insert(0, 'a');
      tb.insert(tb.length, 'b');
    }
    await waitFor(() => ta.toString() === tb.toString() && ta.length === 100, { message: 'convergence' });
    expect(ta.toString().replace(/a/g, '').length).toBe(50);

    const c = client('agenda', ws.viewer.token);
    await c.synced();
    await waitFor(() => c.doc.getText('t').toString() === ta.toString(), { message: 'late joiner to catch up' });
  });

  it('relays presence (awareness) between clients and removes it when a client leaves', async () => {
    const a = client('notes', ws.admin.token);
    const b = client('notes', ws.viewer.token);
    await Promise.all([a.synced(), b.synced()]);
    a.provider.awareness.setLocalStateField('user', { name: 'Ada' });
    b.provider.awareness.setLocalStateField('user', { name: 'Cleo' });
    await waitFor(() => (b.provider.awareness.getStates().get(a.doc.clientID) as any)?.user?.name === 'Ada', { message: 'presence a→b' });
    await waitFor(() => (a.provider.awareness.getStates().get(b.doc.clientID) as any)?.user?.name === 'Cleo', { message: 'presence b→a' });
    b.destroy();
    await waitFor(() => !a.provider.awareness.getStates().has(b.doc.clientID), { message: 'presence removal' });
  });

  it('unloads a document after all clients leave; a new client still gets its content', async () => {
    const a = client('minutes', ws.editor.token);
    await a.synced();
    a.doc.getText('t').insert(0, 'decided: rent strike');
    await waitFor(() => server.mutual.documents.isLoaded(ws.workspaceId, 'minutes'));
    // Wait until the edit is durable (relayed state equals local state), then leave.
    const probe = client('minutes', ws.admin.token);
    await waitFor(() => probe.doc.getText('t').toString() === 'decided: rent strike', { message: 'probe to see the edit' });
    a.destroy();
    probe.destroy();
    await waitFor(() => !server.mutual.documents.isLoaded(ws.workspaceId, 'minutes'), { message: 'unload' });
    expect(server.mutual.relay.connectionCount).toBe(0);
    const late = client('minutes', ws.viewer.token);
    await late.synced();
    await waitFor(() => late.doc.getText('t').toString() === 'decided: rent strike', { message: 'content after unload' });
  });

  it('keeps documents of one workspace apart', async () => {
    const a = client('doc-one', ws.editor.token);
    const b = client('doc-two', ws.editor.token);
    await Promise.all([a.synced(), b.synced()]);
    a.doc.getText('t').insert(0, 'one');
    const c = client('doc-one', ws.admin.token);
    await waitFor(() => c.doc.getText('t').toString() === 'one');
    expect(b.doc.getText('t').toString()).toBe('');
  });

  it('writes members into the index document, live', async () => {
    const idx = client('index', ws.viewer.token);
    await idx.synced();
    const members = idx.doc.getMap<Y.Map<unknown>>('members');
    await waitFor(() => members.size === 3, { message: 'three members in the directory' });
    const admin = members.get(ws.admin.memberId)!;
    expect(admin.get('name')).toBe('Ada');
    expect(admin.get('role')).toBe('admin');
    expect(typeof admin.get('colour')).toBe('string');
    expect(idx.doc.getMap('settings').get('name')).toBe('Tenants union');
    const colours = new Set([...members.values()].map((m) => m.get('colour')));
    expect(colours.size).toBe(3);
  });

  it('repairs the member directory from the membership store when the index loads', async () => {
    await server.mutual.documents.change(ws.workspaceId, 'index', (ydoc) => ydoc.getMap('members').delete(ws.viewer.memberId));
    await waitFor(() => !server.mutual.documents.isLoaded(ws.workspaceId, 'index'), { message: 'index to unload' });
    const idx = client('index', ws.editor.token);
    await idx.synced();
    const members = idx.doc.getMap<Y.Map<unknown>>('members');
    await waitFor(() => members.get(ws.viewer.memberId)?.get('name') === 'Cleo', { message: 'repaired entry' });
  });

  it('several relays live in one process without sharing state', async () => {
    const other = await startServer();
    try {
      const ws2 = await createWorkspace(other.httpUrl);
      const a = client('shared-name', ws.editor.token);
      const b = connectClient(other.syncUrl, ws2.workspaceId, 'shared-name', ws2.editor.token);
      clients.push(b);
      await Promise.all([a.synced(), b.synced()]);
      a.doc.getText('t').insert(0, 'server one');
      b.doc.getText('t').insert(0, 'server two');
      const a2 = client('shared-name', ws.admin.token);
      await waitFor(() => a2.doc.getText('t').toString() === 'server one');
      // The first server does not know the second's workspace.
      const cross = connectClient(server.syncUrl, ws2.workspaceId, 'shared-name', ws2.editor.token);
      clients.push(cross);
      expect((await waitFor(() => cross.closes[0])).code).toBe(4401);
    } finally {
      for (const c of clients.splice(0)) c.destroy();
      await other.close();
      removeDir(other.dataDir);
    }
  });

  it('a device asking again on a live connection gets what it lacks, not the whole delete set each time; a new connection gets it whole', async () => {
    const writer = client('long', ws.admin.token);
    await writer.synced();
    const text = writer.doc.getText('t');
    for (let i = 0; i < 300; i++) {
      text.insert(0, `line ${i} `);
      text.delete(2, 3);
    }
    const reader = client('long', ws.viewer.token);
    await waitFor(() => reader.doc.getText('t').toString() === text.toString(), { message: 'the relay to hold the history' });

    const device = new Y.Doc();
    const socket = rawSocket(`${server.syncUrl}/${ws.workspaceId}/long?token=${ws.editor.token}`);
    await socket.opened;
    socket.ws.send(stepOne(device));
    const [first] = await waitFor(() => (syncPayloads(socket, 1).length === 1 ? syncPayloads(socket, 1) : undefined), { message: 'the first answer' });
    Y.applyUpdate(device, first);
    expect(device.getText('t').toString()).toBe(text.toString());

    // A probe from a device that holds everything: an empty update, not the 300 deletions again.
    socket.ws.send(stepOne(device));
    const [, second] = await waitFor(() => (syncPayloads(socket, 1).length === 2 ? syncPayloads(socket, 1) : undefined), { message: 'the second answer' });
    const decoded = Y.decodeUpdate(second);
    expect(decoded.structs).toEqual([]);
    expect(decoded.ds.clients.size).toBe(0);
    expect(second.byteLength * 20).toBeLessThan(first.byteLength);

    // A deletion of what the device holds reaches it as an update.
    text.delete(0, 4);
    await waitFor(() => syncPayloads(socket, 2).length > 0, { message: 'the deletion relayed' });
    for (const update of syncPayloads(socket, 2)) Y.applyUpdate(device, update);
    expect(device.getText('t').toString()).toBe(text.toString());
    socket.ws.close();

    // A device that was away, on a new connection: the whole delete set (what it may have missed).
    const away = rawSocket(`${server.syncUrl}/${ws.workspaceId}/long?token=${ws.editor.token}`);
    await away.opened;
    away.ws.send(stepOne(device));
    const [again] = await waitFor(() => (syncPayloads(away, 1).length === 1 ? syncPayloads(away, 1) : undefined), { message: 'the answer on a new connection' });
    expect(deletionsItHolds(again, device).length).toBeGreaterThan(100);
    away.ws.close();
  });
});

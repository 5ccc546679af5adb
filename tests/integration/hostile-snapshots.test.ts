/**
 * Issue 28: under the relay fuzzer the relay stopped greeting sockets of some documents.
 * Cause: a hostile update that Yjs holds back (pending structs) was merged by
 * `Y.encodeStateAsUpdate` into the snapshot written when the document unloaded; that
 * snapshot throws when applied, so every later load failed and every socket got 1011.
 * The same encoding went to joiners as their sync step 2, crashing their apply.
 * A state whose encoding does not load for another reason is never written as a snapshot
 * (server/relay/served-state.ts); the one such update found (a zero-length struct) is now
 * refused at the door by the relay's inspection (issue 27).
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import { writeSyncStep1Frame, writeUpdateFrame } from '../../server/relay/messages.ts';
import { connectClient, rawSocket, type TestClient } from '../helpers/clients.ts';
import { heldBackPoison, zeroLengthStruct } from '../helpers/hostile-updates.ts';
import { createWorkspace, removeDir, startServer, type TestServer, type TestWorkspace } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';

describe('hostile updates and snapshots', () => {
  let server: TestServer;
  const clients: TestClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await server.close();
    removeDir(server.dataDir);
  });
  const client = (ws: TestWorkspace, token: string) => {
    const c = connectClient(server.syncUrl, ws.workspaceId, 'd', token);
    clients.push(c);
    return c;
  };

  /** An editor's raw socket sends the pair; an observer sees the honest half arrive (durable). */
  const sendPoison = async (ws: TestWorkspace) => {
    const observer = client(ws, ws.admin.token);
    await observer.synced();
    const { held, filler, text } = heldBackPoison();
    const sock = rawSocket(`${server.syncUrl}/${ws.workspaceId}/d?token=${ws.editor.token}`);
    await sock.opened;
    await waitFor(() => sock.frames.length > 0, { message: 'the relay to greet' });
    sock.ws.send(writeUpdateFrame(held));
    sock.ws.send(writeUpdateFrame(filler));
    await waitFor(() => observer.doc.getText('t').toString() === text, { message: 'the honest part to be relayed' });
    return { sock, observer, text };
  };

  it('is not in the sync step 2 a joiner receives (it would throw there)', async () => {
    server = await startServer();
    const ws = await createWorkspace(server.httpUrl);
    const { text } = await sendPoison(ws);
    const joiner = rawSocket(`${server.syncUrl}/${ws.workspaceId}/d?token=${ws.viewer.token}`);
    await joiner.opened;
    joiner.ws.send(writeSyncStep1Frame(new Y.Doc()));
    const step2 = await waitFor(() => joiner.frames.find((f) => f[0] === 0 && f[1] === 1), { message: 'a sync step 2' });
    const doc = new Y.Doc();
    expect(() => Y.applyUpdate(doc, decoding.readVarUint8Array(decoding.createDecoder(step2.subarray(2))))).not.toThrow();
    expect(doc.getText('t').toString()).toBe(text);
    joiner.ws.close();
  });

  it('never makes the document unloadable: after an unload it opens again with its text', async () => {
    server = await startServer({ config: { unloadGraceMs: 20 } });
    const ws = await createWorkspace(server.httpUrl);
    const { sock, observer, text } = await sendPoison(ws);
    sock.ws.close();
    observer.destroy();
    await waitFor(() => !server.mutual.documents.isLoaded(ws.workspaceId, 'd'), { message: 'the document to unload' });
    const again = client(ws, ws.editor.token);
    await again.synced();
    expect(again.doc.getText('t').toString()).toBe(text);
    expect(again.closes).toEqual([]);
    expect(server.logs.filter((l) => l.includes('document-load-failed'))).toEqual([]);
  });

  it('an empty struct (whose encoding would not load) is refused at the door; the document compacts and reloads', async () => {
    server = await startServer({ config: { unloadGraceMs: 20, compactAfterUpdates: 1 } });
    const ws = await createWorkspace(server.httpUrl);
    const writer = client(ws, ws.editor.token);
    await writer.synced();
    const sock = rawSocket(`${server.syncUrl}/${ws.workspaceId}/d?token=${ws.editor.token}`);
    await sock.opened;
    await waitFor(() => sock.frames.length > 0, { message: 'the relay to greet' });
    sock.ws.send(writeUpdateFrame(zeroLengthStruct()));
    expect((await sock.closed).code).toBe(4400);
    // Still served: an edit reaches another client, compaction writes a snapshot that loads.
    const reader = client(ws, ws.viewer.token);
    writer.doc.getText('t').insert(0, 'still here!');
    await waitFor(() => reader.doc.getText('t').toString() === 'still here!', { message: 'the edit to arrive' });
    expect(writer.closes).toEqual([]);
    for (const c of clients.splice(0)) c.destroy();
    await waitFor(() => !server.mutual.documents.isLoaded(ws.workspaceId, 'd'), { message: 'the document to unload' });
    const again = client(ws, ws.viewer.token);
    await again.synced();
    expect(again.doc.getText('t').toString()).toBe('still here!');
    expect(server.logs.filter((l) => l.includes('document-load-failed') || l.includes('compaction-refused'))).toEqual([]);
  });
});

/**
 * Issue 10, privacy at the protocol level: a needs board's contact details live in the
 * private document `private-<boardId>`, and the relay serves it only to admins and
 * coordinators. A STOCK y-websocket client holding an editor token is refused with 4403 and
 * receives no byte at all, while the board itself (without any contact detail) syncs to it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { createNeed, privateDocIdFor, readContact, readNeeds, setContact } from '../../src/lib/shared/model/index.ts';
import { connectClient, recordingWebSocket, type TestClient } from '../helpers/clients.ts';
import { api, createWorkspace, removeDir, startServer, type TestServer, type TestWorkspace } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';

const PHONE = '07700 900461';
const BOARD = 'board1';

/** The `ws` WebSocket, recording every byte the server sends (the stock provider is given this class). */
describe('needs board privacy (stock y-websocket client)', () => {
  let server: TestServer;
  let ws: TestWorkspace;
  const clients: TestClient[] = [];
  const providers: WebsocketProvider[] = [];

  beforeEach(async () => {
    server = await startServer();
    ws = await createWorkspace(server.httpUrl);
    // The admin (a coordinator by role) takes in an ask with its contact details.
    const board = connectClient(server.syncUrl, ws.workspaceId, BOARD, ws.admin.token);
    const contacts = connectClient(server.syncUrl, ws.workspaceId, privateDocIdFor(BOARD), ws.admin.token);
    clients.push(board, contacts);
    await Promise.all([board.synced(), contacts.synced()]);
    createNeed(board.doc, { id: 'ask1', kind: 'ask', title: 'Groceries for a family of 4', category: 'food' }, { memberId: ws.admin.memberId });
    setContact(contacts.doc, 'ask1', { name: 'Dee', phone: PHONE, address: '12 Elm Street' }, { memberId: ws.admin.memberId });
    // Durable on the relay: a fresh admin client sees both.
    const check = connectClient(server.syncUrl, ws.workspaceId, privateDocIdFor(BOARD), ws.admin.token);
    clients.push(check);
    await waitFor(() => readContact(check.doc, 'ask1').value?.phone === PHONE, { message: 'contact details on the relay' });
  });
  afterEach(async () => {
    for (const p of providers.splice(0)) p.destroy();
    for (const c of clients.splice(0)) c.destroy();
    await server.close();
    removeDir(server.dataDir);
  });

  it('an editor is refused the private document with 4403 and receives no byte of it', async () => {
    const frames: Buffer[] = [];
    const doc = new Y.Doc();
    const provider = new WebsocketProvider(server.syncUrl, `${ws.workspaceId}/${privateDocIdFor(BOARD)}`, doc, {
      params: { token: ws.editor.token },
      WebSocketPolyfill: recordingWebSocket(frames) as unknown as typeof globalThis.WebSocket,
      disableBc: true,
      maxBackoffTime: 100
    });
    providers.push(provider);
    const closes: { code: number; reason: string }[] = [];
    provider.on('connection-close', (event) => {
      if (event) closes.push({ code: event.code, reason: event.reason });
    });
    const closed = await waitFor(() => closes[0], { message: 'refusal' });
    expect(closed.code).toBe(4403);
    expect(closed.reason).toMatch(/coordinators/);
    // The stock client treats 4400–4499 as permanent: it stops, it does not retry.
    expect(provider.shouldConnect).toBe(false);
    expect(provider.synced).toBe(false);
    expect(frames.length, 'no frame at all before or after the refusal').toBe(0);
    expect(doc.getMap('contacts').size).toBe(0);
    expect(Y.encodeStateAsUpdate(doc).byteLength).toBeLessThanOrEqual(2);
  });

  it('the same editor syncs the board, which holds no contact detail', async () => {
    const frames: Buffer[] = [];
    const doc = new Y.Doc();
    const provider = new WebsocketProvider(server.syncUrl, `${ws.workspaceId}/${BOARD}`, doc, {
      params: { token: ws.editor.token },
      WebSocketPolyfill: recordingWebSocket(frames) as unknown as typeof globalThis.WebSocket,
      disableBc: true
    });
    providers.push(provider);
    await waitFor(() => readNeeds(doc).value.length === 1, { message: 'board synced to the editor' });
    expect(readNeeds(doc).value[0]!.title).toBe('Groceries for a family of 4');
    const received = Buffer.concat(frames);
    expect(received.includes(Buffer.from(PHONE))).toBe(false);
    expect(received.includes(Buffer.from('12 Elm Street'))).toBe(false);
  });

  it('once an admin makes the editor a coordinator, the stock client receives the details', async () => {
    const patch = await api(server.httpUrl, 'PATCH', `/api/workspaces/${ws.workspaceId}/members/${ws.editor.memberId}`, { token: ws.admin.token, body: { coordinator: true } });
    expect(patch.status).toBe(200);
    const frames: Buffer[] = [];
    const doc = new Y.Doc();
    const provider = new WebsocketProvider(server.syncUrl, `${ws.workspaceId}/${privateDocIdFor(BOARD)}`, doc, {
      params: { token: ws.editor.token },
      WebSocketPolyfill: recordingWebSocket(frames) as unknown as typeof globalThis.WebSocket,
      disableBc: true
    });
    providers.push(provider);
    await waitFor(() => readContact(doc, 'ask1').value?.phone === PHONE, { message: 'coordinator receives details' });
    expect(Buffer.concat(frames).includes(Buffer.from(PHONE))).toBe(true);
  });
});

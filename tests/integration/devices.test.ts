/**
 * One member, several devices (issue 18), through the real HTTP API and relay on loopback:
 * device links are single use; a revoked device is refused (4401, HTTP 401) while the member's
 * other device stays connected; connection tickets are single use; tokens never reach a log.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { ticketWebSocket } from '../../src/lib/local/handle/ticket-socket.ts';
import type { WebSocketConstructor } from '../../src/lib/local/handle/relay-link.ts';
import { connectClient, rawSocket, type TestClient } from '../helpers/clients.ts';
import { api, createWorkspace, removeDir, startServer, type TestServer, type TestWorkspace } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';

describe('devices', () => {
  let server: TestServer;
  let ws: TestWorkspace;
  const clients: TestClient[] = [];
  const client = (docId: string, token: string) => {
    const c = connectClient(server.syncUrl, ws.workspaceId, docId, token);
    clients.push(c);
    return c;
  };
  const base = () => `/api/workspaces/${ws.workspaceId}`;
  /** Link a second device to `who` by the link flow; returns the new device's token and id. */
  const linkDevice = async (who: { token: string }, deviceName = 'Laptop') => {
    const made = await api(server.httpUrl, 'POST', `${base()}/device-links`, { token: who.token, body: {} });
    expect(made.status).toBe(201);
    const secret = String(made.body.link).split('#')[1];
    const used = await api(server.httpUrl, 'POST', `${base()}/device-links/redeem`, { body: { secret, deviceName } });
    expect(used.status).toBe(201);
    return { token: used.body.token as string, deviceId: used.body.deviceId as string, secret, body: used.body };
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

  it('a device link makes another device of the same member; it works once; its secret rides in the fragment', async () => {
    const made = await api(server.httpUrl, 'POST', `${base()}/device-links`, { token: ws.editor.token, body: {} });
    expect(made.status).toBe(201);
    expect(made.body.link).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/link/${ws.workspaceId}#[A-Za-z0-9_-]{43}$`));
    const secret = made.body.link.split('#')[1];
    const preview = await api(server.httpUrl, 'POST', `${base()}/device-links/preview`, { body: { secret } });
    expect(preview).toMatchObject({ status: 200, body: { workspaceName: 'Tenants union', memberName: 'Ben' } });

    const used = await api(server.httpUrl, 'POST', `${base()}/device-links/redeem`, { body: { secret, deviceName: "Ben's laptop" } });
    expect(used.status).toBe(201);
    expect(used.body).toMatchObject({ memberId: ws.editor.memberId, role: 'editor', name: 'Ben' });
    expect(used.body.token).not.toBe(ws.editor.token);
    const me = await api(server.httpUrl, 'GET', `${base()}/me`, { token: used.body.token });
    expect(me.body).toMatchObject({ memberId: ws.editor.memberId, name: 'Ben', deviceId: used.body.deviceId });

    // Used: a second use (and a preview) is refused in plain words.
    const again = await api(server.httpUrl, 'POST', `${base()}/device-links/redeem`, { body: { secret, deviceName: 'Thief' } });
    expect(again.status).toBe(410);
    expect(again.body.error).toMatch(/already used/);
    expect((await api(server.httpUrl, 'POST', `${base()}/device-links/preview`, { body: { secret } })).status).toBe(410);
    // A made-up secret, or one for another workspace: 403, nothing revealed.
    expect((await api(server.httpUrl, 'POST', `${base()}/device-links/preview`, { body: { secret: 'x'.repeat(43) } })).status).toBe(403);

    const list = await api(server.httpUrl, 'GET', `${base()}/members/${ws.editor.memberId}/devices`, { token: used.body.token });
    expect(list.body.devices.map((d: { name: string; current: boolean }) => [d.name, d.current])).toEqual([
      ['First device', false],
      ["Ben's laptop", true]
    ]);
    // Only the member and admins see them.
    expect((await api(server.httpUrl, 'GET', `${base()}/members/${ws.editor.memberId}/devices`, { token: ws.viewer.token })).status).toBe(403);
    expect((await api(server.httpUrl, 'GET', `${base()}/members/${ws.editor.memberId}/devices`, { token: ws.admin.token })).status).toBe(200);
  });

  it('two devices are one member: same name in the directory, one ballot key each in the history', async () => {
    const laptop = await linkDevice(ws.editor);
    const k1 = Buffer.alloc(32, 1).toString('base64url');
    const k2 = Buffer.alloc(32, 2).toString('base64url');
    await api(server.httpUrl, 'PATCH', `${base()}/members/${ws.editor.memberId}`, { token: ws.editor.token, body: { publicKey: k1 } });
    await api(server.httpUrl, 'PATCH', `${base()}/members/${ws.editor.memberId}`, { token: laptop.token, body: { publicKey: k2, name: 'Benjamin' } });
    const members = await api(server.httpUrl, 'GET', `${base()}/members`, { token: ws.editor.token });
    expect(members.body.members.filter((m: { memberId: string }) => m.memberId === ws.editor.memberId)).toEqual([
      expect.objectContaining({ name: 'Benjamin', publicKey: k2 })
    ]);
    const index = client('index', laptop.token);
    await index.synced();
    const entry = index.doc.getMap('members').get(ws.editor.memberId) as { get(k: string): unknown };
    expect(entry.get('publicKeys')).toEqual([k1, k2]);
  });

  it("revoking one device closes its sockets (4401, in plain words) and refuses its token; the member's other device carries on", async () => {
    const laptop = await linkDevice(ws.editor);
    const phone = client('notes', ws.editor.token);
    const desk = client('notes', laptop.token);
    await Promise.all([phone.synced(), desk.synced()]);

    // From the laptop, remove the phone (the first device).
    const del = await api(server.httpUrl, 'DELETE', `${base()}/members/${ws.editor.memberId}/devices/first`, { token: laptop.token });
    expect(del.status).toBe(204);
    await waitFor(() => phone.closes.length > 0, { timeout: 1000, message: 'the revoked device to be disconnected within 1 s' });
    expect(phone.closes[0]).toEqual({ code: 4401, reason: 'this device was removed from your devices' });

    // The laptop stays connected and its edits still flow.
    expect(desk.closes).toEqual([]);
    desk.doc.getText('t').insert(0, 'still here');
    const other = client('notes', ws.admin.token);
    await other.synced();
    await waitFor(() => other.doc.getText('t').toString() === 'still here', { message: 'the laptop edit to arrive' });

    // The phone's token is refused everywhere, saying why.
    const sock = rawSocket(`${server.syncUrl}/${ws.workspaceId}/notes?token=${ws.editor.token}`);
    expect(await sock.closed).toMatchObject({ code: 4401, reason: 'this device was removed from your devices' });
    const me = await api(server.httpUrl, 'GET', `${base()}/me`, { token: ws.editor.token });
    expect(me.status).toBe(401);
    expect(me.body.error).toMatch(/device was removed/);
  });

  it("a member's last device cannot be removed; admins manage anyone's devices, others nobody else's", async () => {
    const last = await api(server.httpUrl, 'DELETE', `${base()}/members/${ws.viewer.memberId}/devices/first`, { token: ws.viewer.token });
    expect(last.status).toBe(409);
    expect(last.body.error).toMatch(/only device/);
    const laptop = await linkDevice(ws.viewer);
    expect((await api(server.httpUrl, 'DELETE', `${base()}/members/${ws.viewer.memberId}/devices/${laptop.deviceId}`, { token: ws.editor.token })).status).toBe(403);
    const renamed = await api(server.httpUrl, 'PATCH', `${base()}/members/${ws.viewer.memberId}/devices/${laptop.deviceId}`, { token: ws.admin.token, body: { name: "Cleo's tablet" } });
    expect(renamed.body).toMatchObject({ name: "Cleo's tablet", current: false });
    expect((await api(server.httpUrl, 'DELETE', `${base()}/members/${ws.viewer.memberId}/devices/${laptop.deviceId}`, { token: ws.admin.token })).status).toBe(204);
    expect((await api(server.httpUrl, 'GET', `${base()}/me`, { token: laptop.token })).status).toBe(401);
    // An admin may make a link for someone else (a member who lost a device), a member may not.
    expect((await api(server.httpUrl, 'POST', `${base()}/device-links`, { token: ws.admin.token, body: { memberId: ws.viewer.memberId } })).status).toBe(201);
    expect((await api(server.httpUrl, 'POST', `${base()}/device-links`, { token: ws.editor.token, body: { memberId: ws.viewer.memberId } })).status).toBe(403);
  });

  it('removing a member stops every one of their devices', async () => {
    const laptop = await linkDevice(ws.editor);
    const desk = client('notes', laptop.token);
    await desk.synced();
    expect((await api(server.httpUrl, 'DELETE', `${base()}/members/${ws.editor.memberId}`, { token: ws.admin.token })).status).toBe(204);
    await waitFor(() => desk.closes.length > 0, { timeout: 1000, message: 'the linked device to be disconnected' });
    expect(desk.closes[0].code).toBe(4401);
    // A link made before the removal is no use after it.
    expect((await api(server.httpUrl, 'GET', `${base()}/me`, { token: laptop.token })).status).toBe(401);
  });

  it('a connection ticket opens one socket, once; the token never appears in a log line', async () => {
    const t = await api(server.httpUrl, 'POST', `${base()}/tickets`, { token: ws.editor.token });
    expect(t.status).toBe(201);
    expect(t.body.expiresAt).toBeGreaterThan(Date.now());
    const ok = rawSocket(`${server.syncUrl}/${ws.workspaceId}/notes?ticket=${t.body.ticket}`);
    await waitFor(() => ok.frames.length > 0, { message: 'the ticket socket to be greeted' });
    const reused = rawSocket(`${server.syncUrl}/${ws.workspaceId}/notes?ticket=${t.body.ticket}`);
    expect(await reused.closed).toMatchObject({ code: 4401, reason: expect.stringMatching(/ticket/) });
    ok.ws.close();
    expect((await api(server.httpUrl, 'POST', `${base()}/tickets`)).status).toBe(401);
    const laptop = await linkDevice(ws.editor);
    const secrets = [ws.admin.token, ws.editor.token, ws.viewer.token, t.body.ticket, laptop.token, laptop.secret];
    const logs = server.logs.join('\n');
    for (const s of secrets) expect(logs).not.toContain(s);
  });

  it("the app's sockets connect with tickets: no URL carries the token, and a removed device still hears why", async () => {
    const laptop = await linkDevice(ws.editor);
    /** Every URL a socket was opened with: what a reverse proxy's access log would record. */
    const accessLog: string[] = [];
    class LoggedSocket extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        accessLog.push(`127.0.0.1 - - "GET ${new URL(url).pathname}${new URL(url).search} HTTP/1.1" 101`);
        super(url, protocols);
      }
    }
    const open = (token: string) => {
      const provider = new WebsocketProvider(server.syncUrl, `${ws.workspaceId}/notes`, new Y.Doc(), {
        params: { token },
        WebSocketPolyfill: ticketWebSocket(LoggedSocket as unknown as WebSocketConstructor),
        disableBc: true,
        maxBackoffTime: 200
      });
      const closes: { code: number; reason: string }[] = [];
      provider.on('connection-close', (e) => e && closes.push({ code: e.code, reason: e.reason }));
      return { provider, closes };
    };
    const phone = open(ws.editor.token);
    const desk = open(laptop.token);
    try {
      await waitFor(() => phone.provider.synced && desk.provider.synced, { message: 'both devices to sync with tickets' });
      expect(accessLog).toHaveLength(2);
      for (const line of accessLog) {
        expect(line).toMatch(/\?ticket=[A-Za-z0-9_-]{43} /);
        expect(line).not.toContain(ws.editor.token);
        expect(line).not.toContain(laptop.token);
      }
      await api(server.httpUrl, 'DELETE', `${base()}/members/${ws.editor.memberId}/devices/first`, { token: laptop.token });
      await waitFor(() => phone.closes.length > 0, { timeout: 1000, message: 'the removed device to be closed' });
      expect(phone.closes[0]).toEqual({ code: 4401, reason: 'this device was removed from your devices' });
      expect(phone.provider.shouldConnect).toBe(false);
      expect(desk.closes).toEqual([]);
      const logs = server.logs.join('\n');
      expect(logs).not.toContain(ws.editor.token);
      expect(logs).not.toContain(laptop.token);
    } finally {
      for (const p of [phone, desk]) {
        p.provider.destroy();
        p.provider.awareness.destroy();
      }
    }
  });
});

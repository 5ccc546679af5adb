/**
 * Issue 10 on devices: a coordinator's device replicates a needs board's private document
 * (offline work), a non-coordinator's device never even asks for it, and after the relay's
 * retention purge a coordinator's device no longer stores the deleted contact details.
 */
import WebSocket from 'ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DAY_MS, addCatalogueEntry, createNeed, fulfilNeed, privateDocIdFor, readContact, setContact } from '../../src/lib/shared/model/index.ts';
import { MemoryLocalStore, openDevice, parseInviteLink, type Device, type WebSocketConstructor } from '../../src/lib/local/index.ts';
import { api, removeDir, startServer, type TestServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';

const PHONE = '07700 900461';
const T0 = Date.UTC(2025, 0, 1);

/** `ws`, remembering every url a device connects to. */
function recordingWebSocket(urls: string[]): WebSocketConstructor {
  return class extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      urls.push(String(url));
    }
  } as unknown as WebSocketConstructor;
}

describe('needs board contact details on devices', () => {
  let server: TestServer;
  let clock = T0;
  const devices: Device[] = [];
  const device = async (urls: string[]): Promise<Device> => {
    const d = await openDevice({
      store: new MemoryLocalStore(),
      apiBase: server.httpUrl,
      relayUrl: server.syncUrl,
      WebSocket: recordingWebSocket(urls),
      sync: { disableBc: true },
      replication: { debounceMs: 20, intervalMs: 0 }
    });
    devices.push(d);
    return d;
  };
  const storedBytes = async (d: Device, workspaceId: string, docId: string): Promise<Buffer> =>
    Buffer.concat((await d.store.loadUpdates(workspaceId, docId)).map((r) => Buffer.from(r.update as Uint8Array)));

  beforeEach(async () => {
    clock = T0;
    server = await startServer({ config: { unloadGraceMs: 50 }, parts: { now: () => clock } });
  });
  afterEach(async () => {
    for (const d of devices.splice(0)) await d.close();
    await server.close();
    removeDir(server.dataDir);
  });

  it('coordinator devices replicate the private document; others never ask; a purge leaves the coordinator device', async () => {
    const adminUrls: string[] = [];
    const editorUrls: string[] = [];
    const a = await device(adminUrls);
    const b = await device(editorUrls);
    const wa = await a.workspaces.create({ name: 'Tenants union', memberName: 'Ada' });
    const invite = parseInviteLink(wa.invites?.editor ?? '')!;
    const wb = await b.workspaces.join({ workspaceId: wa.workspaceId, invite: invite.invite, name: 'Ben' });
    const ra = a.replicate(wa);
    const rb = b.replicate(wb);
    await waitFor(() => ra.index.doc.getMap('members').size === 2 && rb.index.doc.getMap('members').size === 2, { message: 'directories synced' });

    // The admin takes in an ask: the board in the catalogue, details in the private document.
    const actor = { memberId: wa.memberId, at: T0 };
    const board = ra.open('board1');
    const contacts = ra.open(privateDocIdFor('board1'));
    await Promise.all([board.handle.whenLoaded, contacts.handle.whenLoaded]);
    createNeed(board.doc, { id: 'ask1', kind: 'ask', title: 'Groceries', category: 'food' }, actor);
    setContact(contacts.doc, 'ask1', { name: 'Dee', phone: PHONE }, actor);
    addCatalogueEntry(ra.index.doc, { id: 'board1', kind: 'needs', title: 'Needs' }, actor);
    expect(await board.handle.whenSynced(10_000)).toBe('synced');
    expect(await contacts.handle.whenSynced(10_000)).toBe('synced');
    await waitFor(() => contacts.status.get().unsynced === false, { message: 'details on the relay' });
    await Promise.all([board.release(), contacts.release()]);

    // The editor's device replicates the board, never the private document.
    await waitFor(() => rb.index.doc.getMap('catalogue').has('board1'), { message: 'catalogue reaches the editor' });
    rb.refresh();
    await rb.whenIdle();
    await waitFor(async () => (await b.store.loadUpdates(wb.workspaceId, 'board1')).length > 0, { message: 'board on the editor device' });
    expect(editorUrls.some((u) => u.includes('/private-')), 'no socket to a private document').toBe(false);
    expect(await b.store.loadUpdates(wb.workspaceId, privateDocIdFor('board1'))).toEqual([]);

    // Made a coordinator, Ben's device replicates the details (to work offline)…
    const setCoordinator = (coordinator: boolean) =>
      api(server.httpUrl, 'PATCH', `/api/workspaces/${wa.workspaceId}/members/${wb.memberId}`, { token: wa.token, body: { coordinator } });
    const benIsCoordinator = () => (rb.index.doc.getMap('members').get(wb.memberId) as { get(k: string): unknown } | undefined)?.get('coordinator');
    expect((await setCoordinator(true)).status).toBe(200);
    await waitFor(() => benIsCoordinator() === true, { message: 'flag reaches Ben' });
    await rb.whenIdle();
    await waitFor(async () => (await storedBytes(b, wb.workspaceId, privateDocIdFor('board1'))).includes(Buffer.from(PHONE)), { message: 'details on the coordinator device' });
    // …and once the flag is removed, the device deletes its copy.
    expect((await setCoordinator(false)).status).toBe(200);
    await waitFor(() => benIsCoordinator() === false, { message: 'flag removal reaches Ben' });
    await rb.whenIdle();
    await waitFor(async () => (await b.store.loadUpdates(wb.workspaceId, privateDocIdFor('board1'))).length === 0, { message: 'copy deleted' });

    // Fulfilled 30 days ago: the relay purges; the admin device's next sync removes the bytes.
    const live = ra.open('board1');
    await live.handle.whenLoaded;
    fulfilNeed(live.doc, 'ask1', actor);
    expect(await live.handle.whenSynced(10_000)).toBe('synced');
    await waitFor(() => live.status.get().unsynced === false, { message: 'fulfilment on the relay' });
    await live.release();
    expect((await storedBytes(a, wa.workspaceId, privateDocIdFor('board1'))).includes(Buffer.from(PHONE))).toBe(true);
    clock = T0 + 31 * DAY_MS;
    expect(await server.mutual.retention.runAll()).toBe(1);

    const privateSockets = adminUrls.filter((u) => u.includes('/private-')).length;
    ra.refresh();
    await ra.whenIdle();
    await a.storage.whenIdle();
    // The background pass replicated the private document (the admin is a coordinator by role).
    expect(adminUrls.filter((u) => u.includes('/private-')).length).toBeGreaterThan(privateSockets);
    const after = ra.open(privateDocIdFor('board1'));
    await after.handle.whenLoaded;
    expect(readContact(after.doc, 'ask1').value).toBeNull();
    await after.release();
    await waitFor(async () => !(await storedBytes(a, wa.workspaceId, privateDocIdFor('board1'))).includes(Buffer.from(PHONE)), {
      message: 'phone gone from the coordinator device'
    });
  });
});

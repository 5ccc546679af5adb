/**
 * The local-first client core against the REAL relay on loopback: workspaces
 * created and joined through the HTTP API, documents edited offline and synced
 * on reconnect, a refused token shown in plain words without a retry loop, and
 * background replication of a whole workspace with bounded concurrency.
 * Device stores are in memory (one per simulated device).
 */
import WebSocket from 'ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CloseCode, describeCloseCode } from '#shared/protocol';
import { api, removeDir, startServer, type TestServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';
import {
  DocStorage,
  MemoryLocalStore,
  manualNetwork,
  openDevice,
  openDocHandle,
  parseInviteLink,
  syncDocument,
  Workspaces,
  type Device,
  type WebSocketConstructor,
  type WorkspaceRecord
} from '../../src/lib/local/index.ts';

/** `ws` as the provider's WebSocket, counting sockets so tests can see retries and concurrency. */
function countingWebSocket() {
  const stats = { opened: 0, open: 0, maxOpen: 0, urls: [] as string[] };
  class Counting extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      stats.opened++;
      stats.urls.push(String(url));
      this.on('open', () => {
        if (this.closedByUs) return;
        this.counted = true;
        stats.open++;
        stats.maxOpen = Math.max(stats.maxOpen, stats.open);
      });
      this.on('close', () => this.uncount());
    }
    private counted = false;
    private closedByUs = false;
    // Count a socket as done when the client lets go of it, not when the close handshake ends.
    override close(code?: number, reason?: string | Buffer): void {
      this.closedByUs = true;
      this.uncount();
      super.close(code, reason);
    }
    private uncount(): void {
      if (!this.counted) return;
      this.counted = false;
      stats.open--;
    }
  }
  return { WebSocket: Counting as unknown as WebSocketConstructor, stats };
}

const wsCtor = WebSocket as unknown as WebSocketConstructor;

/**
 * `ws` whose sockets can be cut off while they look open, as Chromium's offline mode does (or
 * a network that died without a word): frames sent and received go nowhere, nothing closes.
 */
function cuttableWebSocket() {
  const line = { cut: false, dropped: [] as Uint8Array[] };
  class Cuttable extends WebSocket {
    override send(data: Parameters<WebSocket['send']>[0], ...rest: unknown[]): void {
      if (line.cut) {
        line.dropped.push(new Uint8Array(data as ArrayBuffer));
        return;
      }
      (super.send as (...args: unknown[]) => void)(data, ...rest);
    }
    override emit(event: string | symbol, ...args: unknown[]): boolean {
      if (line.cut && event === 'message') return false;
      return super.emit(event, ...args);
    }
  }
  return { WebSocket: Cuttable as unknown as WebSocketConstructor, line };
}

describe('local-first client with the real relay', () => {
  let server: TestServer;
  const devices: Device[] = [];
  const cleanups: (() => unknown)[] = [];

  const device = async (extra: Parameters<typeof openDevice>[0] = {}): Promise<Device> => {
    const d = await openDevice({
      store: new MemoryLocalStore(),
      apiBase: server.httpUrl,
      relayUrl: server.syncUrl,
      WebSocket: wsCtor,
      replication: { disableBc: true, debounceMs: 20, intervalMs: 0 },
      ...extra
    });
    devices.push(d);
    return d;
  };

  /** Device A creates a workspace, device B joins it with the editor invite link. */
  const twoMembers = async (): Promise<{ a: Device; b: Device; wa: WorkspaceRecord; wb: WorkspaceRecord }> => {
    const a = await device();
    const b = await device();
    const wa = await a.workspaces.create({ name: 'Tenants union', memberName: 'Ada' });
    const invite = parseInviteLink(wa.invites?.editor ?? '');
    expect(invite?.workspaceId).toBe(wa.workspaceId);
    const wb = await b.workspaces.join({ workspaceId: wa.workspaceId, invite: invite?.invite ?? '', name: 'Ben' });
    expect(wb.role).toBe('editor');
    return { a, b, wa, wb };
  };

  beforeEach(async () => {
    server = await startServer({ config: { unloadGraceMs: 50 } });
  });
  afterEach(async () => {
    for (const fn of cleanups.splice(0)) await fn();
    for (const d of devices.splice(0)) await d.close();
    await server.close();
    removeDir(server.dataDir);
  });

  it('an edit made offline is kept on the device, uploads on reconnect, and a second device sees it', async () => {
    const { a, b, wa, wb } = await twoMembers();
    const handle = openDocHandle(a.storage, wa.workspaceId, 'agenda');
    await handle.whenLoaded;
    const sync = syncDocument({
      doc: handle.doc,
      workspaceId: wa.workspaceId,
      docId: 'agenda',
      token: wa.token,
      relayUrl: server.syncUrl,
      storage: a.storage,
      WebSocket: wsCtor,
      disableBc: true
    });
    cleanups.push(() => sync.destroy(), () => handle.destroy());
    expect(await sync.whenSynced(10_000)).toBe('synced');

    sync.disconnect(); // the basement: no signal
    expect(sync.status.get()).toMatchObject({ state: 'offline', unsynced: false });
    handle.doc.getText('t').insert(0, 'Rent strike: vote on Tuesday');
    expect(sync.status.get()).toMatchObject({ state: 'offline', unsynced: true });
    await handle.flush();
    // On the device, and remembered as waiting for the relay.
    expect((await a.storage.getMeta(wa.workspaceId, 'agenda')).unsynced).toBe(true);
    const stored = await a.storage.load(wa.workspaceId, 'agenda');
    const copy = new Y.Doc();
    Y.applyUpdate(copy, stored.update as Uint8Array);
    expect(copy.getText('t').toString()).toBe('Rent strike: vote on Tuesday');

    sync.connect(); // signal is back
    expect(await sync.whenSynced(10_000)).toBe('synced');
    expect(sync.status.get()).toMatchObject({ state: 'live', unsynced: false });
    await waitFor(async () => (await a.storage.getMeta(wa.workspaceId, 'agenda')).unsynced === false, {
      message: 'meta to record the acknowledgement'
    });

    // Device B has never seen the document: it arrives from the relay.
    const replicator = b.replicate(wb);
    const opened = replicator.open('agenda');
    cleanups.push(() => opened.close());
    await waitFor(() => opened.doc.getText('t').toString() === 'Rent strike: vote on Tuesday', {
      message: 'second device to see the offline edit'
    });
  });

  it('a deletion made offline counts as unsynced too (state vectors do not move on delete)', async () => {
    const { a, wa } = await twoMembers();
    const replicator = a.replicate(wa);
    const page = replicator.open('notes');
    cleanups.push(() => page.close());
    await page.handle.whenLoaded;
    page.doc.getText('t').insert(0, 'hello world');
    expect(await page.sync.whenSynced(10_000)).toBe('synced');
    page.sync.disconnect();
    page.doc.getText('t').delete(0, 6);
    expect(page.status.get()).toMatchObject({ state: 'offline', unsynced: true });
    page.sync.connect();
    expect(await page.sync.whenSynced(10_000)).toBe('synced');
  });

  it('"synced" means the relay confirmed it: an edit handed to a socket that delivers nothing stays unsynced', async () => {
    const { a, b, wa, wb } = await twoMembers();
    const { WebSocket: Cuttable, line } = cuttableWebSocket();
    const handle = openDocHandle(a.storage, wa.workspaceId, 'agenda');
    await handle.whenLoaded;
    const sync = syncDocument({ doc: handle.doc, workspaceId: wa.workspaceId, docId: 'agenda', token: wa.token, relayUrl: server.syncUrl, storage: a.storage, WebSocket: Cuttable, disableBc: true });
    cleanups.push(() => sync.destroy(), () => handle.destroy());
    handle.doc.getText('t').insert(0, 'Rent strike');
    expect(await sync.whenSynced(10_000)).toBe('synced');

    line.cut = true;
    handle.doc.getText('t').insert(11, ': vote on Tuesday');
    // The edit goes into the dead socket (and the request for a receipt after it)…
    await waitFor(() => line.dropped.length >= 1, { message: 'the edit to be sent' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    // …and no receipt comes back: still waiting, however open the socket looks.
    expect(sync.status.get()).toMatchObject({ state: 'live', unsynced: true });
    // Once the silence lasts, people are told: "waiting to sync".
    await waitFor(() => sync.status.get().waiting, { message: 'the edit to count as waiting' });

    // The network is back; the app reconnects (the replicator does so on "online").
    line.cut = false;
    sync.disconnect();
    sync.connect();
    expect(await sync.whenSynced(10_000)).toBe('synced');
    const replicator = b.replicate(wb);
    const opened = replicator.open('agenda');
    cleanups.push(() => opened.close());
    await waitFor(() => opened.doc.getText('t').toString() === 'Rent strike: vote on Tuesday', { message: 'the other device to get the edit' });
  });

  it('edits typed steadily on a live connection are confirmed as they go: never "waiting"', async () => {
    const { a, wa } = await twoMembers();
    const handle = openDocHandle(a.storage, wa.workspaceId, 'notes');
    await handle.whenLoaded;
    const sync = syncDocument({ doc: handle.doc, workspaceId: wa.workspaceId, docId: 'notes', token: wa.token, relayUrl: server.syncUrl, WebSocket: wsCtor, disableBc: true, confirmIntervalMs: 100 });
    cleanups.push(() => sync.destroy(), () => handle.destroy());
    expect(await sync.whenSynced(10_000)).toBe('synced');
    const seen: boolean[] = [];
    const stop = sync.status.subscribe((st) => seen.push(st.waiting));
    const text = handle.doc.getText('t');
    for (let i = 0; i < 40; i++) {
      text.insert(text.length, 'x');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await sync.whenSynced(10_000)).toBe('synced');
    stop();
    expect(seen.some(Boolean)).toBe(false);
  });

  it('the device going offline takes every open document offline at once; back online, they sync', async () => {
    const network = manualNetwork(true);
    const a = await device({ network });
    const b = await device();
    const wa = await a.workspaces.create({ name: 'Tenants union', memberName: 'Ada' });
    const wb = await b.workspaces.join({ workspaceId: wa.workspaceId, invite: parseInviteLink(wa.invites?.editor ?? '')?.invite ?? '', name: 'Ben' });
    const ra = a.replicate(wa);
    const page = ra.open('notes');
    cleanups.push(() => page.close());
    await page.handle.whenLoaded;
    page.doc.getText('t').insert(0, 'Rent strike');
    expect(await page.sync.whenSynced(10_000)).toBe('synced');

    // The relay is still reachable and the socket still open: the device's word decides.
    network.set(false);
    expect(page.status.get()).toMatchObject({ state: 'offline', unsynced: false });
    expect(ra.index.status.get().state).toBe('offline');
    expect(ra.status.get().state).toBe('offline');
    page.doc.getText('t').insert(11, ': vote on Tuesday');
    expect(page.status.get()).toMatchObject({ state: 'offline', unsynced: true, waiting: true });

    network.set(true);
    expect(await page.sync.whenSynced(10_000)).toBe('synced');
    const opened = b.replicate(wb).open('notes');
    cleanups.push(() => opened.close());
    await waitFor(() => opened.doc.getText('t').toString() === 'Rent strike: vote on Tuesday', { message: 'the other device to get the edit' });
  });

  it('a refused token shows "refused" with the plain reason and does not retry', async () => {
    const { WebSocket: Counting, stats } = countingWebSocket();
    const doc = new Y.Doc();
    const { wa } = await twoMembers();
    const refusals: unknown[] = [];
    const sync = syncDocument({
      doc,
      workspaceId: wa.workspaceId,
      docId: 'agenda',
      token: 'not-a-real-token',
      relayUrl: server.syncUrl,
      WebSocket: Counting,
      disableBc: true,
      maxBackoffTime: 100,
      onRefused: (r) => refusals.push(r)
    });
    cleanups.push(() => sync.destroy());
    expect(await sync.whenSynced(10_000)).toBe('refused');
    expect(sync.status.get()).toMatchObject({
      state: 'refused',
      refused: { code: CloseCode.unauthorized, reason: describeCloseCode(CloseCode.unauthorized) }
    });
    expect(refusals).toHaveLength(1);
    // Give a retry loop (backoff 100 ms) every chance to show itself.
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(stats.opened).toBe(1);
    sync.connect(); // a refused document stays refused: no reconnect on a whim
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(stats.opened).toBe(1);
  });

  it('a member removed by an admin sees why, and the workspace is marked revoked on the device', async () => {
    const { b, wa, wb } = await twoMembers();
    const replicator = b.replicate(wb);
    await waitFor(() => replicator.status.get().state === 'live', { message: 'b to be live' });
    const removed = await api(server.httpUrl, 'DELETE', `/api/workspaces/${wa.workspaceId}/members/${wb.memberId}`, {
      token: wa.token
    });
    expect(removed.status).toBe(204);
    await waitFor(() => replicator.status.get().refused, { message: 'b to be refused' });
    expect(replicator.status.get()).toMatchObject({
      state: 'offline',
      refused: { code: 4401, reason: describeCloseCode(4401) }
    });
    await waitFor(async () => (await b.workspaces.get(wb.workspaceId))?.revoked?.code === 4401, {
      message: 'catalogue to record the revocation'
    });
  });

  it('a change the relay refuses stops only that document: the device keeps its copy, says why, and stays a member', async () => {
    const { b, wb } = await twoMembers();
    const replicator = b.replicate(wb);
    await waitFor(() => replicator.status.get().state === 'live', { message: 'b to be live' });
    // A modified client writing the member directory: refused as a change (4422), not as a connection.
    replicator.index.doc.getMap('settings').set('needsRetentionDays', 1_000_000);
    await waitFor(() => replicator.index.status.get().state === 'refused', { message: 'the change to be refused' });
    const refusal = replicator.index.status.get().refused!;
    expect(refusal.code).toBe(CloseCode.changeRefused);
    expect(refusal.reason).toMatch(/refused a change made on this device.*It said: “the member directory and workspace settings are changed by the server only/);
    expect(replicator.status.get().refused).toBeUndefined();
    expect((await b.workspaces.get(wb.workspaceId))?.revoked).toBeUndefined();
    expect(replicator.index.doc.getMap('settings').get('needsRetentionDays')).toBe(1_000_000);
  });

  it('replicates every document of a workspace in the background, at most 3 at a time', async () => {
    const { a, wa, wb } = await twoMembers();
    // Device A writes ten documents and lists them in the index catalogue.
    const ra = a.replicate(wa);
    await ra.index.handle.whenLoaded;
    for (let i = 0; i < 10; i++) {
      const page = ra.open(`doc-${i}`);
      await page.handle.whenLoaded;
      page.doc.getText('t').insert(0, `content ${i}`);
      ra.index.doc.getMap('catalogue').set(`doc-${i}`, new Y.Map());
      expect(await page.sync.whenSynced(10_000)).toBe('synced');
      await page.close();
    }
    expect(await ra.index.sync.whenSynced(10_000)).toBe('synced');

    // Device B starts empty and offline; nothing happens until the network is back.
    const { WebSocket: Counting, stats } = countingWebSocket();
    const network = manualNetwork(false);
    const b = await device({ WebSocket: Counting, network });
    const bWorkspace = await b.workspaces.join({
      workspaceId: wb.workspaceId,
      invite: parseInviteLink(wa.invites?.viewer ?? '')?.invite ?? '',
      name: 'Cleo'
    });
    const rb = b.replicate(bWorkspace);
    await waitFor(() => rb.status.get().state === 'offline', { message: 'b offline' });
    network.set(true);
    await waitFor(() => rb.index.doc.getMap('catalogue').size === 10, { message: 'catalogue to arrive' });
    await waitFor(() => rb.status.get().state === 'live', { timeout: 20_000, message: 'replication to finish' });
    await rb.whenIdle();
    expect(stats.maxOpen).toBeLessThanOrEqual(4); // 3 background + the index
    expect(stats.maxOpen).toBeGreaterThanOrEqual(3); // and it did run several at once
    for (let i = 0; i < 10; i++) {
      const loaded = await b.storage.load(bWorkspace.workspaceId, `doc-${i}`);
      const doc = new Y.Doc();
      if (loaded.update) Y.applyUpdate(doc, loaded.update);
      expect(doc.getText('t').toString()).toBe(`content ${i}`);
    }
    expect(stats.urls.filter((u) => u.includes('/doc-')).length).toBe(10);
  });
});

describe('Workspaces against the real API', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startServer();
  });
  afterEach(async () => {
    await server.close();
    removeDir(server.dataDir);
  });

  it('an old invite after rotation says so in plain words', async () => {
    const storage = new DocStorage(new MemoryLocalStore());
    const workspaces = new Workspaces({ storage, apiBase: server.httpUrl });
    const created = await workspaces.create({ name: 'Food bank', memberName: 'Ada' });
    const old = parseInviteLink(created.invites?.editor ?? '');
    const rotated = await api(server.httpUrl, 'POST', `/api/workspaces/${created.workspaceId}/invites/rotate`, {
      token: created.token
    });
    expect(rotated.status).toBe(200);
    const other = new Workspaces({ storage: new DocStorage(new MemoryLocalStore()), apiBase: server.httpUrl });
    await expect(
      other.join({ workspaceId: created.workspaceId, invite: old?.invite ?? '', name: 'Ben' })
    ).rejects.toMatchObject({ kind: 'invite-invalid', message: 'That invite link is no longer valid — ask for a new one.' });
  });
});

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
  parseInviteLink,
  Repo,
  Workspaces,
  type Device,
  type RepoOptions,
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
      sync: { disableBc: true },
      replication: { debounceMs: 20, intervalMs: 0 },
      ...extra
    });
    devices.push(d);
    return d;
  };

  /** A repo of its own (other socket settings) over a device's store. */
  const ownRepo = (options: Partial<RepoOptions> & Pick<RepoOptions, 'storage'>): Repo => {
    const repo = new Repo({ network: manualNetwork(true), relayUrl: server.syncUrl, WebSocket: wsCtor, disableBc: true, ...options });
    cleanups.push(() => repo.close());
    return repo;
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

  /** Device A's document `docId` holding `text`, synced, in a repo of its own over A's store behind sockets that can be cut. */
  const syncedBehindCuttable = async (docId: string, text: string) => {
    const members = await twoMembers();
    const { WebSocket: Cuttable, line } = cuttableWebSocket();
    const repo = ownRepo({ storage: members.a.storage, WebSocket: Cuttable });
    const ref = repo.find(members.wa, docId, { sync: true });
    await ref.handle.whenLoaded;
    ref.handle.doc.getText('t').insert(0, text);
    expect(await ref.handle.whenSynced(10_000)).toBe('synced');
    return { ...members, line, ref, handle: ref.handle };
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
    const ref = a.repo.find(wa, 'agenda', { sync: true });
    const handle = ref.handle;
    cleanups.push(() => ref.release());
    await handle.whenLoaded;
    expect(await handle.whenSynced(10_000)).toBe('synced');

    handle.disconnect(); // the basement: no signal
    expect(handle.status.get()).toMatchObject({ state: 'offline', unsynced: false });
    handle.doc.getText('t').insert(0, 'Rent strike: vote on Tuesday');
    expect(handle.status.get()).toMatchObject({ state: 'offline', unsynced: true });
    await handle.flush();
    // On the device, and remembered as waiting for the relay.
    expect((await a.storage.getMeta(wa.workspaceId, 'agenda')).unsynced).toBe(true);
    const stored = await a.storage.load(wa.workspaceId, 'agenda');
    const copy = new Y.Doc();
    Y.applyUpdate(copy, stored.update as Uint8Array);
    expect(copy.getText('t').toString()).toBe('Rent strike: vote on Tuesday');

    handle.connect(); // signal is back
    expect(await handle.whenSynced(10_000)).toBe('synced');
    expect(handle.status.get()).toMatchObject({ state: 'live', unsynced: false });
    await waitFor(async () => (await a.storage.getMeta(wa.workspaceId, 'agenda')).unsynced === false, {
      message: 'meta to record the acknowledgement'
    });

    // Device B has never seen the document: it arrives from the relay.
    const replicator = b.replicate(wb);
    const opened = replicator.open('agenda');
    cleanups.push(() => opened.release());
    await waitFor(() => opened.doc.getText('t').toString() === 'Rent strike: vote on Tuesday', {
      message: 'second device to see the offline edit'
    });
  });

  it('a deletion made offline counts as unsynced too (state vectors do not move on delete)', async () => {
    const { a, wa } = await twoMembers();
    const replicator = a.replicate(wa);
    const page = replicator.open('notes');
    cleanups.push(() => page.release());
    await page.handle.whenLoaded;
    page.doc.getText('t').insert(0, 'hello world');
    expect(await page.handle.whenSynced(10_000)).toBe('synced');
    page.handle.disconnect();
    page.doc.getText('t').delete(0, 6);
    expect(page.status.get()).toMatchObject({ state: 'offline', unsynced: true });
    page.handle.connect();
    expect(await page.handle.whenSynced(10_000)).toBe('synced');
  });

  it('"synced" means the relay confirmed it: an edit handed to a socket that delivers nothing stays unsynced', async () => {
    const { b, wb, line, handle } = await syncedBehindCuttable('agenda', 'Rent strike');

    line.cut = true;
    handle.doc.getText('t').insert(11, ': vote on Tuesday');
    // The edit goes into the dead socket, and the request for a receipt after it…
    await waitFor(() => line.dropped.length >= 2, { message: 'the edit and the request for a receipt to be sent' });
    // …and no receipt comes back: still waiting, however open the socket looks.
    expect(handle.status.get()).toMatchObject({ state: 'live', unsynced: true });
    // Once the silence lasts, people are told: "waiting to sync".
    await waitFor(() => handle.status.get().waiting, { message: 'the edit to count as waiting' });

    // The network is back; the app reconnects (the repo does so on "online").
    line.cut = false;
    handle.disconnect();
    handle.connect();
    expect(await handle.whenSynced(10_000)).toBe('synced');
    const replicator = b.replicate(wb);
    const opened = replicator.open('agenda');
    cleanups.push(() => opened.release());
    await waitFor(() => opened.doc.getText('t').toString() === 'Rent strike: vote on Tuesday', { message: 'the other device to get the edit' });
  });

  it('a deletion made live is remembered as waiting until the relay confirms it (a reload offline in between says so)', async () => {
    const { a, wa, line, ref, handle } = await syncedBehindCuttable('notes', 'Call Dana about the rent');
    await waitFor(async () => (await a.storage.getMeta(wa.workspaceId, 'notes')).unsynced === false, { message: 'the confirmation to be stored' });

    // The network dies without a word; the deletion goes into the dead socket.
    line.cut = true;
    handle.doc.getText('t').delete(0, 10);
    await handle.flush();
    expect((await a.storage.getMeta(wa.workspaceId, 'notes')).unsynced).toBe(true);
    // The page crashes; the device reopens the document offline: still waiting, not "saved".
    ref.release();
    const offline = ownRepo({ storage: a.storage, network: manualNetwork(false) });
    const reopened = offline.find(wa, 'notes', { sync: true });
    cleanups.push(() => reopened.release());
    await reopened.handle.whenLoaded;
    expect(reopened.handle.doc.getText('t').toString()).toBe('about the rent');
    expect(reopened.handle.status.get()).toMatchObject({ state: 'offline', unsynced: true });
  });

  it('edits typed steadily on a live connection are confirmed as they go: never "waiting"', async () => {
    const { a, b, wa, wb } = await twoMembers();
    const repo = ownRepo({ storage: a.storage, confirmIntervalMs: 100 });
    const ref = repo.find(wa, 'notes', { sync: true });
    const handle = ref.handle;
    await handle.whenLoaded;
    expect(await handle.whenSynced(10_000)).toBe('synced');
    // Another member reads along: each keystroke is typed once the last one reached them, the
    // pace of a person typing over a real network (no timer decides it).
    const reader = b.replicate(wb).open('notes');
    cleanups.push(() => reader.release());
    const seen: boolean[] = [];
    const stop = handle.status.subscribe((st) => seen.push(st.waiting));
    const text = handle.doc.getText('t');
    for (let i = 0; i < 40; i++) {
      text.insert(text.length, 'x');
      await waitFor(() => reader.doc.getText('t').length === i + 1, { message: `keystroke ${i + 1} to reach the other device` });
    }
    expect(await handle.whenSynced(10_000)).toBe('synced');
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
    cleanups.push(() => page.release());
    await page.handle.whenLoaded;
    page.doc.getText('t').insert(0, 'Rent strike');
    expect(await page.handle.whenSynced(10_000)).toBe('synced');

    // The relay is still reachable and the socket still open: the device's word decides.
    network.set(false);
    expect(page.status.get()).toMatchObject({ state: 'offline', unsynced: false });
    expect(ra.index.status.get().state).toBe('offline');
    expect(ra.status.get().state).toBe('offline');
    page.doc.getText('t').insert(11, ': vote on Tuesday');
    expect(page.status.get()).toMatchObject({ state: 'offline', unsynced: true, waiting: true });

    network.set(true);
    expect(await page.handle.whenSynced(10_000)).toBe('synced');
    const opened = b.replicate(wb).open('notes');
    cleanups.push(() => opened.release());
    await waitFor(() => opened.doc.getText('t').toString() === 'Rent strike: vote on Tuesday', { message: 'the other device to get the edit' });
  });

  it('a refused token shows "refused" with the plain reason and does not retry', async () => {
    const { WebSocket: Counting, stats } = countingWebSocket();
    const { wa } = await twoMembers();
    const refusals: unknown[] = [];
    const repo = ownRepo({ storage: new DocStorage(new MemoryLocalStore()), WebSocket: Counting, maxBackoffTime: 100 });
    const stopListening = repo.onRefused((_handle, refusal) => refusals.push(refusal));
    const ref = repo.find({ workspaceId: wa.workspaceId, token: 'not-a-real-token' }, 'agenda', { sync: true });
    const handle = ref.handle;
    expect(await handle.whenSynced(10_000)).toBe('refused');
    stopListening();
    expect(handle.status.get()).toMatchObject({
      state: 'refused',
      refused: { code: CloseCode.unauthorized, reason: describeCloseCode(CloseCode.unauthorized) }
    });
    expect(refusals).toHaveLength(1);
    // No retry loop: the provider will not reconnect, and nothing is scheduled to make it.
    expect(handle.provider?.shouldConnect).toBe(false);
    expect(stats.opened).toBe(1);
    handle.connect(); // a refused document stays refused: no reconnect on a whim
    handle.reconsider();
    expect(handle.provider?.shouldConnect).toBe(false);
    expect(stats.opened).toBe(1); // a socket would have been created synchronously
    expect(handle.state.tag).toBe('refused');
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

  it('a removal remembered from a passing fault is cleared once the workspace syncs normally again', async () => {
    const { b, wb } = await twoMembers();
    // As a 4401 sent by mistake would leave it (issue 17: a failing membership store once did).
    await b.workspaces.markRevoked(wb.workspaceId, { code: CloseCode.unauthorized, reason: describeCloseCode(CloseCode.unauthorized) });
    expect((await b.workspaces.get(wb.workspaceId))?.revoked?.code).toBe(CloseCode.unauthorized);
    const replicator = b.replicate({ ...wb, revoked: { code: CloseCode.unauthorized, reason: '' } });
    await waitFor(() => replicator.index.status.get().state === 'live', { message: 'the index to sync' });
    await waitFor(async () => (await b.workspaces.get(wb.workspaceId))?.revoked === undefined, { message: 'the removal to be forgotten' });
    expect(b.workspaces.catalogue.get().find((w) => w.workspaceId === wb.workspaceId)?.revoked).toBeUndefined();
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
    await ra.index.whenLoaded;
    for (let i = 0; i < 10; i++) {
      const page = ra.open(`doc-${i}`);
      await page.handle.whenLoaded;
      page.doc.getText('t').insert(0, `content ${i}`);
      ra.index.doc.getMap('catalogue').set(`doc-${i}`, new Y.Map());
      expect(await page.handle.whenSynced(10_000)).toBe('synced');
      await page.release();
    }
    expect(await ra.index.whenSynced(10_000)).toBe('synced');

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

  it('a background pass syncs only documents whose digest differs: none when nothing changed', async () => {
    const { a, wa, wb } = await twoMembers();
    const ra = a.replicate(wa);
    await ra.index.whenLoaded;
    const write = async (docId: string, edit: (text: Y.Text) => void) => {
      const page = ra.open(docId);
      await page.handle.whenLoaded;
      edit(page.doc.getText('t'));
      if (!ra.index.doc.getMap('catalogue').has(docId)) ra.index.doc.getMap('catalogue').set(docId, new Y.Map());
      expect(await page.handle.whenSynced(10_000)).toBe('synced');
      await page.release();
    };
    for (let i = 0; i < 6; i++) await write(`doc-${i}`, (t) => t.insert(0, `content ${i}`));
    expect(await ra.index.whenSynced(10_000)).toBe('synced');

    const { WebSocket: Counting, stats } = countingWebSocket();
    const b = await device({ WebSocket: Counting });
    const bWorkspace = await b.workspaces.join({ workspaceId: wb.workspaceId, invite: parseInviteLink(wa.invites?.viewer ?? '')?.invite ?? '', name: 'Cleo' });
    const rb = b.replicate(bWorkspace);
    await waitFor(() => rb.index.doc.getMap('catalogue').size === 6, { message: 'catalogue to arrive' });
    await rb.whenIdle();
    const docSockets = () => stats.urls.filter((u) => u.includes('/doc-')).map((u) => u.split('/').pop()?.split('?')[0]);
    expect(docSockets().sort()).toEqual(['doc-0', 'doc-1', 'doc-2', 'doc-3', 'doc-4', 'doc-5']);
    await b.repo.whenReleased();
    expect(b.repo.size).toBe(1); // only the index is held: every background document was released

    // Nothing changed elsewhere: a pass opens no socket at all.
    rb.refresh();
    await rb.whenIdle();
    expect(docSockets()).toHaveLength(6);

    // One document edited, one where a word was only deleted: exactly those two.
    await write('doc-2', (t) => t.insert(0, 'more '));
    await write('doc-4', (t) => t.delete(0, 8));
    rb.refresh();
    await rb.whenIdle();
    expect(docSockets().slice(6).sort()).toEqual(['doc-2', 'doc-4']);
    const stored = new Y.Doc();
    Y.applyUpdate(stored, (await b.storage.load(bWorkspace.workspaceId, 'doc-4')).update as Uint8Array);
    expect(stored.getText('t').toString()).toBe('4');
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

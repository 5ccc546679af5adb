/**
 * Issue 26: an action taken on a copy that may be stale (a dashboard's) first brings the copy up
 * to date with the REAL relay — `DocHandle.catchUp` — so a claim the relay already has is seen
 * before anything is written; offline, or when the relay does not answer in time, it says so
 * and the fair order decides later.
 */
import WebSocket from 'ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { claimTask, createTask, readTask } from '../../src/lib/shared/model/index.ts';
import { errorCode } from '../../src/lib/shared/model/test-support.ts';
import { removeDir, startServer, type TestServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { manualNetwork, MemoryLocalStore, openDevice, parseInviteLink, type Device, type WebSocketConstructor } from '../../src/lib/local/index.ts';

/** `ws` whose sockets can be cut while they look open (a network that died without a word). */
function cuttableWebSocket() {
  const line = { cut: false };
  class Cuttable extends WebSocket {
    override send(data: Parameters<WebSocket['send']>[0], ...rest: unknown[]): void {
      if (line.cut) return;
      (super.send as (...args: unknown[]) => void)(data, ...rest);
    }
    override emit(event: string | symbol, ...args: unknown[]): boolean {
      if (line.cut && event === 'message') return false;
      return super.emit(event, ...args);
    }
  }
  return { WebSocket: Cuttable as unknown as WebSocketConstructor, line };
}

describe('bringing a copy up to date before acting on it', () => {
  let server: TestServer;
  const devices: Device[] = [];
  beforeEach(async () => {
    server = await startServer({ config: { unloadGraceMs: 50 } });
  });
  afterEach(async () => {
    for (const d of devices.splice(0)) await d.close();
    await server.close();
    removeDir(server.dataDir);
  });

  async function twoDevices() {
    const { WebSocket: Cuttable, line } = cuttableWebSocket();
    const network = manualNetwork(true);
    const common = { apiBase: server.httpUrl, relayUrl: server.syncUrl, sync: { disableBc: true }, replication: { debounceMs: 20, intervalMs: 0 } };
    const ana = await openDevice({ ...common, store: new MemoryLocalStore(), WebSocket: WebSocket as unknown as WebSocketConstructor });
    const ben = await openDevice({ ...common, store: new MemoryLocalStore(), WebSocket: Cuttable, network });
    devices.push(ana, ben);
    const wa = await ana.workspaces.create({ name: 'Tenants union', memberName: 'Ana' });
    const invite = parseInviteLink(wa.invites?.editor ?? '')!;
    const wb = await ben.workspaces.join({ workspaceId: wa.workspaceId, invite: invite.invite, name: 'Ben' });
    // The task reaches Ben's device; then Ben's copy is left alone (no page holds it).
    const a = ana.repo.find(wa, 'chores', { sync: true });
    await a.handle.whenLoaded;
    createTask(a.doc, { id: 't', title: 'Deliver groceries' }, { memberId: wa.memberId });
    expect(await a.handle.whenSynced(10_000)).toBe('synced');
    const first = ben.repo.find(wb, 'chores', { sync: true });
    await waitFor(() => readTask(first.doc, 't').value, { message: 'the task to reach Ben' });
    await first.release();
    await ben.repo.whenReleased();
    return { ana, ben, wa, wb, a, line, network };
  }

  it('a stale copy catches up before the claim: the claim the relay has is seen, and the model answers "already claimed"', async () => {
    const { ben, wa, wb, a } = await twoDevices();
    claimTask(a.doc, 't', { memberId: wa.memberId, serverAt: Date.now() });
    expect(await a.handle.whenSynced(10_000)).toBe('synced');

    const b = ben.repo.find(wb, 'chores', { sync: true });
    await b.handle.whenLoaded;
    expect(readTask(b.doc, 't').value?.status).toBe('open'); // what Ben's board showed
    expect(await b.handle.catchUp(5000)).toBe('fresh');
    expect(readTask(b.doc, 't').value?.claimant).toBe(wa.memberId);
    expect(errorCode(() => claimTask(b.doc, 't', { memberId: wb.memberId, serverAt: Date.now() }))).toBe('already-claimed');
    await b.release();
    await a.release();
  });

  it('a live copy catches up with a round trip; a socket that looks open but is dead times out; offline says offline', async () => {
    const { ben, wa, wb, a, line, network } = await twoDevices();
    const b = ben.repo.find(wb, 'chores', { sync: true });
    expect(await b.handle.whenSynced(10_000)).toBe('synced');
    expect(await b.handle.catchUp(5000)).toBe('fresh');

    line.cut = true;
    claimTask(a.doc, 't', { memberId: wa.memberId, serverAt: Date.now() });
    expect(await b.handle.catchUp(300)).toBe('timeout');
    expect(readTask(b.doc, 't').value?.status).toBe('open');

    network.set(false);
    expect(await b.handle.catchUp(5000)).toBe('offline');
    line.cut = false;
    network.set(true);
    expect(await b.handle.catchUp(5000)).toBe('fresh');
    expect(readTask(b.doc, 't').value?.claimant).toBe(wa.memberId);
    await b.release();
    await a.release();
  });
});

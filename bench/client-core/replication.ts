/**
 * Background replication that scales with what changed (issue 17): a device holding a
 * workspace of N documents runs one background pass when one document changed elsewhere,
 * and when none did. Counted on the device: sockets opened, bytes over those sockets (both
 * ways, payloads), and bytes of the digest request (headers and body). Goal: at most 2
 * sockets and socket bytes within 2x the changed document's update.
 *
 * For comparison, the same passes by a device without digests (every document, every pass:
 * what every pass cost before). And how long a revoked member's sockets take to close (the
 * contract says within a second; tests wait for it, the figure is here).
 *
 * The relay runs in its own process (`bench/servers/mutual.ts`, pinned to core 0); the devices
 * are Mutual's own client core (src/lib/local) in this process, over in-memory device stores.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { manualNetwork, MemoryLocalStore, openDevice, parseInviteLink, type Device, type WebSocketConstructor, type WorkspaceRecord } from '../../src/lib/local/index.ts';
import { mutualEnv } from '../fanout/scenario.ts';
import { startServer } from '../lib/proc.ts';
import type { ScenarioResult } from '../lib/results.ts';

export interface ReplicationParams {
  docs: number;
}

/** What a device sent and received. */
interface Traffic {
  sockets: string[];
  socketBytes: number;
  httpBytes: number;
  httpRequests: number;
}

function meter(): { traffic: Traffic; WebSocket: WebSocketConstructor; fetch: typeof fetch; reset(): void } {
  const traffic: Traffic = { sockets: [], socketBytes: 0, httpBytes: 0, httpRequests: 0 };
  class Metered extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      traffic.sockets.push(String(url).split('?')[0].split('/').pop() ?? '');
      this.on('message', (data: Buffer) => (traffic.socketBytes += data.byteLength));
    }
    override send(data: Parameters<WebSocket['send']>[0], ...rest: unknown[]): void {
      traffic.socketBytes += (data as Uint8Array).byteLength ?? 0;
      (super.send as (...args: unknown[]) => void)(data, ...rest);
    }
  }
  const headerBytes = (headers: Headers | Record<string, string>) => {
    let n = 0;
    const add = (v: string, k: string) => (n += k.length + v.length + 4);
    if (headers instanceof Headers) headers.forEach(add);
    else for (const [k, v] of Object.entries(headers)) add(v, k);
    return n;
  };
  const meteredFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    traffic.httpRequests++;
    const body = await response.clone().arrayBuffer();
    traffic.httpBytes += String(input).length + headerBytes((init?.headers ?? {}) as Record<string, string>) + headerBytes(response.headers) + body.byteLength;
    return response;
  };
  return {
    traffic,
    WebSocket: Metered as unknown as WebSocketConstructor,
    fetch: meteredFetch,
    reset() {
      Object.assign(traffic, { sockets: [], socketBytes: 0, httpBytes: 0, httpRequests: 0 });
    }
  };
}

const words = (i: number) => Array.from({ length: 60 }, (_, k) => `word${(i * 7 + k) % 97}`).join(' ');

async function device(port: number, m: ReturnType<typeof meter> | null, digests: boolean): Promise<Device> {
  return openDevice({
    store: new MemoryLocalStore(),
    apiBase: `http://127.0.0.1:${port}`,
    relayUrl: `ws://127.0.0.1:${port}/sync`,
    network: manualNetwork(true),
    WebSocket: m?.WebSocket ?? (WebSocket as unknown as WebSocketConstructor),
    ...(m ? { fetch: m.fetch } : {}),
    sync: { disableBc: true },
    replication: { intervalMs: 0, debounceMs: 20, concurrency: 3, ...(digests ? {} : { digests: undefined }) }
  });
}

/** The writer device makes `docs` documents (60 words each) and lists them in the catalogue. */
async function populate(writer: Device, record: WorkspaceRecord, docs: number): Promise<void> {
  const replication = writer.replicate(record);
  await replication.index.whenLoaded;
  const ids = Array.from({ length: docs }, (_, i) => `doc-${String(i).padStart(4, '0')}`);
  for (let i = 0; i < ids.length; i += 25) {
    await Promise.all(
      ids.slice(i, i + 25).map(async (docId, j) => {
        const ref = replication.open(docId);
        await ref.handle.whenLoaded;
        ref.doc.getText('t').insert(0, words(i + j));
        replication.index.doc.getMap('catalogue').set(docId, new Y.Map());
        await ref.handle.whenSynced(60_000);
        await ref.release();
      })
    );
  }
  await replication.index.whenSynced(60_000);
}

/** One background pass of `reader`, counted. */
async function pass(reader: Device, record: WorkspaceRecord, m: ReturnType<typeof meter>): Promise<Traffic> {
  const replication = reader.replicate(record);
  m.reset();
  replication.refresh();
  await replication.whenIdle();
  await reader.repo.whenReleased();
  return { ...m.traffic, sockets: [...m.traffic.sockets] };
}

async function joinReader(port: number, invite: string, m: ReturnType<typeof meter>, digests: boolean, docs: number): Promise<{ reader: Device; record: WorkspaceRecord }> {
  const reader = await device(port, m, digests);
  const parsed = parseInviteLink(invite)!;
  const record = await reader.workspaces.join({ workspaceId: parsed.workspaceId, invite: parsed.invite, name: digests ? 'Reader' : 'Old reader' });
  const replication = reader.replicate(record);
  const deadline = Date.now() + 120_000;
  while (replication.index.doc.getMap('catalogue').size < docs && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await replication.whenIdle();
  await reader.repo.whenReleased();
  return { reader, record };
}

/** Change one document on the writer; the bytes of that change (one Yjs update). */
async function changeOne(writer: Device, record: WorkspaceRecord, docId: string): Promise<number> {
  const ref = writer.replicate(record).open(docId);
  await ref.handle.whenLoaded;
  let bytes = 0;
  const count = (update: Uint8Array) => (bytes += update.byteLength);
  ref.doc.on('update', count);
  ref.doc.getText('t').insert(0, 'Change of plan: we meet at the library on Saturday at ten. ');
  ref.doc.off('update', count);
  await ref.handle.whenSynced(30_000);
  await ref.release();
  return bytes;
}

/** Milliseconds from the admin's DELETE to a 4401 on the removed member's open socket. */
async function revocationMs(port: number, admin: WorkspaceRecord, member: { memberId: string; token: string }): Promise<number> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/sync/${admin.workspaceId}/notes?token=${member.token}`);
  await new Promise<void>((resolve, reject) => {
    ws.once('message', () => resolve());
    ws.once('error', reject);
  });
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  const started = performance.now();
  const res = await fetch(`http://127.0.0.1:${port}/api/workspaces/${admin.workspaceId}/members/${member.memberId}`, { method: 'DELETE', headers: { authorization: `Bearer ${admin.token}` } });
  if (res.status !== 204) throw new Error(`DELETE member answered ${res.status}`);
  const code = await closed;
  if (code !== 4401) throw new Error(`revoked socket closed with ${code}`);
  return Math.round((performance.now() - started) * 10) / 10;
}

/** "doc-0033", or "100 documents" when many. */
function summariseIds(ids: string[]): string {
  if (ids.length === 0) return 'none';
  return ids.length <= 3 ? ids.join(' ') : `${ids.length} documents`;
}

export async function runReplication(p: ReplicationParams, log: (l: string) => void): Promise<ScenarioResult[]> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mutual-bench-replication-'));
  const server = await startServer('mutual', mutualEnv(dataDir, { UNLOAD_GRACE_MS: '200' }));
  const devices: Device[] = [];
  try {
    const writer = await device(server.port, null, true);
    devices.push(writer);
    const record = await writer.workspaces.create({ name: 'Bench Mutual Aid', memberName: 'Writer' });
    log(`replication: writing ${p.docs} documents`);
    await populate(writer, record, p.docs);
    const invite = record.invites!.viewer.replace(/^https?:\/\/[^/]+/, `http://127.0.0.1:${server.port}`);
    const results: ScenarioResult[] = [];
    for (const digests of [true, false]) {
      const m = meter();
      log(`replication: a device ${digests ? 'with' : 'without'} digests joins and replicates ${p.docs} documents`);
      const { reader, record: readerRecord } = await joinReader(server.port, invite, m, digests, p.docs);
      devices.push(reader);
      const first = { ...m.traffic };
      const none = await pass(reader, readerRecord, m);
      const changedDoc = `doc-${String(Math.floor(p.docs / 3)).padStart(4, '0')}`;
      const updateBytes = await changeOne(writer, record, changedDoc);
      const one = await pass(reader, readerRecord, m);
      const system = digests ? 'mutual' : 'mutual-without-digests';
      results.push(
        { name: 'replication', system, params: { docs: p.docs, pass: 'first (joining)' }, metrics: { socketsOpened: first.sockets.length, socketBytes: first.socketBytes, httpBytes: first.httpBytes } },
        { name: 'replication', system, params: { docs: p.docs, pass: 'none changed' }, metrics: { socketsOpened: none.sockets.length, socketBytes: none.socketBytes, httpBytes: none.httpBytes } },
        {
          name: 'replication',
          system,
          params: { docs: p.docs, pass: 'one changed' },
          metrics: {
            socketsOpened: one.sockets.length,
            syncedDocuments: summariseIds(one.sockets.filter((s) => s !== 'index')),
            socketBytes: one.socketBytes,
            httpBytes: one.httpBytes,
            changedUpdateBytes: updateBytes,
            socketBytesOverUpdate: Math.round((one.socketBytes / updateBytes) * 100) / 100,
            goalMet: one.sockets.length <= 2 && one.socketBytes <= 2 * updateBytes
          }
        }
      );
    }
    // The contract's "within one second" for revocations, as a figure.
    const admin = record;
    const victim = await (await fetch(`http://127.0.0.1:${server.port}/api/workspaces/${admin.workspaceId}/join`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ invite: parseInviteLink(admin.invites!.editor)!.invite, name: 'Leaving soon' })
    })).json() as { memberId: string; token: string };
    results.push({ name: 'replication', system: 'mutual', params: { docs: p.docs, pass: 'revocation' }, metrics: { revocationCloseMs: await revocationMs(server.port, admin, victim) } });
    return results;
  } finally {
    for (const d of devices) await d.close().catch(() => {});
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

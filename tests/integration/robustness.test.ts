import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as encoding from 'lib0/encoding';
import { connectClient, rawSocket, type TestClient } from '../helpers/clients.ts';
import { api, createWorkspace, removeDir, startServer, type TestServer, type TestWorkspace } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';

/** Deterministic PRNG (mulberry32) so a failing random case can be replayed. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function frame(write: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder();
  write(e);
  return encoding.toUint8Array(e);
}

describe('hostile input closes only the offending socket', () => {
  let server: TestServer;
  let ws: TestWorkspace;
  let a: TestClient;
  let b: TestClient;
  let round = 0;

  /** The two well-behaved clients still sync after whatever just happened. */
  const othersStillSync = async () => {
    const text = `round ${++round};`;
    a.doc.getText('t').insert(a.doc.getText('t').length, text);
    await waitFor(() => b.doc.getText('t').toString().includes(text), { message: 'well-behaved clients to keep syncing' });
    expect((await api(server.httpUrl, 'GET', '/healthz')).status).toBe(200);
  };

  /** Open an authorised raw socket on the same document, send `data`, return the close. */
  const sendRaw = async (data: Uint8Array | string, opts: { binary?: boolean } = {}) => {
    const sock = rawSocket(`${server.syncUrl}/${ws.workspaceId}/agenda?token=${ws.editor.token}`);
    await sock.opened;
    sock.ws.send(data, { binary: opts.binary ?? typeof data !== 'string' });
    return sock;
  };

  beforeEach(async () => {
    server = await startServer();
    ws = await createWorkspace(server.httpUrl);
    a = connectClient(server.syncUrl, ws.workspaceId, 'agenda', ws.admin.token);
    b = connectClient(server.syncUrl, ws.workspaceId, 'agenda', ws.editor.token);
    await Promise.all([a.synced(), b.synced()]);
  });
  afterEach(async () => {
    a.destroy();
    b.destroy();
    await server.close();
    removeDir(server.dataDir);
  });

  it.each([
    ['truncated varint', new Uint8Array([0xff, 0xff, 0xff])],
    ['empty frame', new Uint8Array([])],
    ['unknown message type', new Uint8Array([9])],
    ['unknown sync type', new Uint8Array([0, 7, 0])],
    ['sync payload length beyond the frame', new Uint8Array([0, 2, 100, 1, 2, 3])],
    ['trailing garbage', new Uint8Array([3, 1, 2, 3])],
    ['garbage inside a sync update', frame((e) => (encoding.writeVarUint(e, 0), encoding.writeVarUint(e, 2), encoding.writeVarUint8Array(e, new Uint8Array([5, 200, 1, 99, 99, 99]))))],
    ['garbage state vector', frame((e) => (encoding.writeVarUint(e, 0), encoding.writeVarUint(e, 0), encoding.writeVarUint8Array(e, new Uint8Array([200, 200]))))],
    ['garbage awareness', frame((e) => (encoding.writeVarUint(e, 1), encoding.writeVarUint8Array(e, new Uint8Array([1, 5, 1, 3, 0x7b, 0x7b, 0x7b]))))]
  ])('%s → 4400, others unaffected', async (_label, data) => {
    const sock = await sendRaw(data);
    expect((await sock.closed).code).toBe(4400);
    await othersStillSync();
  });

  it('a text frame → 4400', async () => {
    const sock = await sendRaw('hello', { binary: false });
    expect((await sock.closed).code).toBe(4400);
    await othersStillSync();
  });

  it('an oversized frame → 4413', async () => {
    const sock = await sendRaw(new Uint8Array(4 * 1024 * 1024 + 16));
    expect((await sock.closed).code).toBe(4413);
    await othersStillSync();
  });

  it('an oversized presence state → 4413', async () => {
    const state = JSON.stringify({ user: 'x'.repeat(17 * 1024) });
    const update = frame((e) => {
      encoding.writeVarUint(e, 1);
      encoding.writeVarUint8Array(
        e,
        frame((u) => (encoding.writeVarUint(u, 1), encoding.writeVarUint(u, 1234), encoding.writeVarUint(u, 1), encoding.writeVarString(u, state)))
      );
    });
    const sock = await sendRaw(update);
    expect((await sock.closed).code).toBe(4413);
    await othersStillSync();
  });

  it('a message flood is slowed down, not closed: every message is answered in turn', async () => {
    const sock = rawSocket(`${server.syncUrl}/${ws.workspaceId}/agenda?token=${ws.viewer.token}`);
    await sock.opened;
    await waitFor(() => sock.frames.length > 0, { message: 'the greeting' });
    const before = sock.frames.length;
    const query = new Uint8Array([3]);
    // 1,000 more than the burst: read at the sustained rate (500/s), so about 2 s of pauses.
    for (let i = 0; i < 3000; i++) sock.ws.send(query);
    await othersStillSync();
    const answers = () => sock.frames.slice(before).filter((f) => f[0] === 1).length;
    await waitFor(() => answers() >= 3000, { timeout: 60_000, message: 'every query to be answered' });
    expect(sock.ws.readyState).toBe(sock.ws.OPEN);
    sock.ws.close();
    await sock.closed;
    const closeLog = await waitFor(() => server.logs.find((l) => l.includes('"connection-close"') && l.includes(ws.viewer.memberId)), { message: 'the close to be logged' });
    expect(JSON.parse(closeLog).pauses).toBeGreaterThan(0);
  });

  it('random bytes (seeded) never take the relay down', async () => {
    const next = rng(20240601);
    const socks = [];
    for (let i = 0; i < 40; i++) {
      const len = Math.floor(next() * 64);
      const data = new Uint8Array(len);
      for (let j = 0; j < len; j++) data[j] = Math.floor(next() * 256);
      // Bias towards plausible prefixes so the decoder gets past the first byte.
      if (len > 0 && next() < 0.6) data[0] = Math.floor(next() * 4);
      socks.push(await sendRaw(data));
    }
    for (const s of socks) s.ws.close();
    await Promise.all(socks.map((s) => s.closed));
    await othersStillSync();
  });

  it('a garbage HTTP upgrade on /sync/ does not crash the relay', async () => {
    const net = await import('node:net');
    await new Promise<void>((resolve) => {
      const s = net.connect(server.port, '127.0.0.1', () => {
        s.write('GET /sync/x/y HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
      });
      s.on('data', () => s.destroy());
      s.on('error', () => resolve());
      s.on('close', () => resolve());
    });
    await othersStillSync();
  });
});

describe('flow control limits', () => {
  let server: TestServer;
  afterEach(async () => {
    await server.close();
    removeDir(server.dataDir);
  });

  it('a socket kept over its budget without a break past RATE_LIMIT_MAX_OVER_MS is closed (4429)', async () => {
    server = await startServer({ config: { messagesPerSecond: 200, messageBurst: 50, maxOverBudgetMs: 200 } });
    const ws = await createWorkspace(server.httpUrl);
    const sock = rawSocket(`${server.syncUrl}/${ws.workspaceId}/agenda?token=${ws.viewer.token}`);
    await sock.opened;
    await waitFor(() => sock.frames.length > 0, { message: 'the greeting' });
    // 100 s of messages at the budget: it never has a break.
    for (let i = 0; i < 20_000; i++) sock.ws.send(new Uint8Array([3]));
    const closed = await sock.closed;
    expect(closed.code).toBe(4429);
    expect(closed.reason).toMatch(/too long/);
  });
});


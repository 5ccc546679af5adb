/**
 * Flow control (server/relay/flow-control.ts), with the relay's DEFAULT budgets: a client
 * writing faster than its budget is slowed down, never closed, and loses nothing; other
 * documents keep syncing meanwhile. The writers are stock y-websocket clients replaying the
 * shared concurrent editing traces (tests/helpers/editing-traces.ts) at 5,000 transactions
 * a second, ten times the default budget of one socket. (Before flow control the relay closed
 * the faster writer with 4429 after about 2,400 messages; the stock client never reconnects
 * after a 44xx, so everything it typed afterwards was lost.)
 *
 * Nothing here asserts a duration: the control pair's edits must be *delivered*; how fast is
 * measured by `npm run bench -- --only trace` (docs/performance.md).
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { connectClient, rawSocket, type TestClient } from '../helpers/clients.ts';
import { CONCURRENT_TRACES, loadConcurrentTrace, replayInto, type ReplayableTrace } from '../helpers/editing-traces.ts';
import { api, createWorkspace, removeDir, startServer, type TestServer, type TestWorkspace } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';

const RATE = 5000;
const FLOOD = 8000;
const text = (c: TestClient) => c.doc.get('root', Y.XmlText).toString();

/** A writer and a reader on their own document: each edit must reach the reader. Returns rounds delivered. */
function controlPair(server: TestServer, ws: TestWorkspace, clients: TestClient[]) {
  const writer = connectClient(server.syncUrl, ws.workspaceId, 'control', ws.admin.token);
  const reader = connectClient(server.syncUrl, ws.workspaceId, 'control', ws.viewer.token);
  clients.push(writer, reader);
  let stop = false;
  let rounds = 0;
  const running = (async () => {
    await Promise.all([writer.synced(), reader.synced()]);
    while (!stop || rounds < 3) {
      writer.doc.getText('t').insert(0, `r${rounds};`);
      const clock = Y.getState(writer.doc.store, writer.doc.clientID);
      await waitFor(() => Y.getState(reader.doc.store, writer.doc.clientID) >= clock, { timeout: 30_000, message: `control round ${rounds} to be delivered` });
      rounds++;
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  // Rethrown by finish(); a failure before it must not be an unhandled rejection.
  running.catch(() => {});
  return {
    pair: [writer, reader],
    async finish(): Promise<number> {
      stop = true;
      await running;
      return rounds;
    }
  };
}

describe('flow control with the default budgets', () => {
  const traces = new Map<string, ReplayableTrace>();
  let server: TestServer;
  const clients: TestClient[] = [];
  beforeAll(() => {
    for (const name of CONCURRENT_TRACES) traces.set(name, loadConcurrentTrace(name));
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await server.close();
    removeDir(server.dataDir);
  });

  it('stock clients replaying friendsforever and clownschool at 5,000 transactions/s all end with the final text, none is closed, and another document keeps syncing', async () => {
    server = await startServer();
    const ws = await createWorkspace(server.httpUrl);
    const control = controlPair(server, ws, clients);
    const writers = [...traces.values()].map((trace) => {
      const agents = Array.from({ length: trace.agents }, (_, a) => connectClient(server.syncUrl, ws.workspaceId, trace.name, a % 2 ? ws.admin.token : ws.editor.token));
      clients.push(...agents);
      return { trace, agents };
    });
    await Promise.all(writers.flatMap((w) => w.agents.map((c) => c.synced())));
    await Promise.all(writers.map((w) => replayInto(w.trace, w.agents.map((c) => c.doc), RATE)));
    for (const { trace, agents } of writers) {
      await waitFor(() => agents.every((c) => text(c) === trace.endContent), { timeout: 180_000, interval: 100, message: `every ${trace.name} client to hold the final text` });
    }
    expect(await control.finish()).toBeGreaterThanOrEqual(3);
    // A device opening the documents now gets the final text from the relay.
    for (const { trace } of writers) {
      const fresh = connectClient(server.syncUrl, ws.workspaceId, trace.name, ws.viewer.token);
      clients.push(fresh);
      await waitFor(() => text(fresh) === trace.endContent, { timeout: 30_000, message: `a fresh ${trace.name} client to load the final text` });
    }
    expect(clients.flatMap((c) => c.closes)).toEqual([]);
    // The writers were slowed down (their sockets paused), not refused.
    for (const c of clients.splice(0)) c.destroy();
    await waitFor(() => server.logs.filter((l) => l.includes('"connection-close"') && l.includes('"pauses"')).length >= 2, { message: 'the paused writers’ closes to be logged' });
    expect(server.logs.filter((l) => l.includes('"code":4429'))).toEqual([]);
  }, 300_000);

  it('a flood of valid updates on one document is slowed down, and another document keeps syncing', async () => {
    server = await startServer();
    const ws = await createWorkspace(server.httpUrl);
    const control = controlPair(server, ws, clients);
    const reader = connectClient(server.syncUrl, ws.workspaceId, 'flooded', ws.viewer.token);
    clients.push(reader);
    await reader.synced();
    // 8,000 one-character updates, sent at once: 12 s at the default 500 messages a second.
    const source = new Y.Doc();
    const frames: Uint8Array[] = [];
    source.on('update', (u: Uint8Array) => frames.push(updateFrame(u)));
    for (let i = 0; i < FLOOD; i++) source.getText('t').insert(i, 'x');
    const flooder = rawSocket(`${server.syncUrl}/${ws.workspaceId}/flooded?token=${ws.editor.token}`);
    await flooder.opened;
    await waitFor(() => flooder.frames.length > 0, { message: 'the flooder to be greeted' });
    for (const f of frames) flooder.ws.send(f);
    // The control pair syncs while the flood is read at the flooder's budget.
    expect(await control.finish()).toBeGreaterThanOrEqual(3);
    // Nothing of the flood is lost either.
    await waitFor(() => reader.doc.getText('t').length === FLOOD, { timeout: 90_000, interval: 100, message: 'the whole flood to reach the reader' });
    expect(flooder.ws.readyState).toBe(flooder.ws.OPEN);
    flooder.ws.close();
    const closeLog = await waitFor(() => server.logs.find((l) => l.includes('"connection-close"') && l.includes('"pauses"')), { message: 'the flooder’s close to be logged' });
    expect(JSON.parse(closeLog).pauses).toBeGreaterThan(0);
    expect(clients.flatMap((c) => c.closes)).toEqual([]);
  }, 120_000);

  it('a slowed socket closed by the relay (its member removed) ends at once; its backlog is dropped, not handled', async () => {
    server = await startServer();
    const ws = await createWorkspace(server.httpUrl);
    const flooder = rawSocket(`${server.syncUrl}/${ws.workspaceId}/flooded?token=${ws.editor.token}`);
    await flooder.opened;
    await waitFor(() => flooder.frames.length > 0, { message: 'the flooder to be greeted' });
    // 40 s of queries at the budget, queued in the sockets' buffers.
    for (let i = 0; i < 20_000; i++) flooder.ws.send(new Uint8Array([3]));
    await waitFor(() => flooder.frames.length > 2000, { message: 'the flood to be read up to the burst' });
    expect((await api(server.httpUrl, 'DELETE', `/api/workspaces/${ws.workspaceId}/members/${ws.editor.memberId}`, { token: ws.admin.token })).status).toBe(204);
    // Closed at once: what it sent after that is read and dropped, not handled at the budget's pace.
    expect((await flooder.closed).code).toBe(4401);
    await waitFor(() => server.logs.some((l) => l.includes('"connection-close"') && l.includes('"code":4401')), { message: 'the relay to see the socket closed' });
  });
});

function updateFrame(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0);
  encoding.writeVarUint(e, 2);
  encoding.writeVarUint8Array(e, update);
  return encoding.toUint8Array(e);
}

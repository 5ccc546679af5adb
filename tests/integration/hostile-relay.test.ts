/**
 * Hostile peers the relay fuzzer found or that need exact numbers: asking for a big
 * document over and over (amplification), and presence spoofing, while well-behaved
 * clients on the same document keep syncing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { connectClient, rawSocket, type TestClient } from '../helpers/clients.ts';
import { createWorkspace, removeDir, startServer, type TestServer, type TestWorkspace } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { awarenessUpdate, frame, syncFrame } from '../fuzz/relay-fuzz-frames.ts';

const step1 = syncFrame(0, Y.encodeStateVector(new Y.Doc()));
const awarenessFrame = (entries: [number, number, string][]) =>
  frame((e) => {
    encoding.writeVarUint(e, 1);
    encoding.writeVarUint8Array(e, awarenessUpdate(entries));
  });

describe('hostile peers on a shared document', () => {
  let server: TestServer;
  let ws: TestWorkspace;
  let a: TestClient;
  let b: TestClient;
  beforeEach(async () => {
    server = await startServer();
    ws = await createWorkspace(server.httpUrl);
    a = connectClient(server.syncUrl, ws.workspaceId, 'big', ws.admin.token);
    b = connectClient(server.syncUrl, ws.workspaceId, 'big', ws.editor.token);
    await Promise.all([a.synced(), b.synced()]);
  });
  afterEach(async () => {
    a.destroy();
    b.destroy();
    await server.close();
    removeDir(server.dataDir);
  });

  const stillSync = async (text: string) => {
    a.doc.getText('t').insert(0, text);
    await waitFor(() => b.doc.getText('t').toString().startsWith(text), { message: 'well-behaved clients to keep syncing' });
  };

  it('asking for a 3 MiB document again and again is slowed down (each answer costs its size); one ask is fine', async () => {
    a.doc.getText('paste').insert(0, 'x'.repeat(3 * 1024 * 1024));
    await waitFor(() => b.doc.getText('paste').length === 3 * 1024 * 1024, { timeout: 20_000 });
    // A viewer (read-only) may still read: one ask, answered in full.
    const once = rawSocket(`${server.syncUrl}/${ws.workspaceId}/big?token=${ws.viewer.token}`);
    await once.opened;
    once.ws.send(step1);
    await waitFor(() => once.frames.some((f) => f[0] === 0 && f[1] === 1 && f.byteLength > 3 * 1024 * 1024), { timeout: 20_000 });
    once.ws.close();
    // Hundreds of asks: each answer costs its size in budget tokens (193 for 3 MiB), so the
    // relay reads this socket at about 2.6 asks a second; it is neither closed nor allowed
    // to keep the relay busy encoding for everyone else.
    const greedy = rawSocket(`${server.syncUrl}/${ws.workspaceId}/big?token=${ws.viewer.token}`);
    await greedy.opened;
    for (let i = 0; i < 300; i++) greedy.ws.send(step1);
    await stillSync('after the greedy reader;');
    const answered = () => greedy.frames.filter((f) => f[0] === 0 && f[1] === 1).length;
    await waitFor(() => answered() > 0, { timeout: 20_000, message: 'the greedy reader’s first answer' });
    expect(greedy.ws.readyState).toBe(greedy.ws.OPEN);
    // Gone at once (a close frame would wait behind the asks it sent, read at the budget's pace).
    greedy.ws.terminate();
    const closeLog = await waitFor(() => server.logs.find((l) => l.includes('"connection-close"') && l.includes('"pauses"')), { message: 'the paused socket’s close to be logged' });
    expect(JSON.parse(closeLog).member).toBe(ws.viewer.memberId);
  });

  it('asking again and again for one letter of a document of 100,000 structs is slowed down (each answer costs the walk it makes)', async () => {
    const text = a.doc.getText('letters');
    a.doc.transact(() => {
      for (let i = 0; i < 100_000; i++) text.insert(0, 'a'); // typed backwards: nothing merges
    });
    await waitFor(() => b.doc.getText('letters').length === 100_000, { timeout: 20_000 });
    // A state vector lacking the last letter: each answer is a few bytes, and Yjs walks every
    // struct of the document to make it. Charged by what it sends (as before), 500 asks would
    // stay within the burst; charged by the walk, they take the socket over it.
    const lacking = new Map(Y.decodeStateVector(Y.encodeStateVector(a.doc)));
    lacking.set(a.doc.clientID, (lacking.get(a.doc.clientID) ?? 1) - 1);
    const ask = syncFrame(0, Y.encodeStateVector(lacking));
    const greedy = rawSocket(`${server.syncUrl}/${ws.workspaceId}/big?token=${ws.editor.token}`);
    await greedy.opened;
    for (let i = 0; i < 500; i++) greedy.ws.send(ask);
    await stillSync('after the walker;');
    const answers = () => greedy.frames.filter((f) => f[0] === 0 && f[1] === 1);
    await waitFor(() => answers().length > 0, { timeout: 20_000, message: 'the first answer' });
    expect(answers()[0].byteLength).toBeLessThan(64 * 1024);
    expect(greedy.ws.readyState).toBe(greedy.ws.OPEN);
    greedy.ws.terminate();
    const closeLog = await waitFor(() => server.logs.find((l) => l.includes('"connection-close"') && l.includes('"pauses"')), { message: 'the paused socket’s close to be logged' });
    expect(JSON.parse(closeLog).member).toBe(ws.editor.memberId);
  });

  it('asking for everyone’s presence again and again is slowed down (each answer costs its size); one ask is fine', async () => {
    // A member fills the presence ids one socket may hold with states near the 16 KiB limit.
    const big = rawSocket(`${server.syncUrl}/${ws.workspaceId}/big?token=${ws.editor.token}`);
    await big.opened;
    const padding = 'p'.repeat(15_000);
    big.ws.send(awarenessFrame([1, 2, 3, 4].map((i): [number, number, string] => [70_000 + i, 1, JSON.stringify({ padding })])));
    await waitFor(() => [1, 2, 3, 4].every((i) => a.provider.awareness.getStates().has(70_000 + i)), { message: 'the big presence states to arrive' });
    const query = new Uint8Array([3]);
    const once = rawSocket(`${server.syncUrl}/${ws.workspaceId}/big?token=${ws.viewer.token}`);
    await once.opened;
    const answers = (s: typeof once) => s.frames.filter((f) => f[0] === 1 && f.byteLength > 60_000);
    await waitFor(() => answers(once).length > 0, { message: 'the presence answer on joining' });
    const before = answers(once).length;
    once.ws.send(query);
    await waitFor(() => answers(once).length > before, { message: 'one asked answer' });
    once.ws.close();
    // A thousand asks of one byte, each answered with ≈ 60 KB: charged by size (3 tokens more
    // each) they take the socket over its burst of 2,000; charged as one message each, never.
    const greedy = rawSocket(`${server.syncUrl}/${ws.workspaceId}/big?token=${ws.viewer.token}`);
    await greedy.opened;
    for (let i = 0; i < 1_000; i++) greedy.ws.send(query);
    await stillSync('after the presence reader;');
    await waitFor(() => answers(greedy).length > 1, { message: 'the greedy reader’s answers' });
    expect(greedy.ws.readyState).toBe(greedy.ws.OPEN);
    greedy.ws.terminate();
    const closeLog = await waitFor(() => server.logs.find((l) => l.includes('"connection-close"') && l.includes('"pauses"')), { message: 'the paused socket’s close to be logged' });
    expect(JSON.parse(closeLog).member).toBe(ws.viewer.memberId);
    big.ws.close();
  });

  it('one connection may set at most 32 presence entries (4400); echoes and removals of others are fine', async () => {
    // The stock client forwards everyone's presence it sees: echoes with the same clock.
    a.provider.awareness.setLocalStateField('user', { name: 'Ada' });
    await waitFor(() => b.provider.awareness.getStates().has(a.doc.clientID));
    const echo = rawSocket(`${server.syncUrl}/${ws.workspaceId}/big?token=${ws.editor.token}`);
    await echo.opened;
    await waitFor(() => echo.frames.length > 0);
    const clock = (a.provider.awareness.meta.get(a.doc.clientID) as { clock: number }).clock;
    const entries: [number, number, string][] = [[a.doc.clientID, clock, JSON.stringify({ user: { name: 'Ada' } })]];
    for (let i = 0; i < 40; i++) entries.push([500 + i, 1, 'null']); // removals of unknown ids: cheap claims…
    echo.ws.send(awarenessFrame(entries.slice(0, 30)));
    echo.ws.send(new Uint8Array([3]));
    const before = echo.frames.length;
    await waitFor(() => echo.frames.length > before);
    expect(echo.ws.readyState).toBe(echo.ws.OPEN);
    echo.ws.close();

    const spoofer = rawSocket(`${server.syncUrl}/${ws.workspaceId}/big?token=${ws.editor.token}`);
    await spoofer.opened;
    const fakes = Array.from({ length: 33 }, (_, i): [number, number, string] => [9000 + i, 1, '{"user":{"name":"Not me"}}']);
    spoofer.ws.send(awarenessFrame(fakes));
    const closed = await spoofer.closed;
    expect(closed.code).toBe(4400);
    expect(closed.reason).toMatch(/presence/);
    expect(a.closes).toEqual([]);
    await stillSync('after the spoofer;');
  });

  it('a presence flood is closed (4429), while a client moving its cursor and echoing others is not', async () => {
    // A person typing fast: a presence change per keystroke, well under the budget.
    for (let i = 0; i < 200; i++) a.provider.awareness.setLocalStateField('cursor', { at: i });
    await waitFor(() => (b.provider.awareness.getStates().get(a.doc.clientID) as { cursor?: { at: number } } | undefined)?.cursor?.at === 199, { message: 'the last cursor to arrive' });
    const flooder = rawSocket(`${server.syncUrl}/${ws.workspaceId}/big?token=${ws.editor.token}`);
    await flooder.opened;
    await waitFor(() => flooder.frames.length > 0, { message: 'the greeting' });
    // Its own presence id, a new state each time: past the burst of 1,000 changes.
    for (let clock = 1; clock <= 3000 && flooder.ws.readyState === flooder.ws.OPEN; clock++) flooder.ws.send(awarenessFrame([[4242, clock, JSON.stringify({ cursor: clock })]]));
    const closed = await flooder.closed;
    expect(closed.code).toBe(4429);
    expect(closed.reason).toMatch(/presence/);
    expect([...a.closes, ...b.closes]).toEqual([]);
    await stillSync('after the presence flood;');
  });
});

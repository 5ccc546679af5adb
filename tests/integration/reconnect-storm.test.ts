/**
 * Load: many stock clients on a few documents, the relay killed (-9) and restarted; every
 * client reconnects at once and must resync — nobody refused, every edit everywhere.
 * Also the crowded-document regression: the stock client forwards every presence change
 * it sees, so a newcomer to a document with more than 32 people present echoes all their
 * states in one message; the relay once refused that (4400) permanently.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, spawnRelay, type RelayChild } from '../helpers/child.ts';
import { connectClient, type TestClient } from '../helpers/clients.ts';
import { api, createWorkspace, inviteSecret, removeDir, tempDir, type TestWorkspace } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';

const CLIENTS = 200;
const DOCS = 5;

describe('reconnect storm and crowded documents', () => {
  const clients: TestClient[] = [];
  const children: RelayChild[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    for (const ch of children.splice(0)) if (ch.process.exitCode === null && ch.process.signalCode === null) ch.process.kill('SIGKILL');
    for (const d of dirs.splice(0)) removeDir(d);
  });

  const start = async (port: number, dir: string) => {
    const child = await spawnRelay(port, dir);
    children.push(child);
    return child;
  };

  /** Tokens of `n` editors (the workspace's own three members first). */
  const editors = async (base: string, ws: TestWorkspace, n: number) => {
    const tokens = [ws.admin.token, ws.editor.token];
    const more = await Promise.all(
      Array.from({ length: Math.max(0, n - tokens.length) }, (_, i) =>
        api(base, 'POST', `/api/workspaces/${ws.workspaceId}/join`, { body: { invite: inviteSecret(ws.invites.editor), name: `Member ${i}` } })
      )
    );
    return [...tokens, ...more.map((r) => r.body.token as string)];
  };

  /** Nobody was refused or saw a server fault. */
  const noRefusals = () => clients.flatMap((c) => c.closes.filter((e) => e.code >= 4400 || e.code === 1011));

  it('a newcomer to a document with 40 people present is not refused', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const port = await freePort();
    await start(port, dir);
    const base = `http://127.0.0.1:${port}`;
    const ws = await createWorkspace(base);
    const tokens = await editors(base, ws, 41);
    // Like the app, each announces a name (a first presence at clock 0 is ignored by y-protocols).
    const join = (token: string, i: number) => {
      const c = connectClient(`ws://127.0.0.1:${port}/sync`, ws.workspaceId, 'meeting', token);
      c.provider.awareness.setLocalStateField('user', { name: `Member ${i}` });
      clients.push(c);
      return c;
    };
    tokens.slice(0, 40).forEach(join);
    await Promise.all(clients.map((c) => c.synced(20_000)));
    await waitFor(() => clients.every((c) => c.provider.awareness.getStates().size === 40), { timeout: 20_000, message: 'everyone to see 40 people' });
    const newcomer = join(tokens[40], 40);
    await newcomer.synced();
    await waitFor(() => clients.every((c) => c.provider.awareness.getStates().size === 41), { timeout: 20_000, message: 'everyone to see 41 people' });
    newcomer.doc.getText('t').insert(0, 'hello');
    await waitFor(() => clients.every((c) => c.doc.getText('t').toString() === 'hello'), { timeout: 20_000 });
    expect(noRefusals()).toEqual([]);
  });

  it(`${CLIENTS} clients reconnecting at once after kill -9 all resync`, async () => {
    const dir = tempDir();
    dirs.push(dir);
    const port = await freePort();
    let relay = await start(port, dir);
    const base = `http://127.0.0.1:${port}`;
    const ws = await createWorkspace(base);
    const tokens = await editors(base, ws, 20);
    for (let i = 0; i < CLIENTS; i++) {
      const c = connectClient(`ws://127.0.0.1:${port}/sync`, ws.workspaceId, `doc${i % DOCS}`, tokens[i % tokens.length]);
      c.provider.awareness.setLocalStateField('user', { name: `Member ${i}` }); // 40 people present per document
      clients.push(c);
    }
    await Promise.all(clients.map((c) => c.synced(60_000)));
    // Each client writes one item online; wait until every document holds all of its own.
    clients.forEach((c, i) => c.doc.getArray<string>('items').push([`online${i}`]));
    const perDoc = CLIENTS / DOCS;
    await waitFor(() => clients.every((c) => c.doc.getArray('items').length === perDoc), { timeout: 60_000, message: 'online edits to spread' });

    relay.process.kill('SIGKILL');
    await relay.exited;
    // While the relay is down every client writes one more item (offline).
    clients.forEach((c, i) => c.doc.getArray<string>('items').push([`offline${i}`]));
    relay = await start(port, dir);
    const restarted = Date.now();
    await waitFor(() => clients.every((c) => c.provider.wsconnected && c.provider.synced), { timeout: 90_000, interval: 50, message: 'every client to reconnect and sync' });
    await waitFor(() => clients.every((c) => c.doc.getArray('items').length === 2 * perDoc), { timeout: 90_000, interval: 50, message: 'every edit everywhere' });
    const stormMs = Date.now() - restarted;
    console.log(`reconnect storm: ${CLIENTS} clients on ${DOCS} documents resynced ${stormMs} ms after the relay came back`);
    expect(noRefusals()).toEqual([]);
    for (const [i, c] of clients.entries()) {
      const items = new Set(c.doc.getArray<string>('items').toArray());
      for (let j = i % DOCS; j < CLIENTS; j += DOCS) {
        expect(items.has(`online${j}`) && items.has(`offline${j}`), `client ${i} has client ${j}'s edits`).toBe(true);
      }
    }
  });
});

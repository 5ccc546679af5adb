/**
 * Several relay instances sharing one PostgreSQL (STORE=postgres) and one Redis
 * (FANOUT=redis), both throwaway servers started by this file (tests/helpers/services.ts).
 * Clients on different instances stand in for a load balancer spreading a group's devices.
 */
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CloseCode } from '#shared/protocol';
import type { MutualConfig } from '../../server/config.ts';
import { createPostgresStore, type PostgresDocumentStore } from '../../server/store/postgres.ts';
import { docKey, type DocumentStore } from '../../server/store/types.ts';
import { freePort, spawnRelay, type RelayChild } from '../helpers/child.ts';
import { connectClient, rawSocket, type TestClient } from '../helpers/clients.ts';
import { api, createWorkspace, removeDir, startServer, tempDir, type TestServer } from '../helpers/server.ts';
import { startPostgres, startRedis, type Service } from '../helpers/services.ts';
import { waitFor } from '../helpers/wait-for.ts';

let postgres: Service;
let redis: Service;
beforeAll(async () => {
  [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
}, 90_000);
afterAll(async () => {
  await Promise.all([postgres?.stop(), redis?.stop()]);
}, 30_000);

const items = (doc: Y.Doc) => new Set(doc.getArray<string>('items').toArray());

/** What PostgreSQL holds for a document, materialised (a fresh reader, as a new instance would). */
async function stored(workspaceId: string, docId: string): Promise<Y.Doc> {
  const pool = new pg.Pool({ connectionString: postgres.url, max: 1 });
  pool.on('error', () => {});
  const store = createPostgresStore(pool, { ownsPool: true });
  try {
    const loaded = await store.load(docKey(workspaceId, docId));
    const doc = new Y.Doc();
    if (loaded.snapshot) Y.applyUpdate(doc, loaded.snapshot);
    for (const u of loaded.updates) Y.applyUpdate(doc, u);
    return doc;
  } finally {
    await store.close();
  }
}

describe('scale-out: relay instances sharing PostgreSQL and Redis', () => {
  const servers: TestServer[] = [];
  const children: RelayChild[] = [];
  const clients: TestClient[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await Promise.all(servers.splice(0).map((s) => s.close()));
    for (const ch of children.splice(0)) if (ch.process.exitCode === null && ch.process.signalCode === null) ch.process.kill('SIGKILL');
    for (const d of dirs.splice(0)) removeDir(d);
  });

  const shared = (): Partial<MutualConfig> => ({ store: 'postgres', databaseUrl: postgres.url, fanout: 'redis', redisUrl: redis.url, logLevel: 'warn' });
  /** An instance in this process; `stores` receives its PostgreSQL document store. */
  const instance = async (config: Partial<MutualConfig> = {}, stores?: PostgresDocumentStore[]) => {
    const s = await startServer({
      config: { ...shared(), ...config },
      parts: stores ? { store: (built: DocumentStore) => (stores.push(built as PostgresDocumentStore), built) } : {}
    });
    servers.push(s);
    dirs.push(s.dataDir);
    return s;
  };
  const client = (server: { syncUrl: string }, workspaceId: string, docId: string, token: string) => {
    const c = connectClient(server.syncUrl, workspaceId, docId, token);
    clients.push(c);
    return c;
  };

  it('clients on different instances co-edit one document live, presence included', async () => {
    const [one, two] = await Promise.all([instance(), instance()]);
    const ws = await createWorkspace(one.httpUrl);
    // The workspace exists for the other instance too: memberships are in PostgreSQL.
    expect((await api(two.httpUrl, 'GET', `/api/workspaces/${ws.workspaceId}/members`, { token: ws.editor.token })).status).toBe(200);

    const ada = client(one, ws.workspaceId, 'agenda', ws.admin.token);
    await ada.synced();
    ada.doc.getText('t').insert(0, 'Rent strike meeting. ');
    // Ben's instance loads the document after Ada's edit was stored.
    const ben = client(two, ws.workspaceId, 'agenda', ws.editor.token);
    await ben.synced();
    await waitFor(() => ben.doc.getText('t').toString().includes('Rent strike'), { message: 'Ben to load Ada’s text' });

    // Live both ways, each edit crossing Redis.
    ben.doc.getText('t').insert(ben.doc.getText('t').length, 'Bring flyers. ');
    await waitFor(() => ada.doc.getText('t').toString().includes('Bring flyers'), { message: 'Ada to see Ben’s edit' });
    for (let i = 0; i < 20; i++) (i % 2 ? ada : ben).doc.getArray<string>('items').push([`item${i}`]);
    await waitFor(() => ada.doc.getArray('items').length === 20 && ben.doc.getArray('items').length === 20, { message: 'both to hold all 20 items' });
    expect(ada.doc.getText('t').toString()).toBe(ben.doc.getText('t').toString());

    // Presence: Ben sees Ada's cursor, and sees it go when she leaves (not 30 s later).
    ada.provider.awareness.setLocalStateField('user', { name: 'Ada' });
    const adaId = ada.doc.clientID;
    await waitFor(() => (ben.provider.awareness.getStates().get(adaId) as { user?: { name?: string } } | undefined)?.user?.name === 'Ada', { message: 'Ben to see Ada’s presence' });
    ada.provider.disconnect();
    await waitFor(() => !ben.provider.awareness.getStates().has(adaId), { timeout: 5000, message: 'Ada’s presence to vanish on the other instance' });
  });

  it('frames lost while an instance was cut off from Redis reach its clients after it reconnects', async () => {
    const [one, two] = await Promise.all([instance(), instance()]);
    const ws = await createWorkspace(one.httpUrl);
    const ada = client(one, ws.workspaceId, 'agenda', ws.admin.token);
    const ben = client(two, ws.workspaceId, 'agenda', ws.editor.token);
    await Promise.all([ada.synced(), ben.synced()]);
    // Cut every subscriber connection (what Redis does to a subscriber that falls behind),
    // and edit at once: the publish happens while the other instance is not listening.
    const admin = new Redis(redis.url);
    try {
      await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
    } finally {
      admin.disconnect();
    }
    ada.doc.getText('t').insert(0, 'said while Redis was away');
    await waitFor(() => ben.doc.getText('t').toString() === 'said while Redis was away', { timeout: 5000, message: 'Ben to receive the edit after the reconnect' });
    await waitFor(() => two.logs.some((l) => l.includes('redis-reconnected')), { message: 'the instance to notice the reconnect' });
  });

  it('kill -9 of one instance under load loses nothing that was relayed; the writer carries on through another', async () => {
    const dir1 = tempDir();
    const dir2 = tempDir();
    dirs.push(dir1, dir2);
    const env = { STORE: 'postgres', DATABASE_URL: postgres.url, FANOUT: 'redis', REDIS_URL: redis.url, UNLOAD_GRACE_MS: '100', COMPACT_AFTER_UPDATES: '40' };
    const [p1, p2] = await Promise.all([freePort(), freePort()]);
    const [one, two] = await Promise.all([spawnRelay(p1, dir1, env), spawnRelay(p2, dir2, env)]);
    children.push(one, two);
    const url = (port: number) => ({ syncUrl: `ws://127.0.0.1:${port}/sync` });
    const ws = await createWorkspace(`http://127.0.0.1:${p1}`);

    const writer = client(url(p1), ws.workspaceId, 'ledger', ws.editor.token);
    const observer = client(url(p2), ws.workspaceId, 'ledger', ws.admin.token);
    await Promise.all([writer.synced(), observer.synced()]);
    let n = 0;
    const timer = setInterval(() => {
      for (let k = 0; k < 5; k++) writer.doc.getArray<string>('items').push([`w${n++}`]);
    }, 2);
    try {
      await waitFor(() => observer.doc.getArray('items').length >= 300, { timeout: 30_000, message: 'the observer on the other instance to see 300 items' });
      one.process.kill('SIGKILL');
      // Everything the observer holds crossed from instance one to two AFTER it was stored.
      const relayed = items(observer.doc);
      await one.exited;
      const inDatabase = items(await stored(ws.workspaceId, 'ledger'));
      expect([...relayed].filter((x) => !inDatabase.has(x)), 'relayed items missing from PostgreSQL').toEqual([]);
    } finally {
      clearInterval(timer);
    }

    // The load balancer sends the writer to the surviving instance: its unconfirmed edits arrive.
    writer.destroy();
    const again = connectClient(url(p2).syncUrl, ws.workspaceId, 'ledger', ws.editor.token, writer.doc);
    clients.push(again);
    await again.synced();
    const written = items(writer.doc);
    await waitFor(() => [...written].every((x) => observer.doc.getArray<string>('items').toArray().includes(x)), { timeout: 15_000, message: 'every written item to reach the observer' });
    const finalStored = items(await stored(ws.workspaceId, 'ledger'));
    expect([...written].filter((x) => !finalStored.has(x))).toEqual([]);
  });

  it('a revocation on one instance closes the member’s sockets on every instance', async () => {
    const [one, two] = await Promise.all([instance(), instance()]);
    const ws = await createWorkspace(one.httpUrl);
    const onOne = client(one, ws.workspaceId, 'agenda', ws.editor.token);
    const onTwo = client(two, ws.workspaceId, 'notes', ws.editor.token);
    const bystander = client(two, ws.workspaceId, 'notes', ws.viewer.token);
    await Promise.all([onOne.synced(), onTwo.synced(), bystander.synced()]);

    expect((await api(one.httpUrl, 'DELETE', `/api/workspaces/${ws.workspaceId}/members/${ws.editor.memberId}`, { token: ws.admin.token })).status).toBe(204);
    await waitFor(() => onOne.closes.some((c) => c.code === CloseCode.unauthorized) && onTwo.closes.some((c) => c.code === CloseCode.unauthorized), {
      message: 'both of the member’s sockets to close with 4401'
    });
    expect(bystander.closes).toEqual([]);
  });

  it('a device removed on one instance loses its sockets on every instance; the member’s other device stays; tickets work on any instance', async () => {
    const [one, two] = await Promise.all([instance(), instance()]);
    const ws = await createWorkspace(one.httpUrl);
    const made = await api(one.httpUrl, 'POST', `/api/workspaces/${ws.workspaceId}/device-links`, { token: ws.editor.token, body: {} });
    const laptop = (await api(two.httpUrl, 'POST', `/api/workspaces/${ws.workspaceId}/device-links/redeem`, { body: { secret: made.body.link.split('#')[1] } })).body;
    const phoneOnTwo = client(two, ws.workspaceId, 'notes', ws.editor.token);
    const laptopOnTwo = client(two, ws.workspaceId, 'notes', laptop.token);
    await Promise.all([phoneOnTwo.synced(), laptopOnTwo.synced()]);

    // A ticket made by one instance opens a socket on the other, once.
    const ticket = (await api(one.httpUrl, 'POST', `/api/workspaces/${ws.workspaceId}/tickets`, { token: laptop.token })).body.ticket;
    const viaTicket = rawSocket(`${two.syncUrl}/${ws.workspaceId}/notes?ticket=${ticket}`);
    await waitFor(() => viaTicket.frames.length > 0, { message: 'the ticket socket on the other instance to be greeted' });
    expect((await rawSocket(`${one.syncUrl}/${ws.workspaceId}/notes?ticket=${ticket}`).closed).code).toBe(CloseCode.unauthorized);
    viaTicket.ws.close();

    expect((await api(one.httpUrl, 'DELETE', `/api/workspaces/${ws.workspaceId}/members/${ws.editor.memberId}/devices/first`, { token: laptop.token })).status).toBe(204);
    await waitFor(() => phoneOnTwo.closes.some((c) => c.code === CloseCode.unauthorized), { message: 'the removed device’s socket on the other instance to close with 4401' });
    expect(phoneOnTwo.closes[0].reason).toBe('this device was removed from your devices');
    expect(laptopOnTwo.closes).toEqual([]);
  });

  it('a role change on one instance reaches sockets on another (private document closed)', async () => {
    const [one, two] = await Promise.all([instance(), instance()]);
    const ws = await createWorkspace(one.httpUrl);
    expect((await api(one.httpUrl, 'PATCH', `/api/workspaces/${ws.workspaceId}/members/${ws.editor.memberId}`, { token: ws.admin.token, body: { coordinator: true } })).status).toBe(200);
    const privateDoc = client(two, ws.workspaceId, 'private-contacts', ws.editor.token);
    await privateDoc.synced();
    expect((await api(one.httpUrl, 'PATCH', `/api/workspaces/${ws.workspaceId}/members/${ws.editor.memberId}`, { token: ws.admin.token, body: { coordinator: false } })).status).toBe(200);
    await waitFor(() => privateDoc.closes.some((c) => c.code === CloseCode.forbidden), { timeout: 2000, message: 'the private document’s socket to close with 4403' });
  });

  it('a member renamed on one instance is shown under the new name by the presence their socket on another instance set', async () => {
    const [one, two] = await Promise.all([instance(), instance()]);
    const ws = await createWorkspace(one.httpUrl);
    const ben = client(two, ws.workspaceId, 'agenda', ws.editor.token);
    const ada = client(one, ws.workspaceId, 'agenda', ws.admin.token);
    await Promise.all([ben.synced(), ada.synced()]);
    ben.provider.awareness.setLocalStateField('cursor', 7);
    const seen = () => ada.provider.awareness.getStates().get(ben.doc.clientID) as { name?: string; cursor?: number } | undefined;
    await waitFor(() => seen()?.cursor === 7, { message: 'Ada to see Ben’s presence across instances' });
    expect((await api(one.httpUrl, 'PATCH', `/api/workspaces/${ws.workspaceId}/members/${ws.editor.memberId}`, { token: ws.editor.token, body: { name: 'Benito' } })).status).toBe(200);
    await waitFor(() => seen()?.name === 'Benito', { message: 'Ben’s presence under his new name' });
    expect(seen()?.cursor).toBe(7);
  });

  it('compaction under concurrent writers on two instances: never two at once, nothing lost', async () => {
    const stores: PostgresDocumentStore[] = [];
    // Low threshold: appends merge while one is in flight, so each instance logs fewer batches
    // than rounds — on a loaded machine (a CI run) few enough that 4 was sometimes never reached
    // on one instance; every second append keeps both compacting while the writers run.
    const config = { compactAfterUpdates: 2 };
    const [one, two] = await Promise.all([instance(config, stores), instance(config, stores)]);
    const ws = await createWorkspace(one.httpUrl);
    const a = client(one, ws.workspaceId, 'hot', ws.admin.token);
    const b = client(two, ws.workspaceId, 'hot', ws.editor.token);
    await Promise.all([a.synced(), b.synced()]);
    // Count overlapping compactions as PostgreSQL sees them: any session holding the
    // document's compaction lock. Sampled while the writers run.
    const watcher = new pg.Client(postgres.url);
    await watcher.connect();
    let maxHolders = 0;
    let sampling = true;
    const sample = (async () => {
      while (sampling) {
        const r = await watcher.query<{ n: string }>(
          "SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND classid = 7262002 AND objid::bigint = (hashtext($1)::bigint & 4294967295) AND granted",
          [`${ws.workspaceId}/hot`]
        );
        maxHolders = Math.max(maxHolders, Number(r.rows[0].n));
      }
    })();
    try {
      for (let round = 0; round < 40; round++) {
        for (let k = 0; k < 5; k++) {
          a.doc.getArray<string>('items').push([`a${round}.${k}`]);
          b.doc.getArray<string>('items').push([`b${round}.${k}`]);
        }
        await new Promise((r) => setTimeout(r, 5));
      }
      await waitFor(() => a.doc.getArray('items').length === 400 && b.doc.getArray('items').length === 400, { timeout: 15_000, message: 'both clients to hold all 400 items' });
    } finally {
      sampling = false;
      await sample;
      await watcher.end();
    }
    const [s1, s2] = stores;
    await waitFor(() => s1.stats.compacted > 0 && s2.stats.compacted > 0, { message: 'both instances to have compacted' });
    expect(maxHolders).toBeLessThanOrEqual(1);
    // Close both (each flushes and compacts), then read what a new instance would load.
    await Promise.all(servers.splice(0).map((s) => s.close()));
    const final = await stored(ws.workspaceId, 'hot');
    expect(final.getArray('items').length).toBe(400);
    expect(items(final)).toEqual(items(a.doc));
  });
});

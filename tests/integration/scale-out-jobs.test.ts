/**
 * Work that must happen once across instances sharing PostgreSQL and Redis (issue 23):
 * closing a proposal at its deadline and purging contact details happen on one instance
 * even when both serve the document and both try at the same moment; the leader lease moves
 * to another instance when the leader is killed; and an edit whose Redis publish was lost
 * reaches the other instances through the periodic catch-up with PostgreSQL.
 */
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { closeProposal, createNeed, createProposal, DAY_MS, fulfilNeed, memberPrivateDocId, openProposal, privateDocIdFor, readContact, readProposal, readTotals, setAnswer, setContact } from '../../src/lib/shared/model/index.ts';
import { mood } from '../helpers/aggregators.ts';
import type { MutualParts } from '../../server/app.ts';
import type { MutualConfig } from '../../server/config.ts';
import { createLogger } from '../../server/log.ts';
import type { Broadcast } from '../../server/relay/broadcast.ts';
import { createRedisBroadcast } from '../../server/relay/broadcast-redis.ts';
import { createPostgresStore } from '../../server/store/postgres.ts';
import { docKey } from '../../server/store/types.ts';
import { freePort, spawnRelay, type RelayChild } from '../helpers/child.ts';
import { connectClient, type TestClient } from '../helpers/clients.ts';
import { api, createWorkspace, inviteSecret, removeDir, startServer, tempDir, type TestServer } from '../helpers/server.ts';
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

/** A fresh database per test: advisory locks (the lease, exclusive jobs) are per database. */
let databases = 0;
async function freshDatabase(): Promise<string> {
  const admin = new pg.Client(postgres.url);
  await admin.connect();
  const name = `jobs_${process.pid}_${++databases}`;
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return postgres.url.replace(/\/postgres$/, `/${name}`);
}

/** What PostgreSQL holds for a document (as a new instance would load it). */
async function storedDoc(url: string, workspaceId: string, docId: string): Promise<Y.Doc> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
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

const count = (servers: TestServer[], event: string) => servers.flatMap((s) => s.logs).filter((l) => l.includes(`"event":"${event}"`)).length;

describe('scale-out: timed work once, leader lease, catch-up', () => {
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

  const instance = async (databaseUrl: string, config: Partial<MutualConfig> = {}, parts: MutualParts = {}) => {
    const s = await startServer({
      config: { store: 'postgres', databaseUrl, fanout: 'redis', redisUrl: redis.url, logLevel: 'info', deadlineSweepMs: 0, leaderLeaseMs: 200, catchUpIntervalMs: 0, ...config },
      parts
    });
    servers.push(s);
    dirs.push(s.dataDir);
    return s;
  };
  const client = (s: { syncUrl: string }, workspaceId: string, docId: string, token: string) => {
    const c = connectClient(s.syncUrl, workspaceId, docId, token);
    clients.push(c);
    return c;
  };

  it('a proposal past its deadline is closed once, though both instances serve it and check it at the same moment', async () => {
    const url = await freshDatabase();
    const [one, two] = [await instance(url), await instance(url)];
    const ws = await createWorkspace(one.httpUrl);
    const a = client(one, ws.workspaceId, 'decide', ws.admin.token);
    const b = client(two, ws.workspaceId, 'decide', ws.editor.token);
    await Promise.all([a.synced(), b.synced()]);
    const deadline = Date.now() - 1000;
    createProposal(a.doc, { id: 'p1', title: 'Freezer', method: 'consent', deadline }, { memberId: ws.admin.memberId });
    openProposal(a.doc, 'p1', {}, { memberId: ws.admin.memberId });
    await waitFor(() => readProposal(b.doc, 'p1').value?.status === 'open', { message: 'the open proposal to reach the other instance' });

    // Both instances check at once (as their sweeps would): only one may close it.
    const closed = await Promise.all([one.mutual.deadlines.check(ws.workspaceId, 'decide'), two.mutual.deadlines.check(ws.workspaceId, 'decide')]);
    expect(closed.flat()).toEqual(['p1']);
    await waitFor(() => readProposal(a.doc, 'p1').value?.status === 'closed' && readProposal(b.doc, 'p1').value?.status === 'closed', { message: 'both devices to see the close' });
    // Later checks on either instance find nothing to do: the close is in both copies.
    expect([...(await one.mutual.deadlines.check(ws.workspaceId, 'decide')), ...(await two.mutual.deadlines.check(ws.workspaceId, 'decide'))]).toEqual([]);
    const closes = readProposal(a.doc, 'p1').value!.lifecycle.filter((e) => e.event.type === 'close');
    expect(closes).toHaveLength(1);
    expect(count(servers, 'proposals-closed-at-deadline')).toBe(1);
  });

  it('private answers written through two instances give the same totals on both (issue 24)', async () => {
    const url = await freshDatabase();
    const [one, two] = [await instance(url, {}, { aggregators: { mood } }), await instance(url, {}, { aggregators: { mood } })];
    const ws = await createWorkspace(one.httpUrl);
    const joined = await api(one.httpUrl, 'POST', `/api/workspaces/${ws.workspaceId}/join`, { body: { invite: inviteSecret(ws.invites.editor), name: 'Dee' } });
    const dee = { memberId: joined.body.memberId as string, token: joined.body.token as string };
    const watchers = [client(one, ws.workspaceId, 'checkin', ws.viewer.token), client(two, ws.workspaceId, 'checkin', ws.viewer.token)];
    const answers: Array<[TestServer, { memberId: string; token: string }, number]> = [[one, ws.admin, 4], [two, ws.editor, 2], [two, dee, 5]];
    for (const [s, member, value] of answers) {
      const own = client(s, ws.workspaceId, memberPrivateDocId(member.memberId)!, member.token);
      await own.synced();
      setAnswer(own.doc, { aggregator: 'mood', docId: 'checkin', subject: 'w1' }, value, { memberId: member.memberId });
    }
    for (const w of watchers) await waitFor(() => (readTotals(w.doc, 'mood', 'w1')?.totals as { sum: number } | null)?.sum === 11, { message: 'totals of all three answers on both instances' });
    expect(readTotals(watchers[0]!.doc, 'mood', 'w1')!.count).toBe(3);
  });

  it('contact details past retention are purged once, though both instances serve the document and both try', async () => {
    const url = await freshDatabase();
    const T0 = Date.UTC(2025, 0, 1);
    let clock = T0;
    const now = () => clock;
    const [one, two] = [await instance(url, {}, { now }), await instance(url, {}, { now })];
    const ws = await createWorkspace(one.httpUrl);
    const board = client(one, ws.workspaceId, 'board1', ws.admin.token);
    const contactsOne = client(one, ws.workspaceId, privateDocIdFor('board1'), ws.admin.token);
    const contactsTwo = client(two, ws.workspaceId, privateDocIdFor('board1'), ws.admin.token);
    await Promise.all([board.synced(), contactsOne.synced(), contactsTwo.synced()]);
    const by = { memberId: ws.admin.memberId, at: T0 };
    createNeed(board.doc, { id: 'done', kind: 'ask', title: 'Groceries', category: 'food' }, by);
    setContact(contactsOne.doc, 'done', { name: 'Dee', phone: '07700 900461' }, by);
    fulfilNeed(board.doc, 'done', by);
    await waitFor(() => readContact(contactsTwo.doc, 'done').value?.phone === '07700 900461', { message: 'the details on both instances' });
    // Both instances hold the board too (the purge reads it to know what is due).
    const boardTwo = client(two, ws.workspaceId, 'board1', ws.admin.token);
    await waitFor(() => boardTwo.doc.getMap('blocks').size === 1, { message: 'the board on the other instance' });
    await waitFor(() => one.mutual.coordination.coordinator.isLeader || two.mutual.coordination.coordinator.isLeader, { message: 'a leader' });

    clock = T0 + 31 * DAY_MS;
    // Every way a purge starts, on both instances at once: the leader's pass, and a load.
    const results = await Promise.all([
      one.mutual.retention.runAll(),
      two.mutual.retention.runAll(),
      one.mutual.retention.purge(ws.workspaceId, privateDocIdFor('board1')),
      two.mutual.retention.purge(ws.workspaceId, privateDocIdFor('board1'))
    ]);
    // Whichever got there first purged (a purge on the instance running the pass joins it);
    // the follower's pass did nothing.
    expect(results.some((r) => r === 1 || (Array.isArray(r) && r.length === 1))).toBe(true);
    expect(results[one.mutual.coordination.coordinator.isLeader ? 1 : 0]).toBe(0);
    await waitFor(() => readContact(contactsOne.doc, 'done').value === null && readContact(contactsTwo.doc, 'done').value === null, { message: 'both devices to drop the details' });
    expect([...(await one.mutual.retention.purge(ws.workspaceId, privateDocIdFor('board1'))), ...(await two.mutual.retention.purge(ws.workspaceId, privateDocIdFor('board1')))]).toEqual([]);
    expect(count(servers, 'contacts-purged')).toBe(1);
  });

  it('when the leader is killed, the other instance takes the lease over', async () => {
    const url = await freshDatabase();
    const env = { STORE: 'postgres', DATABASE_URL: url, FANOUT: 'redis', REDIS_URL: redis.url, LEADER_LEASE_MS: '200' };
    const [p1, p2] = [await freePort(), await freePort()];
    const [d1, d2] = [tempDir(), tempDir()];
    dirs.push(d1, d2);
    const started = await Promise.all([spawnRelay(p1, d1, env), spawnRelay(p2, d2, env)]);
    children.push(...started);
    const leaderOf = async (ch: RelayChild) => (await api(`http://127.0.0.1:${ch.port}`, 'GET', '/__debug/leader')).body.leader as boolean;
    const leader = await waitFor(async () => {
      const flags = await Promise.all(started.map(leaderOf));
      return flags.filter(Boolean).length === 1 ? started[flags.indexOf(true)] : null;
    }, { timeout: 30_000, message: 'exactly one leader' });
    const follower = started.find((c) => c !== leader)!;
    leader.process.kill('SIGKILL');
    await leader.exited;
    // Generous limits: two relays and PostgreSQL share two cores with the rest of the suite.
    await waitFor(() => leaderOf(follower), { timeout: 30_000, message: 'the other instance to take over the lease' });
  });

  it('an edit whose publish was lost reaches the other instance at its next catch-up pass', async () => {
    const url = await freshDatabase();
    // Instance one's publisher is cut (what a dropped Redis publisher connection does to it);
    // its subscriber, and everyone else's, keep working.
    const real = await createRedisBroadcast({ url: redis.url, logger: createLogger('silent') });
    let cut = false;
    const cutPublisher: Broadcast = { ...real, publish: (key, frame) => void (cut || real.publish(key, frame)) };
    const one = await instance(url, {}, { broadcast: cutPublisher });
    const two = await instance(url);
    const ws = await createWorkspace(one.httpUrl);
    const writer = client(one, ws.workspaceId, 'notes', ws.editor.token);
    const reader = client(two, ws.workspaceId, 'notes', ws.viewer.token);
    await Promise.all([writer.synced(), reader.synced()]);
    writer.doc.getText('t').insert(0, 'before; ');
    await waitFor(() => reader.doc.getText('t').toString() === 'before; ', { message: 'a live edit' });

    cut = true;
    writer.doc.getText('t').insert(8, 'said while the publisher was down');
    await waitFor(async () => (await storedDoc(url, ws.workspaceId, 'notes')).getText('t').toString().includes('publisher was down'), { message: 'the edit to be durable' });
    expect(reader.doc.getText('t').toString()).toBe('before; ');
    // One pass of the other instance's catch-up brings it over (its timer is off here: the
    // test runs the pass that would have come within CATCH_UP_INTERVAL_MS).
    const catchUp = two.mutual.coordination.catchUp!;
    expect(await catchUp.pass()).toBe(1);
    await waitFor(() => reader.doc.getText('t').toString() === 'before; said while the publisher was down', { message: 'the reader to catch up' });
    // A pass with nothing new reads nothing (the stored revision did not move).
    expect(await catchUp.pass()).toBe(0);
    expect(count([two], 'catch-up-applied')).toBe(1);
  });

  it('the catch-up runs by itself every CATCH_UP_INTERVAL_MS', async () => {
    const url = await freshDatabase();
    const real = await createRedisBroadcast({ url: redis.url, logger: createLogger('silent') });
    const one = await instance(url, {}, { broadcast: { ...real, publish: () => {} } });
    const two = await instance(url, { catchUpIntervalMs: 100 });
    const ws = await createWorkspace(one.httpUrl);
    const writer = client(one, ws.workspaceId, 'notes', ws.editor.token);
    const reader = client(two, ws.workspaceId, 'notes', ws.viewer.token);
    await Promise.all([writer.synced(), reader.synced()]);
    writer.doc.getText('t').insert(0, 'never published');
    await waitFor(() => reader.doc.getText('t').toString() === 'never published', { message: 'the catch-up to bring the edit over' });
  });

  it('a close made on one instance whose publish was lost is seen by the other before it checks the deadline', async () => {
    const url = await freshDatabase();
    const real = await createRedisBroadcast({ url: redis.url, logger: createLogger('silent') });
    let cut = false;
    let lost = 0;
    const publish = (key: Parameters<typeof real.publish>[0], frame: Uint8Array) => void (cut ? lost++ : real.publish(key, frame));
    const one = await instance(url, {}, { broadcast: { ...real, publish } });
    const two = await instance(url);
    const ws = await createWorkspace(one.httpUrl);
    const a = client(one, ws.workspaceId, 'decide', ws.admin.token);
    const b = client(two, ws.workspaceId, 'decide', ws.editor.token);
    await Promise.all([a.synced(), b.synced()]);
    createProposal(a.doc, { id: 'p1', title: 'Freezer', method: 'consent', deadline: Date.now() - 1000 }, { memberId: ws.admin.memberId });
    openProposal(a.doc, 'p1', {}, { memberId: ws.admin.memberId });
    await waitFor(() => readProposal(b.doc, 'p1').value?.status === 'open', { message: 'the open proposal on the other instance' });
    // A person closes it on instance one; the other instance never hears of it through Redis…
    cut = true;
    closeProposal(a.doc, 'p1', { memberCount: 3, statement: 'Agreed at the meeting' }, { memberId: ws.admin.memberId });
    await waitFor(async () => readProposal(await storedDoc(url, ws.workspaceId, 'decide'), 'p1').value?.status === 'closed', { message: 'the close to be durable' });
    expect(lost, 'frames of the close that Redis never carried').toBeGreaterThan(0);
    // …yet its deadline check catches up with PostgreSQL first, and closes nothing more. (Two
    // has usually not heard of the close at this point. It is not asserted: on a loaded machine
    // another catch-up of two's may already have brought it — its own check at load, which
    // reads PostgreSQL first too and can run late, or a reload after b's socket dropped; CI saw
    // 'closed' here once while benches shared the machine.)
    expect(await two.mutual.deadlines.check(ws.workspaceId, 'decide')).toEqual([]);
    expect(readProposal(a.doc, 'p1').value!.lifecycle.filter((e) => e.event.type === 'close')).toHaveLength(1);
    await waitFor(() => readProposal(b.doc, 'p1').value?.lifecycle.filter((e) => e.event.type === 'close').length === 1, { message: 'the one close on the other instance' });
  });
});

/**
 * Notifications once across instances sharing PostgreSQL (issue 19): both instances serve
 * the document, both evaluate it and both run their passes at the same moment; the member's
 * device receives the notification once, signed with the one VAPID key both instances use.
 */
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createProposal, openProposal, readProposal } from '../../src/lib/shared/model/index.ts';
import { placeInText } from '../../src/lib/shared/model/test-support.ts';
import type { MutualConfig } from '../../server/config.ts';
import { connectClient, type TestClient } from '../helpers/clients.ts';
import { decryptPush, startPushService, testBrowser, type PushService } from '../helpers/push-service.ts';
import { api, createWorkspace, removeDir, startServer, type TestServer } from '../helpers/server.ts';
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

describe('notifications with two instances on PostgreSQL', () => {
  const servers: TestServer[] = [];
  const clients: TestClient[] = [];
  let push: PushService | null = null;
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    const closing = servers.splice(0);
    await Promise.all(closing.map((s) => s.close()));
    for (const s of closing) removeDir(s.dataDir);
    await push?.close();
  });

  it('each instance evaluates and sends; the device gets the notification once', async () => {
    const admin = new pg.Client(postgres.url);
    await admin.connect();
    const name = `notify_${process.pid}`;
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const databaseUrl = postgres.url.replace(/\/postgres$/, `/${name}`);
    push = await startPushService();
    const config: Partial<MutualConfig> = { store: 'postgres', databaseUrl, fanout: 'redis', redisUrl: redis.url, leaderLeaseMs: 200, catchUpIntervalMs: 0, pushAllowHttp: true, notifyIntervalMs: 0 };
    const one = await startServer({ config });
    servers.push(one);
    const two = await startServer({ config });
    servers.push(two);
    const ws = await createWorkspace(one.httpUrl);
    const keys = await Promise.all([one, two].map(async (s) => (await api(s.httpUrl, 'GET', `/api/workspaces/${ws.workspaceId}/notifications`, { token: ws.editor.token })).body.push.vapidPublicKey));
    expect(keys[0]).toBe(keys[1]);
    const ben = testBrowser();
    expect((await api(two.httpUrl, 'PUT', `/api/workspaces/${ws.workspaceId}/notifications/push`, { token: ws.editor.token, body: ben.subscription(`${push.url}/ben`) })).status).toBe(200);
    // No quiet hours (the default 21:00–08:00 would hold the push back when the suite runs at night).
    expect((await api(two.httpUrl, 'PUT', `/api/workspaces/${ws.workspaceId}/notifications/prefs`, { token: ws.editor.token, body: { quiet: null } })).status).toBe(200);

    const a = connectClient(one.syncUrl, ws.workspaceId, 'meeting', ws.admin.token);
    const b = connectClient(two.syncUrl, ws.workspaceId, 'meeting', ws.editor.token);
    clients.push(a, b);
    await Promise.all([a.synced(), b.synced()]);
    const actor = { memberId: ws.admin.memberId, at: Date.now() };
    createProposal(a.doc, { id: 'p1', title: 'Paint the hall', method: 'consent' }, actor);
    placeInText(a.doc, 'p1');
    openProposal(a.doc, 'p1', { deadline: null }, actor);
    await waitFor(() => readProposal(b.doc, 'p1').value?.status === 'open', { message: 'the proposal on both instances' });

    // Both instances evaluate and pass at the same moment.
    const evaluated = await Promise.all([one.mutual.notifier.evaluate(ws.workspaceId, 'meeting'), two.mutual.notifier.evaluate(ws.workspaceId, 'meeting')]);
    await Promise.all([one.mutual.notifier.tick(), two.mutual.notifier.tick(), one.mutual.notifier.tick(), two.mutual.notifier.tick()]);
    await waitFor(() => push!.accepted().length >= 1, { message: 'the push' });
    await Promise.all([one.mutual.notifier.tick(), two.mutual.notifier.tick()]);
    expect(evaluated.reduce((x, y) => x + y, 0)).toBeLessThanOrEqual(1);
    expect(push.requests).toHaveLength(1);
    expect(JSON.parse(decryptPush(push.requests[0].body, ben)).body).toBe('Open for your vote: Paint the hall');
    const rows = await one.mutual.notifier.store.listOutbox(ws.workspaceId);
    expect(rows.map((r) => [r.memberId, r.state])).toEqual([[ws.editor.memberId, 'sent']]);
  });
});

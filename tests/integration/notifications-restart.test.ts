/**
 * Exactly once across a crash (issue 19): the relay is killed with SIGKILL while it is
 * sending a recorded notification (the push service has the request but has not answered).
 * After the restart the notification is sent again and the push service accepts it once:
 * nothing recorded is lost, nothing accepted is sent twice.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createProposal, openProposal } from '../../src/lib/shared/model/proposal.ts';
import { placeInText } from '../../src/lib/shared/model/test-support.ts';
import { DATABASE_FILE } from '../../server/database.ts';
import { freePort, spawnRelay, type RelayChild } from '../helpers/child.ts';
import { connectClient, type TestClient } from '../helpers/clients.ts';
import { decryptPush, startPushService, testBrowser, type PushService } from '../helpers/push-service.ts';
import { api, createWorkspace, removeDir, tempDir } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';

describe('notifications across a SIGKILL of the relay', () => {
  const clients: TestClient[] = [];
  const children: RelayChild[] = [];
  let push: PushService | null = null;
  let dir = '';
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    for (const ch of children.splice(0)) if (ch.process.exitCode === null && ch.process.signalCode === null) ch.process.kill('SIGKILL');
    await push?.close();
    if (dir) removeDir(dir);
  });

  const start = async (port: number) => {
    const child = await spawnRelay(port, dir, { PUSH_ALLOW_HTTP: '1', NOTIFY_INTERVAL_MS: '50', TEST_NOTIFY_LEASE_MS: '300', UNLOAD_GRACE_MS: '100' });
    children.push(child);
    return child;
  };
  const rows = () => {
    const db = new Database(path.join(dir, DATABASE_FILE), { readonly: true });
    try {
      return db.prepare('SELECT event_key, member_id, target, state, attempts FROM notification_outbox').all() as { state: string; attempts: number }[];
    } finally {
      db.close();
    }
  };

  it('a notification the relay died sending is sent after the restart, and accepted once', async () => {
    dir = tempDir();
    push = await startPushService();
    push.answers.push('hang');
    const port = await freePort();
    let relay = await start(port);
    const base = `http://127.0.0.1:${port}`;
    const ws = await createWorkspace(base);
    const ben = testBrowser();
    const sub = await api(base, 'PUT', `/api/workspaces/${ws.workspaceId}/notifications/push`, { token: ws.editor.token, body: ben.subscription(`${push.url}/ben`) });
    expect(sub.status).toBe(200);
    // No quiet hours (the default 21:00–08:00 would hold the push back when the suite runs at night).
    expect((await api(base, 'PUT', `/api/workspaces/${ws.workspaceId}/notifications/prefs`, { token: ws.editor.token, body: { quiet: null } })).status).toBe(200);

    const admin = connectClient(`ws://127.0.0.1:${port}/sync`, ws.workspaceId, 'meeting', ws.admin.token);
    clients.push(admin);
    await admin.synced();
    const actor = { memberId: ws.admin.memberId, at: Date.now() };
    createProposal(admin.doc, { id: 'p1', title: 'Paint the hall', method: 'consent' }, actor);
    placeInText(admin.doc, 'p1');
    openProposal(admin.doc, 'p1', { deadline: null }, actor);

    // The relay recorded it and is sending it: the push service holds the request unanswered.
    await waitFor(() => push!.requests.length === 1, { timeout: 15_000, message: 'the relay to start sending' });
    relay.process.kill('SIGKILL');
    await relay.exited;
    expect(rows()).toMatchObject([{ state: 'pending', attempts: 1 }]);

    relay = await start(port);
    // The client reconnects: the document loads and is evaluated again; nothing new is recorded.
    await waitFor(() => rows()[0]?.state === 'sent', { timeout: 15_000, message: 'the notification to be sent after the restart' });
    expect(push.accepted()).toHaveLength(1);
    expect(JSON.parse(decryptPush(push.accepted()[0].body, ben)).body).toBe('Open for your vote: Paint the hall');
    // Both requests are the same notification (same Topic): a push service replaces one with the other.
    expect(push.requests[0].headers.topic).toBe(push.requests[1].headers.topic);
    await waitFor(() => admin.provider.synced, { message: 'the client to reconnect' });
    expect(rows()).toHaveLength(1);
    expect(push.accepted()).toHaveLength(1);
  });
});

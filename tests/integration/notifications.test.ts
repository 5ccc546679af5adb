/**
 * Notifications with real parts (issue 19): a push service on loopback receives web-push's
 * real encrypted requests (decrypted here with the test browser's keys), an SMTP server on
 * loopback receives the mails, documents change through stock y-websocket clients, and the
 * server's clock is the test's (quiet hours, retries and digests without waiting).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { castBallot, createProposal, openProposal } from '../../src/lib/shared/model/proposal.ts';
import { createTask, reassignTask } from '../../src/lib/shared/model/task.ts';
import { placeInText } from '../../src/lib/shared/model/test-support.ts';
import { connectClient, type TestClient } from '../helpers/clients.ts';
import { decryptPush, startPushService, testBrowser, type PushService, type TestBrowser } from '../helpers/push-service.ts';
import { api, createWorkspace, startServer, type TestServer, type TestWorkspace } from '../helpers/server.ts';
import { startSmtp, type TestSmtp } from '../helpers/smtp.ts';
import { waitFor } from '../helpers/wait-for.ts';

const T0 = Date.parse('2026-11-30T12:00:00Z');
let clock = T0;
let server: TestServer;
let ws: TestWorkspace;
let push: PushService;
let smtp: TestSmtp | null = null;
const clients: TestClient[] = [];

async function start(extra: Partial<TestServer['config']> = {}) {
  push = await startPushService();
  server = await startServer({
    config: { pushAllowHttp: true, notifyIntervalMs: 0, unloadGraceMs: 50, ...extra },
    parts: { now: () => clock, notificationPolicy: { retryBaseMs: 1000, retryMaxMs: 4000, giveUpMs: 10_000 } }
  });
  ws = await createWorkspace(server.httpUrl);
}

beforeEach(() => {
  clock = T0;
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await server?.close();
  await push?.close();
  await smtp?.close();
  smtp = null;
});

const base = () => `/api/workspaces/${ws.workspaceId}/notifications`;

async function subscribe(member: { token: string }, name: string): Promise<TestBrowser> {
  const browser = testBrowser();
  const res = await api(server.httpUrl, 'PUT', `${base()}/push`, { token: member.token, body: browser.subscription(`${push.url}/${name}`) });
  expect(res.status).toBe(200);
  expect(res.body.push.subscribed).toBe(true);
  return browser;
}

async function edit(docId: string, token: string, fn: (doc: TestClient['doc']) => void): Promise<TestClient> {
  const client = connectClient(server.syncUrl, ws.workspaceId, docId, token);
  clients.push(client);
  await client.synced();
  fn(client.doc);
  return client;
}

/** An open proposal "Paint the hall" (block p1) in document `docId`, opened by the admin at the test's clock. */
async function openPaintProposal(docId = 'meeting', deadline: number | null = clock + 72 * 3_600_000): Promise<TestClient> {
  return edit(docId, ws.admin.token, (doc) => {
    const actor = { memberId: ws.admin.memberId, at: clock };
    createProposal(doc, { id: 'p1', title: 'Paint the hall', method: 'consent' }, actor);
    placeInText(doc, 'p1');
    openProposal(doc, 'p1', { deadline }, actor);
  });
}

/**
 * A task handed to Ben (the editor) by the admin, in document `tasks`, at the test's clock. The
 * hand-over's server-time stamp is the real time: the relay judges claim stamps (issue 26) by
 * its own clock, and refuses one more than ten minutes ahead of it (the test's clock may be).
 */
const handTaskToBen = (id: string, title: string) =>
  edit('tasks', ws.admin.token, (doc) => {
    const actor = { memberId: ws.admin.memberId, at: clock, serverAt: Date.now() };
    createTask(doc, { id, title }, actor);
    placeInText(doc, id);
    reassignTask(doc, id, ws.editor.memberId, actor);
  });

/** The outbox rows of a member, as the server holds them. */
const outbox = (memberId: string) => server.mutual.notifier.store.listOutbox(ws.workspaceId, memberId);

describe('push notifications through a push service', () => {
  beforeEach(() => start());

  it('a proposal opening reaches the members who may vote, encrypted, once', async () => {
    const ben = await subscribe(ws.editor, 'ben');
    await subscribe(ws.admin, 'ada');
    await subscribe(ws.viewer, 'cleo');
    await openPaintProposal();
    await waitFor(() => push.accepted().length >= 1, { message: 'a push to arrive' });
    // Evaluating again, on load or on a pass, sends nothing twice.
    await server.mutual.notifier.evaluate(ws.workspaceId, 'meeting');
    await server.mutual.notifier.tick();
    expect(push.requests.map((r) => r.path)).toEqual(['/ben']);
    const [req] = push.requests;
    expect(req.headers['content-encoding']).toBe('aes128gcm');
    expect(req.headers.authorization).toMatch(/^vapid t=.+, k=.+$/);
    expect(req.headers.topic).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(req.body.toString('latin1')).not.toContain('Paint');
    const payload = JSON.parse(decryptPush(req.body, ben));
    expect(payload).toEqual({ title: 'Tenants union', body: 'Open for your vote: Paint the hall', url: `/w/${ws.workspaceId}/d/meeting#block-p1`, tag: req.headers.topic });
    expect((await outbox(ws.editor.memberId)).map((r) => r.state)).toEqual(['sent']);
  });

  it('the kinds list keeps its English label and adds a message key and a name in the language asked for (issue 21)', async () => {
    const kinds = async (headers: Record<string, string>) => (await api(server.httpUrl, 'GET', base(), { token: ws.editor.token, headers })).body.kinds as Array<Record<string, string>>;
    const spanish = await kinds({ 'accept-language': 'es-MX,es;q=0.9,en;q=0.5' });
    const english = await kinds({ 'accept-language': 'fr-FR, en;q=0.4' });
    const opened = (list: Array<Record<string, string>>) => list.find((k) => k.kind === 'proposal-opened');
    expect(opened(spanish)).toEqual({ kind: 'proposal-opened', label: 'A proposal opens for your vote', key: 'notification_kind_proposal_opened', name: 'Se abre una propuesta para tu voto' });
    expect(opened(english)).toEqual({ kind: 'proposal-opened', label: 'A proposal opens for your vote', key: 'notification_kind_proposal_opened', name: 'A proposal opens for your vote' });
    // No language Mutual speaks, and no device language recorded: English.
    expect(opened(await kinds({ 'accept-language': 'de' }))?.name).toBe('A proposal opens for your vote');
    expect(spanish.map((k) => k.label)).toEqual(english.map((k) => k.label));
  });

  it('the same VAPID key signs after a restart (kept in the database)', async () => {
    const first = (await api(server.httpUrl, 'GET', base(), { token: ws.editor.token })).body.push.vapidPublicKey;
    expect(first).toMatch(/^[A-Za-z0-9_-]{87}$/);
    const dataDir = server.dataDir;
    await server.close();
    server = await startServer({ dataDir, config: { pushAllowHttp: true, notifyIntervalMs: 0 } });
    expect((await api(server.httpUrl, 'GET', base(), { token: ws.editor.token })).body.push.vapidPublicKey).toBe(first);
  });

  it('quiet hours in the member’s time zone hold a push until morning', async () => {
    const ben = await subscribe(ws.editor, 'ben');
    const prefs = await api(server.httpUrl, 'PUT', `${base()}/prefs`, { token: ws.editor.token, body: { quiet: { from: '21:00', to: '08:00' }, timeZone: 'Europe/Berlin' } });
    expect(prefs.status).toBe(200);
    clock = Date.parse('2026-11-30T22:30:00Z'); // 23:30 in Berlin
    await openPaintProposal();
    await waitFor(async () => (await outbox(ws.editor.memberId)).length === 1, { message: 'the notification to be recorded' });
    await server.mutual.notifier.tick();
    expect(push.requests).toEqual([]);
    expect((await outbox(ws.editor.memberId))[0]).toMatchObject({ state: 'pending', nextAt: Date.parse('2026-12-01T07:00:00Z') });
    clock = Date.parse('2026-12-01T06:59:00Z');
    await server.mutual.notifier.tick();
    expect(push.requests).toEqual([]);
    clock = Date.parse('2026-12-01T07:00:00Z'); // 08:00 in Berlin
    await server.mutual.notifier.tick();
    expect(push.requests).toHaveLength(1);
    expect(JSON.parse(decryptPush(push.requests[0].body, ben)).body).toBe('Open for your vote: Paint the hall');
  });

  it('a failing push service is retried with backoff, then given up on with the reason; a gone subscription is dropped', async () => {
    await subscribe(ws.editor, 'ben');
    push.answers.push(503, 503);
    await openPaintProposal();
    await waitFor(() => push.requests.length === 1, { message: 'the first attempt' });
    await waitFor(async () => (await outbox(ws.editor.memberId))[0]?.lastError, { message: 'the failure to be recorded' });
    expect((await outbox(ws.editor.memberId))[0]).toMatchObject({ state: 'pending', nextAt: clock + 1000, lastError: 'the push service answered 503' });
    clock += 999;
    await server.mutual.notifier.tick();
    expect(push.requests).toHaveLength(1);
    clock += 1;
    await server.mutual.notifier.tick();
    expect((await outbox(ws.editor.memberId))[0]).toMatchObject({ state: 'pending', nextAt: clock + 2000, attempts: 2 });
    clock += 2000;
    await server.mutual.notifier.tick();
    expect(push.accepted()).toHaveLength(1);
    expect((await outbox(ws.editor.memberId))[0].state).toBe('sent');

    // A service that keeps failing: given up after the bounded time, with why.
    push.answers.push(...Array<number>(10).fill(500));
    await handTaskToBen('t1', 'Buy paint');
    await waitFor(async () => (await outbox(ws.editor.memberId)).length === 2, { message: 'the task notification' });
    for (let i = 0; i < 6; i++) {
      clock += 4000;
      await server.mutual.notifier.tick();
    }
    const failed = (await outbox(ws.editor.memberId))[0];
    expect(failed.state).toBe('failed');
    expect(failed.lastError).toMatch(/^gave up after \d+ attempts: the push service answered 500$/);
    expect(server.logs.some((l) => l.includes('"notification-failed"'))).toBe(true);

    // 410: the browser dropped the subscription; the server forgets it.
    push.answers.splice(0, push.answers.length, 410);
    expect((await api(server.httpUrl, 'POST', `${base()}/test`, { token: ws.editor.token })).status).toBe(202);
    await waitFor(async () => (await api(server.httpUrl, 'GET', base(), { token: ws.editor.token })).body.push.subscribed === false, { message: 'the subscription to be dropped' });
  });

  it('the last-day reminder reaches a member though nobody has the document open', async () => {
    const ben = await subscribe(ws.editor, 'ben');
    const ada = await openPaintProposal('meeting', clock + 30 * 3_600_000);
    await waitFor(() => push.accepted().length === 1, { message: 'the opening' });
    ada.destroy();
    await waitFor(() => !server.mutual.documents.isLoaded(ws.workspaceId, 'meeting'), { message: 'the document to leave memory' });
    clock += 6 * 3_600_000 - 1;
    await server.mutual.notifier.tick();
    expect(push.requests).toHaveLength(1);
    clock += 1; // 24 h before the deadline
    await server.mutual.notifier.tick();
    expect(push.requests).toHaveLength(2);
    expect(JSON.parse(decryptPush(push.requests[1].body, ben)).body).toBe('Closes within a day, you have not voted: Paint the hall');
  });

  it('a push service that does not answer never holds up the relay', async () => {
    await subscribe(ws.editor, 'ben');
    push.answers.push('hang');
    const ada = await openPaintProposal();
    await waitFor(() => push.requests.length === 1, { message: 'the relay to be sending' });
    // While the push hangs, edits still flow between members.
    const ben = await edit('meeting', ws.editor.token, () => {});
    ada.doc.getMap('scratch').set('note', 'still here');
    await waitFor(() => ben.doc.getMap('scratch').get('note') === 'still here', { message: 'an edit to be relayed' });
    expect((await api(server.httpUrl, 'GET', base(), { token: ws.editor.token })).status).toBe(200);
  });

  it('a member removed from the workspace receives nothing more, and their subscription is gone', async () => {
    await subscribe(ws.editor, 'ben');
    await subscribe(ws.admin, 'ada');
    clock = Date.parse('2026-11-30T22:30:00Z');
    await api(server.httpUrl, 'PUT', `${base()}/prefs`, { token: ws.editor.token, body: { quiet: { from: '21:00', to: '08:00' } } });
    await openPaintProposal();
    await waitFor(async () => (await outbox(ws.editor.memberId)).length === 1, { message: 'a notification held by quiet hours' });
    expect((await api(server.httpUrl, 'DELETE', `/api/workspaces/${ws.workspaceId}/members/${ws.editor.memberId}`, { token: ws.admin.token })).status).toBe(204);
    await waitFor(async () => (await outbox(ws.editor.memberId))[0]?.state === 'dropped', { message: 'the held push to be dropped' });
    clock = Date.parse('2026-12-01T09:00:00Z');
    await server.mutual.notifier.tick();
    expect(push.requests).toEqual([]);
    expect(await server.mutual.notifier.store.listSubscriptions(ws.workspaceId, ws.editor.memberId)).toEqual([]);
  });

  /** Link another device to `member` (issue 18's link flow); its token and id. */
  async function linkDevice(member: { token: string }, deviceName: string): Promise<{ token: string; deviceId: string }> {
    const made = await api(server.httpUrl, 'POST', `/api/workspaces/${ws.workspaceId}/device-links`, { token: member.token, body: {} });
    expect(made.status).toBe(201);
    const secret = String(made.body.link).split('#')[1];
    const used = await api(server.httpUrl, 'POST', `/api/workspaces/${ws.workspaceId}/device-links/redeem`, { body: { secret, deviceName } });
    expect(used.status).toBe(201);
    return { token: used.body.token as string, deviceId: used.body.deviceId as string };
  }

  it('a member with two devices gets each notification once on each; a removed device gets nothing more', async () => {
    const laptop = await linkDevice(ws.editor, 'Laptop');
    const phoneBrowser = await subscribe(ws.editor, 'ben-phone');
    const laptopBrowser = await subscribe(laptop, 'ben-laptop');
    // Renaming a device keeps its subscription (the key is the device, not its name).
    expect((await api(server.httpUrl, 'PATCH', `/api/workspaces/${ws.workspaceId}/members/${ws.editor.memberId}/devices/${laptop.deviceId}`, { token: laptop.token, body: { name: 'Home laptop' } })).status).toBe(200);
    expect((await api(server.httpUrl, 'GET', base(), { token: laptop.token })).body.push.subscribed).toBe(true);

    await openPaintProposal();
    await waitFor(() => push.accepted().length >= 2, { message: 'a push to each device' });
    await server.mutual.notifier.evaluate(ws.workspaceId, 'meeting');
    await server.mutual.notifier.tick();
    expect(push.requests.map((r) => r.path).sort()).toEqual(['/ben-laptop', '/ben-phone']);
    for (const [path, browser] of [['/ben-phone', phoneBrowser], ['/ben-laptop', laptopBrowser]] as const) {
      const req = push.requests.find((r) => r.path === path)!;
      expect(JSON.parse(decryptPush(req.body, browser)).body).toBe('Open for your vote: Paint the hall');
    }

    // Held by quiet hours for both devices; removing the phone drops what waited for it.
    await api(server.httpUrl, 'PUT', `${base()}/prefs`, { token: laptop.token, body: { quiet: { from: '21:00', to: '08:00' }, timeZone: 'UTC' } });
    clock = Date.parse('2026-11-30T22:30:00Z');
    await handTaskToBen('t1', 'Buy paint');
    await waitFor(async () => (await outbox(ws.editor.memberId)).filter((r) => r.state === 'pending').length === 2, { message: 'a held push for each device' });
    expect((await api(server.httpUrl, 'DELETE', `/api/workspaces/${ws.workspaceId}/members/${ws.editor.memberId}/devices/first`, { token: laptop.token })).status).toBe(204);
    await waitFor(async () => (await outbox(ws.editor.memberId)).filter((r) => r.state === 'pending').length === 1, { message: 'the phone’s push to be dropped' });
    expect((await server.mutual.notifier.store.listSubscriptions(ws.workspaceId, ws.editor.memberId)).map((sub) => sub.endpoint)).toEqual([`${push.url}/ben-laptop`]);
    clock = Date.parse('2026-12-01T08:00:00Z');
    await server.mutual.notifier.tick();
    expect(push.requests.slice(2).map((r) => r.path)).toEqual(['/ben-laptop']);
    expect(JSON.parse(decryptPush(push.requests[2].body, laptopBrowser)).body).toBe('Handed to you: Buy paint');

    // The next notification reaches only the laptop, even if the phone's subscription had
    // survived the removal (a clean-up that never ran): delivery checks the device first.
    const { endpoint, keys } = phoneBrowser.subscription(`${push.url}/ben-phone`);
    const stale = { deviceKey: `${ws.workspaceId}/${ws.editor.memberId}/first`, workspaceId: ws.workspaceId, memberId: ws.editor.memberId, endpoint, ...keys, createdAt: clock, locale: null };
    await server.mutual.notifier.store.putSubscription(stale);
    await handTaskToBen('t2', 'Collect the ladder');
    await waitFor(() => push.accepted().length >= 4, { message: 'the next push' });
    await waitFor(async () => (await outbox(ws.editor.memberId)).every((r) => r.state !== 'pending'), { message: 'every push to be sent or dropped' });
    await server.mutual.notifier.tick();
    expect(push.requests.slice(3).map((r) => r.path)).toEqual(['/ben-laptop']);
    expect(JSON.parse(decryptPush(push.requests[3].body, laptopBrowser)).body).toBe('Handed to you: Collect the ladder');
    expect((await server.mutual.notifier.store.listSubscriptions(ws.workspaceId, ws.editor.memberId)).map((sub) => sub.endpoint)).toEqual([`${push.url}/ben-laptop`]);
    expect((await api(server.httpUrl, 'GET', base(), { token: laptop.token })).body.push.subscribed).toBe(true);
  });

  it('refuses subscriptions that are not a browser’s, and settings of another workspace', async () => {
    const bad = [
      { endpoint: 'ftp://x', keys: { p256dh: testBrowser().subscription('x').keys.p256dh, auth: 'AAAAAAAAAAAAAAAAAAAAAA' } },
      { endpoint: `${push.url}/x`, keys: { p256dh: 'short', auth: 'AAAAAAAAAAAAAAAAAAAAAA' } },
      { endpoint: `${push.url}/x`, keys: { p256dh: testBrowser().subscription('x').keys.p256dh, auth: 'AAAA' } },
      { endpoint: `${push.url}/x`, extra: 1 }
    ];
    for (const body of bad) expect((await api(server.httpUrl, 'PUT', `${base()}/push`, { token: ws.editor.token, body })).status).toBe(400);
    const other = await createWorkspace(server.httpUrl, 'Other');
    expect((await api(server.httpUrl, 'GET', base(), { token: other.admin.token })).status).toBe(403);
    expect((await api(server.httpUrl, 'GET', base())).status).toBe(401);
    expect((await api(server.httpUrl, 'PUT', `${base()}/prefs`, { token: ws.editor.token, body: { quiet: { from: '25:00', to: '08:00' } } })).status).toBe(400);
    // No SMTP on this server: no email settings.
    const state = await api(server.httpUrl, 'GET', base(), { token: ws.editor.token });
    expect(state.body.email).toEqual({ available: false });
    expect((await api(server.httpUrl, 'PUT', `${base()}/email`, { token: ws.editor.token, body: { email: 'ben@example.org' } })).status).toBe(404);
  });
});

describe('email through an SMTP server', () => {
  beforeEach(async () => {
    smtp = await startSmtp();
    await start({ smtpUrl: smtp.url, mailFrom: 'Mutual <mutual@example.org>', publicOrigin: 'https://mutual.example.org' });
  });

  async function confirmEmail(member: { token: string }, address: string): Promise<void> {
    const set = await api(server.httpUrl, 'PUT', `${base()}/email`, { token: member.token, body: { email: address } });
    expect(set.status).toBe(202);
    expect(set.body.email).toEqual({ available: true, address, confirmed: false, locale: null });
    const mail = smtp!.mails.at(-1)!;
    expect(mail.to).toEqual([address]);
    expect(mail.subject).toBe('Tenants union: confirm your email address');
    const secret = /https:\/\/mutual\.example\.org\/confirm-email#([A-Za-z0-9_-]{43})/.exec(mail.text)?.[1];
    expect(secret).toBeDefined();
    expect((await api(server.httpUrl, 'POST', '/api/notifications/confirm-email', { body: { token: 'x'.repeat(43) } })).status).toBe(404);
    const ok = await api(server.httpUrl, 'POST', '/api/notifications/confirm-email', { body: { token: secret } });
    expect(ok.body).toEqual({ workspaceId: ws.workspaceId, workspaceName: 'Tenants union' });
    // A link works once.
    expect((await api(server.httpUrl, 'POST', '/api/notifications/confirm-email', { body: { token: secret } })).status).toBe(404);
  }

  it('an address is confirmed by link; immediate mails carry the minimum and never a ballot', async () => {
    await confirmEmail(ws.editor, 'ben@example.org');
    await api(server.httpUrl, 'PUT', `${base()}/prefs`, { token: ws.editor.token, body: { email: 'immediate', push: false } });
    await confirmEmail(ws.admin, 'ada@example.org');
    await api(server.httpUrl, 'PUT', `${base()}/prefs`, { token: ws.admin.token, body: { email: 'immediate' } });
    const client = await openPaintProposal('meeting', clock + 30 * 3_600_000);
    castBallot(client.doc, 'p1', { choice: 'object', reason: 'Ben’s landlord at 12 Elm St objects' }, { memberId: ws.admin.memberId, at: clock });
    await waitFor(() => smtp!.mails.length === 3, { message: 'the mail about the proposal' });
    const mail = smtp!.mails[2];
    expect(mail.to).toEqual(['ben@example.org']);
    expect(mail.from).toBe('mutual@example.org');
    expect(mail.subject).toBe('Tenants union: Open for your vote: Paint the hall');
    expect(mail.text).toContain(`Open it: https://mutual.example.org/w/${ws.workspaceId}/d/meeting#block-p1`);
    expect(mail.headers.get('message-id')).toMatch(/^<[0-9a-f]{40}@example\.org>$/);
    // 24 h before the close: to those who have not voted (Ben), not to Ada who voted.
    clock += 7 * 3_600_000;
    await server.mutual.notifier.evaluate(ws.workspaceId, 'meeting');
    await waitFor(() => smtp!.mails.length === 4, { message: 'the reminder' });
    expect(smtp!.mails[3]).toMatchObject({ to: ['ben@example.org'], subject: 'Tenants union: Closes within a day, you have not voted: Paint the hall' });
    for (const m of smtp!.mails) expect(m.raw).not.toMatch(/Elm St|landlord|object\b/);
  });

  it('a mail server that refuses for now is retried; a daily digest bundles what was held, once', async () => {
    await confirmEmail(ws.editor, 'ben@example.org');
    await api(server.httpUrl, 'PUT', `${base()}/prefs`, { token: ws.editor.token, body: { email: 'daily', push: false, timeZone: 'UTC' } });
    clock = Date.parse('2026-11-30T20:00:00Z');
    await openPaintProposal();
    await handTaskToBen('t1', 'Buy paint');
    await waitFor(async () => (await outbox(ws.editor.memberId)).filter((r) => r.state === 'held').length === 2, { message: 'two held rows' });
    await server.mutual.notifier.tick();
    expect(smtp!.mails).toHaveLength(1); // only the confirmation
    smtp!.refusals.push(451);
    clock = Date.parse('2026-12-01T08:00:00Z');
    await server.mutual.notifier.tick();
    expect(smtp!.mails).toHaveLength(1);
    const digest = (await outbox(ws.editor.memberId)).find((r) => r.content.kind === 'digest')!;
    expect(digest).toMatchObject({ state: 'pending', lastError: expect.stringMatching(/could not take the mail/) });
    clock += 1000;
    await server.mutual.notifier.tick();
    await server.mutual.notifier.tick();
    expect(smtp!.mails).toHaveLength(2);
    const mail = smtp!.mails[1];
    expect(mail.subject).toBe('Tenants union: 2 updates');
    expect(mail.text).toContain('• Open for your vote: Paint the hall');
    expect(mail.text).toContain('• Handed to you: Buy paint');
    // Later the same day: no second digest.
    clock += 3_600_000;
    await server.mutual.notifier.tick();
    expect(smtp!.mails).toHaveLength(2);
  });
});

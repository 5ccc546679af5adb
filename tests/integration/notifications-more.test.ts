/**
 * The later kinds of notification with real parts (issue 19): a mention in a comment, an ask
 * matched on the needs board, a browser's renewed subscription, and (issue 21) notifications
 * in each device's and each member's mail's language, through the real relay (stock y-websocket clients edit), a
 * push service on loopback (web-push's real encrypted requests, decrypted here) and an SMTP
 * server on loopback. Once only, and nothing of a comment's words or a need's contact details.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createThread } from '../../src/lib/shared/model/comment-edits.ts';
import { createNeed, endMeeting, initDocument, matchNeed, privateDocIdFor, setContact, setMeetingTime, startMeeting } from '../../src/lib/shared/model/index.ts';
import { mentionToken } from '../../src/lib/shared/model/mentions.ts';
import { createProposal, openProposal } from '../../src/lib/shared/model/proposal.ts';
import { createTask, reassignTask } from '../../src/lib/shared/model/task.ts';
import { placeInText } from '../../src/lib/shared/model/test-support.ts';
import { connectClient, type TestClient } from '../helpers/clients.ts';
import { decryptPush, startPushService, testBrowser, type PushService, type TestBrowser } from '../helpers/push-service.ts';
import { api, createWorkspace, inviteSecret, startServer, type TestServer, type TestWorkspace } from '../helpers/server.ts';
import { startSmtp, type TestSmtp } from '../helpers/smtp.ts';
import { waitFor } from '../helpers/wait-for.ts';

let clock = Date.parse('2026-11-30T12:00:00Z');
let server: TestServer;
let ws: TestWorkspace;
let push: PushService;
let smtp: TestSmtp;
const clients: TestClient[] = [];

beforeEach(async () => {
  clock = Date.parse('2026-11-30T12:00:00Z');
  push = await startPushService();
  smtp = await startSmtp();
  server = await startServer({
    config: { pushAllowHttp: true, notifyIntervalMs: 0, unloadGraceMs: 50, smtpUrl: smtp.url, mailFrom: 'Mutual <mutual@example.org>', publicOrigin: 'https://mutual.example.org' },
    parts: { now: () => clock }
  });
  ws = await createWorkspace(server.httpUrl);
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await server?.close();
  await push?.close();
  await smtp?.close();
});

const base = () => `/api/workspaces/${ws.workspaceId}/notifications`;

/** Subscribe a device, saying its language (issue 21) when `locale` is given, as the app does. */
async function subscribe(member: { token: string }, name: string, locale?: string): Promise<TestBrowser> {
  const browser = testBrowser();
  const res = await api(server.httpUrl, 'PUT', `${base()}/push`, { token: member.token, body: { ...browser.subscription(`${push.url}/${name}`), ...(locale ? { locale } : {}) } });
  expect(res.status).toBe(200);
  if (locale) expect(res.body.push.locale).toBe(locale);
  return browser;
}

async function edit(docId: string, token: string, fn: (doc: TestClient['doc']) => void): Promise<void> {
  const client = connectClient(server.syncUrl, ws.workspaceId, docId, token);
  clients.push(client);
  await client.synced();
  fn(client.doc);
}

/** Evaluate again and run a pass: what was sent stays sent once. */
async function again(docId: string): Promise<void> {
  await server.mutual.notifier.evaluate(ws.workspaceId, docId);
  await server.mutual.notifier.tick();
}

describe('notifications about people', () => {
  it('a member mentioned in a comment gets one push that opens the thread, without the comment’s words', async () => {
    const ben = await subscribe(ws.editor, 'ben');
    await subscribe(ws.admin, 'ada');
    await edit('plans', ws.admin.token, (doc) => {
      createThread(doc, { id: 'th1', quote: 'the rent strike', text: `${mentionToken(ws.editor.memberId)} can you call the landlord?` }, { memberId: ws.admin.memberId, at: clock });
    });
    await waitFor(() => push.accepted().length >= 1, { message: 'the push about the mention' });
    await again('plans');
    expect(push.requests.map((r) => r.path)).toEqual(['/ben']);
    expect(JSON.parse(decryptPush(push.requests[0].body, ben))).toMatchObject({
      title: 'Tenants union',
      body: 'You were mentioned in a comment on “the rent strike”',
      url: `/w/${ws.workspaceId}/d/plans?thread=th1`
    });
    expect(decryptPush(push.requests[0].body, ben)).not.toContain('landlord');
  });

  it('switched off in the preferences, a mention sends nothing', async () => {
    await subscribe(ws.editor, 'ben');
    expect((await api(server.httpUrl, 'PUT', `${base()}/prefs`, { token: ws.editor.token, body: { kinds: { mentioned: false } } })).status).toBe(200);
    await edit('plans', ws.admin.token, (doc) => {
      createThread(doc, { id: 'th1', quote: 'q', text: `${mentionToken(ws.editor.memberId)} hello` }, { memberId: ws.admin.memberId, at: clock });
    });
    await again('plans');
    expect(await server.mutual.notifier.store.listOutbox(ws.workspaceId, ws.editor.memberId)).toEqual([]);
    expect(push.requests).toEqual([]);
  });

  it('an ask matched by a coordinator tells the asker (mail) and the volunteer (push), once, with no contact details', async () => {
    const cleo = await subscribe(ws.viewer, 'cleo');
    await subscribe(ws.admin, 'ada');
    const set = await api(server.httpUrl, 'PUT', `${base()}/email`, { token: ws.editor.token, body: { email: 'ben@example.org' } });
    expect(set.status).toBe(202);
    const secret = /confirm-email#([A-Za-z0-9_-]{43})/.exec(smtp.mails.at(-1)!.text)![1];
    expect((await api(server.httpUrl, 'POST', '/api/notifications/confirm-email', { body: { token: secret } })).status).toBe(200);
    await api(server.httpUrl, 'PUT', `${base()}/prefs`, { token: ws.editor.token, body: { email: 'immediate', push: false } });
    await edit('board', ws.editor.token, (doc) => {
      createNeed(doc, { id: 'ask1', kind: 'ask', title: 'Groceries for a family', category: 'food', area: 'Northside' }, { memberId: ws.editor.memberId, at: clock });
      placeInText(doc, 'ask1');
    });
    await edit(privateDocIdFor('board'), ws.admin.token, (doc) => {
      setContact(doc, 'ask1', { name: 'Dana Doe', phone: '+44 7700 900123', address: '12 Elm St' }, { memberId: ws.admin.memberId, at: clock });
    });
    await edit('board', ws.admin.token, (doc) => matchNeed(doc, 'ask1', { member: ws.viewer.memberId }, { memberId: ws.admin.memberId, at: clock }));
    await waitFor(() => push.accepted().length >= 1 && smtp.mails.length >= 2, { message: 'the push and the mail about the match' });
    await again('board');
    expect(push.requests.map((r) => r.path)).toEqual(['/cleo']);
    expect(JSON.parse(decryptPush(push.requests[0].body, cleo))).toMatchObject({ body: 'Your offer was matched with an ask: Groceries for a family', url: `/w/${ws.workspaceId}/d/board#block-ask1` });
    expect(smtp.mails).toHaveLength(2);
    expect(smtp.mails[1]).toMatchObject({ to: ['ben@example.org'], subject: 'Tenants union: Your ask was matched: Groceries for a family' });
    const everything = [smtp.mails[1].raw, decryptPush(push.requests[0].body, cleo)].join('\n');
    expect(everything).not.toMatch(/Dana|7700|Elm St|Northside/);
  });
});

describe('a subscription the browser replaced (pushsubscriptionchange)', () => {
  const renew = (body: unknown) => api(server.httpUrl, 'POST', '/api/notifications/push-change', { body });

  it('moves to the new endpoint with the old one’s secret, without a login; a wrong secret moves nothing', async () => {
    const old = await subscribe(ws.editor, 'ben-old');
    const fresh = testBrowser();
    const next = fresh.subscription(`${push.url}/ben-new`);
    const oldJson = old.subscription(`${push.url}/ben-old`);
    const wrong = await renew({ old: { endpoint: oldJson.endpoint, auth: testBrowser().subscription('x').keys.auth }, subscription: next });
    expect(wrong.status).toBe(404);
    expect((await renew({ old: { endpoint: oldJson.endpoint }, subscription: next })).status).toBe(400);
    expect((await renew({ old: { endpoint: oldJson.endpoint, auth: oldJson.keys.auth }, subscription: { endpoint: 'ftp://x' } })).status).toBe(400);
    const ok = await renew({ old: { endpoint: oldJson.endpoint, auth: oldJson.keys.auth }, subscription: next });
    expect(ok).toMatchObject({ status: 200, body: { renewed: 1 } });
    // A test notification now reaches the new endpoint, encrypted for the new keys.
    expect((await api(server.httpUrl, 'POST', `${base()}/test`, { token: ws.editor.token })).status).toBe(202);
    await waitFor(() => push.accepted().length === 1, { message: 'the test push' });
    expect(push.requests.map((r) => r.path)).toEqual(['/ben-new']);
    expect(JSON.parse(decryptPush(push.requests[0].body, fresh)).body).toBe('Notifications work on this device.');
    // The old endpoint proves nothing any more.
    expect((await renew({ old: { endpoint: oldJson.endpoint, auth: oldJson.keys.auth }, subscription: next })).status).toBe(404);
  });
});

describe('meetings', () => {
  it('15 minutes before a planned meeting a member is reminded, with nobody in the document; ending it tells them the minutes are ready', async () => {
    const ben = await subscribe(ws.editor, 'ben');
    const meetingAt = clock + 3_600_000;
    const actor = () => ({ memberId: ws.admin.memberId, at: clock });
    await edit('december', ws.admin.token, (doc) => {
      initDocument(doc, { kind: 'agenda', title: 'December meeting' }, actor());
      setMeetingTime(doc, meetingAt, actor());
    });
    // Recorded as a wake time once evaluated; then nobody has it open.
    await waitFor(async () => (await server.mutual.notifier.store.dueWakes(meetingAt, 10)).some((w) => w.docId === 'december'), { message: 'the wake time' });
    for (const c of clients.splice(0)) c.destroy();
    await server.mutual.notifier.tick();
    expect(push.requests).toEqual([]);
    clock = meetingAt - 15 * 60_000;
    await server.mutual.notifier.tick();
    await waitFor(() => push.accepted().length === 1, { message: 'the reminder' });
    expect(JSON.parse(decryptPush(push.requests[0].body, ben))).toMatchObject({ body: 'Meeting in 15 minutes: December meeting', url: `/w/${ws.workspaceId}/d/december` });
    await again('december');
    expect(push.requests).toHaveLength(1);

    clock = meetingAt;
    await edit('december', ws.admin.token, (doc) => startMeeting(doc, actor()));
    clock = meetingAt + 3_600_000;
    await edit('december', ws.admin.token, (doc) => endMeeting(doc, actor()));
    await waitFor(() => push.accepted().length === 2, { message: 'the minutes' });
    expect(JSON.parse(decryptPush(push.requests[1].body, ben))).toMatchObject({ body: 'Minutes are ready: December meeting', url: `/w/${ws.workspaceId}/d/december/minutes` });
  });
});

describe('newcomers', () => {
  it('someone joining by invite is told to members who offered to welcome newcomers, once', async () => {
    // Joins are stamped with the real time: the server's clock follows it here.
    clock = Date.now() + 60_000;
    const ada = await subscribe(ws.admin, 'ada');
    await subscribe(ws.editor, 'ben');
    // Quiet hours off: the clock is the real time of day here.
    expect((await api(server.httpUrl, 'PUT', `${base()}/prefs`, { token: ws.admin.token, body: { kinds: { 'newcomer-joined': true }, quiet: null } })).status).toBe(200);
    const joined = await api(server.httpUrl, 'POST', `/api/workspaces/${ws.workspaceId}/join`, { body: { invite: inviteSecret(ws.invites.viewer), name: 'Dee' } });
    expect(joined.status).toBe(201);
    // Ben and Cleo joined moments ago too (the test workspace's members): newcomers of the last two days are told.
    await waitFor(() => push.accepted().length === 3, { message: 'the welcome pushes' });
    // Evaluating a document (which looks for newcomers too) and a pass send nothing more.
    await again('plans');
    expect(push.requests.map((r) => r.path)).toEqual(['/ada', '/ada', '/ada']);
    const payloads = push.requests.map((r) => JSON.parse(decryptPush(r.body, ada)) as { body: string; url: string });
    expect(payloads.map((p) => p.body).sort()).toEqual(['Someone new joined: Ben. Say hello!', 'Someone new joined: Cleo. Say hello!', 'Someone new joined: Dee. Say hello!']);
    expect(payloads.every((p) => p.url === `/w/${ws.workspaceId}`)).toBe(true);
  });
});

async function linkDevice(member: { token: string }, deviceName: string): Promise<{ token: string }> {
  const made = await api(server.httpUrl, 'POST', `/api/workspaces/${ws.workspaceId}/device-links`, { token: member.token, body: {} });
  const secret = String(made.body.link).split('#')[1];
  const used = await api(server.httpUrl, 'POST', `/api/workspaces/${ws.workspaceId}/device-links/redeem`, { body: { secret, deviceName } });
  expect(used.status).toBe(201);
  return { token: used.body.token as string };
}

async function confirmEmailIn(member: { token: string }, address: string, locale: string): Promise<void> {
  const set = await api(server.httpUrl, 'PUT', `${base()}/email`, { token: member.token, body: { email: address, locale } });
  expect(set.status).toBe(202);
  const secret = /https:\/\/mutual\.example\.org\/confirm-email#([A-Za-z0-9_-]{43})/.exec(smtp.mails.at(-1)!.text)?.[1];
  expect((await api(server.httpUrl, 'POST', '/api/notifications/confirm-email', { body: { token: secret } })).status).toBe(200);
}

const openPaintProposal = () =>
  edit('meeting', ws.admin.token, (doc) => {
    const actor = { memberId: ws.admin.memberId, at: clock };
    createProposal(doc, { id: 'p1', title: 'Paint the hall', method: 'consent' }, actor);
    placeInText(doc, 'p1');
    openProposal(doc, 'p1', { deadline: clock + 72 * 3_600_000 }, actor);
  });

const handBenTheTask = () =>
  edit('tasks', ws.admin.token, (doc) => {
    const actor = { memberId: ws.admin.memberId, at: clock, serverAt: Date.now() };
    createTask(doc, { id: 't1', title: 'Buy paint' }, actor);
    placeInText(doc, 't1');
    reassignTask(doc, 't1', ws.editor.memberId, actor);
  });

const pushBody = (path: string, browser: TestBrowser) => JSON.parse(decryptPush(push.requests.find((r) => r.path === path)!.body, browser)).body;

/*
 * Issue 21: each device records its language when it subscribes (and again when the member
 * changes it); the member's mail has the language of the device that set the address or last
 * changed it. Member-written words (the proposal's title, the workspace's name) stay as written.
 */
describe('notifications in the member’s language', () => {
  it('a Spanish device gets Spanish pushes and an English one English; the same member’s two devices each in theirs', async () => {
    const laptop = await linkDevice(ws.editor, 'Laptop');
    const benPhone = await subscribe(ws.editor, 'ben-phone', 'es');
    const benLaptop = await subscribe(laptop, 'ben-laptop', 'en');
    const cleo = await subscribe(ws.viewer, 'cleo', 'es');
    await openPaintProposal();
    await waitFor(() => push.accepted().length >= 2, { message: 'a push to each of Ben’s devices' });
    expect(pushBody('/ben-phone', benPhone)).toBe('Abierta para tu voto: Paint the hall');
    expect(pushBody('/ben-laptop', benLaptop)).toBe('Open for your vote: Paint the hall');
    expect(push.requests.some((r) => r.path === '/cleo')).toBe(false); // a viewer does not vote
    expect(cleo).toBeDefined();

    // The member changes the laptop's language: the next push there is Spanish.
    const changed = await api(server.httpUrl, 'PUT', `${base()}/locale`, { token: laptop.token, body: { locale: 'es' } });
    expect(changed.status).toBe(200);
    expect(changed.body.push.locale).toBe('es');
    await handBenTheTask();
    await waitFor(() => push.accepted().length >= 4, { message: 'the task push to each device' });
    const taskPushes = push.requests.slice(2).map((r) => JSON.parse(decryptPush(r.body, r.path === '/ben-phone' ? benPhone : benLaptop)).body);
    expect(taskPushes).toEqual(['Te pasaron esta tarea: Buy paint', 'Te pasaron esta tarea: Buy paint']);
  });

  it('a member whose mail is Spanish gets Spanish mail (confirmation, notification, digest); an English one English', async () => {
    await confirmEmailIn(ws.editor, 'ben@example.org', 'es');
    expect(smtp.mails[0].subject).toBe('Tenants union: confirma tu correo electrónico');
    expect(smtp.mails[0].text).toContain('Alguien (esperamos que tú) pidió recordatorios de Tenants union');
    await confirmEmailIn(ws.admin, 'ada@example.org', 'en');
    expect(smtp.mails[1].subject).toBe('Tenants union: confirm your email address');
    await api(server.httpUrl, 'PUT', `${base()}/prefs`, { token: ws.editor.token, body: { email: 'immediate', push: false } });
    await api(server.httpUrl, 'PUT', `${base()}/prefs`, { token: ws.admin.token, body: { email: 'immediate' } });
    // The admin opens it (the opener is not told): Spanish mail to Ben.
    await openPaintProposal();
    await waitFor(() => smtp.mails.length === 3, { message: 'the mail about the proposal' });
    const ben = smtp.mails[2];
    expect(ben.to).toEqual(['ben@example.org']);
    expect(ben.subject).toBe('Tenants union: Abierta para tu voto: Paint the hall');
    expect(ben.text).toContain(`Ábrelo: https://mutual.example.org/w/${ws.workspaceId}/d/meeting#block-p1`);
    expect(ben.text).toContain('— Mutual, para Tenants union. Cambia lo que recibes:');

    // A daily digest, in Spanish, with its date in Spanish in the member's time zone.
    await api(server.httpUrl, 'PUT', `${base()}/prefs`, { token: ws.editor.token, body: { email: 'daily', timeZone: 'America/Mexico_City' } });
    clock = Date.parse('2026-11-30T20:00:00Z');
    await handBenTheTask();
    await waitFor(async () => (await server.mutual.notifier.store.listOutbox(ws.workspaceId, ws.editor.memberId)).some((r) => r.state === 'held'), { message: 'a held row' });
    clock = Date.parse('2026-12-01T14:00:00Z'); // 08:00 in Mexico City
    await server.mutual.notifier.tick();
    await waitFor(() => smtp.mails.length === 4, { message: 'the digest' });
    const digest = smtp.mails[3];
    expect(digest.subject).toBe('Tenants union: Te asignan una tarea');
    expect(digest.text).toContain('Desde el lunes, 30 de noviembre de 2026, 14:00');
    expect(digest.text).toContain('• Te pasaron esta tarea: Buy paint');
  });

  it('refuses a language Mutual does not speak, and a malformed one, with a clear error; nothing changes', async () => {
    await subscribe(ws.editor, 'ben', 'es');
    for (const locale of ['fr', 'ES', 42, '']) {
      const res = await api(server.httpUrl, 'PUT', `${base()}/locale`, { token: ws.editor.token, body: { locale } });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('locale must be one of: en, es.');
    }
    const bad = await api(server.httpUrl, 'PUT', `${base()}/push`, { token: ws.editor.token, body: { ...testBrowser().subscription(`${push.url}/ben`), locale: 'xx' } });
    expect(bad.status).toBe(400);
    expect((await api(server.httpUrl, 'GET', base(), { token: ws.editor.token })).body.push.locale).toBe('es');
    // An older client renewing without a locale keeps the device's language.
    await subscribe(ws.editor, 'ben2');
    expect((await api(server.httpUrl, 'GET', base(), { token: ws.editor.token })).body.push.locale).toBe('es');
  });
});

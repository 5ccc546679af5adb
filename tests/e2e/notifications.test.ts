/**
 * Notifications in a real browser (issue 19): a member turns notifications on from My work
 * (the browser's permission granted to the context; the subscription points at a push service
 * on loopback, because headless Chromium has no push service of its own), changes what they
 * get, sends a test: the relay's encrypted push reaches the loopback service, is decrypted
 * there with the subscription's keys, delivered to the app's service worker through the
 * DevTools protocol (ServiceWorker.deliverPushMessage), shown as a notification, and a click
 * on it takes the open window to the notification's page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, CDPSession } from 'playwright-core';
import { decryptPush, startPushService, testBrowser, type PushService, type TestBrowser } from '../helpers/push-service';
import { cleanupServer, launchBrowser, newDevice, shot, startServer, type RunningServer } from './harness';
import { createWorkspace, newDocument, watchErrors, waitForServiceWorker } from './app-flow';
import { startSmtp } from '../helpers/smtp';

let server: RunningServer;
let browser: Browser;
let push: PushService;

beforeAll(async () => {
  push = await startPushService();
  server = await startServer({ PUSH_ALLOW_HTTP: '1', NOTIFY_INTERVAL_MS: '200' });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await cleanupServer(server);
  await push?.close();
});

/** Make this context's PushManager hand out a subscription to the loopback push service. */
async function fakePushService(ctx: BrowserContext, keys: TestBrowser): Promise<void> {
  const json = keys.subscription(`${push.url}/device-a`);
  await ctx.addInitScript((sub) => {
    let current: object | null = null;
    const make = () => ({ endpoint: sub.endpoint, expirationTime: null, toJSON: () => ({ ...sub, expirationTime: null }), unsubscribe: async () => ((current = null), true) });
    PushManager.prototype.subscribe = async function () {
      current = make();
      return current as PushSubscription;
    };
    PushManager.prototype.getSubscription = async function () {
      return current as PushSubscription | null;
    };
  }, json);
}

/** The service worker's registration id, through a DevTools session (the one that later delivers the push). */
async function registrationId(cdp: CDPSession): Promise<string> {
  const found = new Promise<string>((resolve) => {
    cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
      const r = registrations.find((x: { scopeURL: string; isDeleted: boolean }) => x.scopeURL.startsWith(server.url) && !x.isDeleted);
      if (r) resolve(r.registrationId);
    });
  });
  await cdp.send('ServiceWorker.enable');
  return found;
}

describe('push notifications in the browser', () => {
  it('turns on from My work, shows a pushed notification, and a click opens its page', async () => {
    const ctx = await newDevice(browser);
    await ctx.grantPermissions(['notifications'], { origin: server.url });
    const keys = testBrowser();
    await fakePushService(ctx, keys);
    const { page, workspaceId } = await createWorkspace(ctx, server.url, 'Basement Pantry', 'Ana');
    const errors = watchErrors(page, 'A');
    const docId = await newDocument(page, 'page');

    await page.goto(`${server.url}/w/${workspaceId}/me`);
    const panel = page.locator('#notifications');
    await expect.poll(() => panel.getByTestId('push-state').textContent(), { timeout: 15_000 }).toBe('Get a notification on this device when something needs you.');
    // Subscribing needs the app's service worker installed (it caches the app first: slow on a busy machine).
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    await panel.getByRole('button', { name: 'Turn on notifications' }).click();
    await expect.poll(() => panel.getByTestId('push-state').textContent()).toBe('Notifications are on for this device.');
    // No SMTP on this server: no email settings.
    expect(await panel.getByText('Email', { exact: true }).count()).toBe(0);

    // What to hear about and when: saved for this member, shown again after a reload.
    await panel.getByLabel('Someone claims a task you created').check();
    await expect.poll(() => panel.getByRole('status').textContent()).toBe('Saved.');
    await panel.getByLabel('From').fill('22:30');
    await panel.getByLabel('From').dispatchEvent('change');
    await expect.poll(() => panel.getByRole('status').textContent()).toBe('Saved.');
    await shot(page, 'notifications-settings-1280');
    await page.setViewportSize({ width: 390, height: 844 });
    await panel.scrollIntoViewIfNeeded();
    await shot(page, 'notifications-settings-390');
    await page.setViewportSize({ width: 1280, height: 860 });
    await page.reload();
    await expect.poll(() => panel.getByLabel('Someone claims a task you created').isChecked(), { timeout: 15_000 }).toBe(true);
    expect(await panel.getByLabel('From').inputValue()).toBe('22:30');

    // A test notification: the relay's real encrypted push reaches the push service.
    await panel.getByRole('button', { name: 'Send a test' }).click();
    await expect.poll(() => push.accepted().length, { timeout: 15_000 }).toBe(1);
    const payload = decryptPush(push.accepted()[0].body, keys);
    expect(JSON.parse(payload)).toMatchObject({ title: 'Basement Pantry', body: 'Notifications work on this device.', url: `/w/${workspaceId}/me` });

    // The push service hands it to the browser: the service worker shows it.
    await page.goto(`${server.url}/w/${workspaceId}/d/${docId}`);
    await page.locator('.m-content').waitFor();
    // The worker takes the window to the notification's page: it must control this window.
    await waitForServiceWorker(page);
    const cdp = await ctx.newCDPSession(page);
    await cdp.send('ServiceWorker.deliverPushMessage', { origin: server.url, registrationId: await registrationId(cdp), data: payload });
    const shown = () => page.evaluate(async () => (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({ title: n.title, body: n.body, tag: n.tag })));
    // (10 s was not enough once, on a loaded CI machine at d691068; the cause was not found.)
    await expect.poll(shown, { timeout: 30_000 }).toEqual([{ title: 'Basement Pantry', body: 'Notifications work on this device.', tag: JSON.parse(payload).tag }]);

    // A click on it (dispatched in the worker: headless Chromium has no notification to click) opens its page in the open window.
    const [worker] = ctx.serviceWorkers();
    await worker.evaluate(async () => {
      // Worker-only names, typed here by hand (the tests compile with the DOM library).
      const scope = self as unknown as { registration: ServiceWorkerRegistration; dispatchEvent(e: Event): boolean; NotificationEvent: new (type: string, init: { notification: Notification }) => Event };
      const [n] = await scope.registration.getNotifications();
      scope.dispatchEvent(new scope.NotificationEvent('notificationclick', { notification: n }));
    });
    await page.waitForURL(`${server.url}/w/${workspaceId}/me`, { timeout: 10_000 });
    await expect.poll(shown).toEqual([]);

    // Off again for this device.
    await page.locator('#notifications').getByRole('button', { name: 'Turn off on this device' }).click();
    await expect.poll(() => page.getByTestId('push-state').textContent()).toBe('Get a notification on this device when something needs you.');
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('pushes are said in the device’s language: English when it subscribed, Spanish after the member picks Español', async () => {
    const ctx = await newDevice(browser);
    await ctx.grantPermissions(['notifications'], { origin: server.url });
    const keys = testBrowser();
    await fakePushService(ctx, keys);
    const { page, workspaceId } = await createWorkspace(ctx, server.url, 'Despensa del barrio', 'Ana');
    const errors = watchErrors(page, 'A');
    await page.goto(`${server.url}/w/${workspaceId}/me`);
    const panel = page.locator('#notifications');
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    await panel.getByRole('button', { name: 'Turn on notifications' }).click();
    await expect.poll(() => panel.getByTestId('push-state').textContent(), { timeout: 15_000 }).toBe('Notifications are on for this device.');
    const before = push.accepted().length;
    await panel.getByRole('button', { name: 'Send a test' }).click();
    await expect.poll(() => push.accepted().length, { timeout: 15_000 }).toBe(before + 1);
    expect(JSON.parse(decryptPush(push.accepted().at(-1)!.body, keys)).body).toBe('Notifications work on this device.');

    // The member picks Spanish: the page reloads, and the server is told this device's language.
    await page.goto(`${server.url}/w/${workspaceId}`);
    await page.getByRole('combobox', { name: 'Language' }).selectOption('es');
    await page.getByRole('combobox', { name: 'Idioma' }).waitFor({ timeout: 15_000 });
    await page.goto(`${server.url}/w/${workspaceId}/me`);
    const enviar = page.locator('#notifications').getByRole('button', { name: 'Enviar una prueba' });
    await enviar.waitFor({ timeout: 15_000 });
    await expect.poll(() => page.evaluate((id) => localStorage.getItem(`mutual-notify-locale:${id}`), workspaceId), { timeout: 15_000 }).toBe('es');
    await enviar.click();
    await expect.poll(() => push.accepted().length, { timeout: 15_000 }).toBe(before + 2);
    // Mutual's words in Spanish; the workspace's name as the members wrote it.
    expect(JSON.parse(decryptPush(push.accepted().at(-1)!.body, keys))).toMatchObject({ title: 'Despensa del barrio', body: 'Las notificaciones funcionan en este dispositivo.' });
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('with SMTP: a member adds an address, opens the link from the mail, and chooses a daily summary', async () => {
    const smtp = await startSmtp();
    const mailServer = await startServer((url) => ({ SMTP_URL: smtp.url, MAIL_FROM: 'Mutual <mutual@example.org>', PUBLIC_ORIGIN: url }));
    try {
      const ctx = await newDevice(browser, 'phone');
      const { page, workspaceId } = await createWorkspace(ctx, mailServer.url, 'Basement Pantry', 'Ana');
      const errors = watchErrors(page, 'A');
      await page.goto(`${mailServer.url}/w/${workspaceId}/me#notifications`);
      const panel = page.locator('#notifications');
      await panel.getByLabel('Email address').fill('ana@example.org');
      await panel.getByRole('button', { name: 'Send confirmation link' }).click();
      await expect.poll(() => panel.getByRole('status').textContent(), { timeout: 15_000 }).toBe('We sent a confirmation link to ana@example.org. Open it to start getting mail.');
      await expect.poll(() => panel.getByText('Waiting for you to open the link we sent to').count()).toBe(1);
      const link = /(http:\/\/127\.0\.0\.1:\d+\/confirm-email#[A-Za-z0-9_-]+)/.exec(smtp.mails[0].text)?.[1];
      expect(smtp.mails[0].to).toEqual(['ana@example.org']);
      expect(link).toBeDefined();
      await page.goto(link!);
      await expect.poll(() => page.getByRole('status').textContent(), { timeout: 15_000 }).toBe('Your address is confirmed: reminders from Basement Pantry can now reach you by mail.');
      await page.getByRole('link', { name: 'Choose what you get' }).click();
      await expect.poll(() => page.locator('#notifications').getByText('Mail goes to').count(), { timeout: 15_000 }).toBe(1);
      await page.locator('#notifications').getByLabel('Send email').selectOption('daily');
      await expect.poll(() => page.locator('#notifications').getByRole('status').textContent()).toBe('Saved.');
      await page.locator('#notifications').getByLabel('Send email').scrollIntoViewIfNeeded();
      await shot(page, 'notifications-email-360');
      // Nothing wider than a phone: the page never scrolls sideways.
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      await page.reload();
      await expect.poll(() => page.locator('#notifications').getByLabel('Send email').inputValue(), { timeout: 15_000 }).toBe('daily');
      expect(errors).toEqual([]);
      await ctx.close();
    } finally {
      await cleanupServer(mailServer);
      await smtp.close();
    }
  });

  it('a subscription the browser replaces is renewed by the service worker, and pushes reach the new one', async () => {
    const ctx = await newDevice(browser);
    await ctx.grantPermissions(['notifications'], { origin: server.url });
    const keys = testBrowser();
    await fakePushService(ctx, keys);
    const { page, workspaceId } = await createWorkspace(ctx, server.url, 'Night Shelter', 'Bo');
    const errors = watchErrors(page, 'B');
    await page.goto(`${server.url}/w/${workspaceId}/me`);
    const panel = page.locator('#notifications');
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    await panel.getByRole('button', { name: 'Turn on notifications' }).click();
    await expect.poll(() => panel.getByTestId('push-state').textContent(), { timeout: 15_000 }).toBe('Notifications are on for this device.');

    // The browser replaces the subscription: the event is dispatched inside the worker (headless
    // Chromium has no push service to expire one), with the old subscription and the new one.
    const fresh = testBrowser();
    const change = { old: keys.subscription(`${push.url}/device-a`), next: fresh.subscription(`${push.url}/device-renewed`) };
    const worker = ctx.serviceWorkers()[0] ?? (await ctx.waitForEvent('serviceworker'));
    await worker.evaluate(async ({ old, next }) => {
      // Worker-only names, typed here by hand (the tests compile with the DOM library).
      const scope = self as unknown as { dispatchEvent(e: Event): boolean; ExtendableEvent: new (type: string) => Event };
      const bytes = (b64: string) => Uint8Array.from(atob(b64.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)).buffer;
      const event = new scope.ExtendableEvent('pushsubscriptionchange');
      Object.defineProperty(event, 'oldSubscription', { value: { endpoint: old.endpoint, options: {}, getKey: (name: 'auth' | 'p256dh') => bytes(old.keys[name]) } });
      Object.defineProperty(event, 'newSubscription', { value: { endpoint: next.endpoint, toJSON: () => ({ ...next, expirationTime: null }) } });
      // The worker's handler hands its work to waitUntil: kept here to wait until the server has it.
      let work: Promise<unknown> = Promise.reject(new Error('the worker did not handle pushsubscriptionchange'));
      Object.defineProperty(event, 'waitUntil', { value: (p: Promise<unknown>) => void (work = p) });
      scope.dispatchEvent(event);
      await work;
    }, change);

    // A test notification now goes to the new endpoint, encrypted for the new keys.
    await panel.getByRole('button', { name: 'Send a test' }).click();
    await expect.poll(() => push.accepted().some((r) => r.path === '/device-renewed'), { timeout: 15_000 }).toBe(true);
    const renewed = push.accepted().find((r) => r.path === '/device-renewed')!;
    expect(JSON.parse(decryptPush(renewed.body, fresh))).toMatchObject({ title: 'Night Shelter', body: 'Notifications work on this device.' });
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('an agenda gets a date and time, shown in plain words in the member’s own time zone', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 }, deviceScaleFactor: 1, timezoneId: 'America/New_York' });
    const { page } = await createWorkspace(ctx, server.url, 'Night Shelter', 'Bo');
    const errors = watchErrors(page, 'C');
    await newDocument(page, 'agenda');
    const when = page.getByTestId('meeting-time');
    await when.getByRole('button', { name: 'Set date and time' }).click();
    await when.getByLabel('Meeting date and time').fill('2026-12-01T18:30');
    await when.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => when.getByTestId('meeting-when').textContent()).toMatch(/^Tuesday,? 1 December 2026 at 18:30$/);
    await shot(page, 'meeting-time-1280');
    // Kept in the document: after a reload it is still there.
    await page.reload();
    await expect.poll(() => page.getByTestId('meeting-when').textContent(), { timeout: 15_000 }).toMatch(/1 December 2026 at 18:30$/);
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, 'meeting-time-390');
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await page.getByTestId('meeting-time').getByRole('button', { name: 'Change' }).click();
    await page.getByTestId('meeting-time').getByRole('button', { name: 'No date' }).click();
    await expect.poll(() => page.getByTestId('meeting-time').textContent()).toContain('No date set');
    expect(errors).toEqual([]);
    await ctx.close();
  });
});

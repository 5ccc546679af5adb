/**
 * Notification settings of the calling member and device (issue 19; docs/protocol.md,
 * "Notifications"):
 *   GET    /api/workspaces/:id/notifications          what this member gets, this device's push state, email state
 *   PUT    /api/workspaces/:id/notifications/prefs    change preferences (kinds, push, email mode, quiet hours, time zone)
 *   PUT    /api/workspaces/:id/notifications/push     subscribe this device (a browser PushSubscription as JSON, and its `locale`)
 *   DELETE /api/workspaces/:id/notifications/push     unsubscribe this device
 *   POST   /api/workspaces/:id/notifications/test     send a test notification to this device
 *   PUT    /api/workspaces/:id/notifications/email    set an address (and its mail's `locale`); a confirmation link is mailed (404 without SMTP)
 *   PUT    /api/workspaces/:id/notifications/locale   {"locale"}: the language this device's pushes and the member's mail are said in
 *   DELETE /api/workspaces/:id/notifications/email    forget the address
 *   POST   /api/notifications/confirm-email           {"token"}: confirm an address (the link's secret; no login needed)
 *   POST   /api/notifications/push-change             the browser replaced a subscription (service worker; no login: push-subscriptions.ts)
 * Everything is the caller's own: no member reads or changes another's settings.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DEFAULT_PREFS, KIND_LABELS, NotificationKinds, parsePrefs } from '#shared/notifications/prefs';
import type { Auth } from '../auth/auth.ts';
import { hashSecret, newSecret } from '../auth/secrets.ts';
import type { AuthenticatedMember } from '../auth/types.ts';
import type { Logger } from '../log.ts';
import { deviceKeyOf } from '../notifications/device-key.ts';
import { prefsOf } from '../notifications/recorder.ts';
import { acceptedLocale, confirmMail, kindKey, kindNameIn, locales, supportedLocale, testText } from '../notifications/words.ts';
import type { Notifier } from '../notifications/notifier.ts';
import { pushSubscription, renewSubscriptions } from './push-subscriptions.ts';
import { clientAddress, limiter } from './rate-limits.ts';
import type { SharedBuckets } from './shared-buckets.ts';
import { HttpError, readJsonObject, sendError, sendJson } from './respond.ts';
import { ErrorCode } from '#shared/error-codes';
import { onlyFields, requireId } from './validate.ts';

export interface NotificationsApiOptions {
  auth: Auth;
  notifier: Notifier;
  logger: Logger;
  publicOrigin: string;
  trustProxy: boolean;
  pushAllowHttp: boolean;
  now?: () => number;
  /** Rate-limit buckets shared by every instance (FANOUT=redis). */
  sharedBuckets?: SharedBuckets;
}

/** A confirmation link works this long. */
const CONFIRM_MS = 48 * 3_600_000;
/**
 * The `locale` a client sent (issue 21): absent is `undefined` (an older client: nothing
 * changes), else one of the languages Mutual speaks.
 */
function localeField(body: Record<string, unknown>): string | undefined {
  if (body.locale === undefined) return undefined;
  const locale = supportedLocale(body.locale);
  if (!locale) throw new HttpError(400, `locale must be one of: ${locales.join(', ')}.`);
  return locale;
}

const EMAIL = /^[^\s@<>()",;:\\[\]]{1,64}@[A-Za-z0-9.-]{1,200}\.[A-Za-z]{2,}$/;

interface Caller {
  member: AuthenticatedMember;
  /** This device: its id with its workspace and member (server/notifications/device-key.ts). */
  deviceKey: string;
  /** The language the request asks for (Accept-Language), if Mutual speaks it. */
  locale: string | null;
}

export function createNotificationsApi(opts: NotificationsApiOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  const { auth, notifier, logger } = opts;
  const { store } = notifier;
  const now = opts.now ?? Date.now;
  const shared = opts.sharedBuckets;
  const prefsLimit = limiter('notify-prefs', { burst: 60, perHour: 600 }, 'Too many changes from this address.', shared);
  const emailLimit = limiter('notify-email', { burst: 3, perHour: 6 }, 'Too many confirmation mails for this member.', shared);
  const testLimit = limiter('notify-test', { burst: 5, perHour: 60 }, 'Too many test notifications from this device.', shared);
  const confirmLimit = limiter('notify-confirm', { burst: 20, perHour: 60 }, 'Too many confirmation attempts from this address.', shared);
  const renewLimit = limiter('notify-renew', { burst: 20, perHour: 120 }, 'Too many subscription renewals from this address.', shared);

  const caller = async (req: IncomingMessage, workspaceId: string): Promise<Caller> => {
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    const member = match ? await auth.authenticate(match[1]) : null;
    if (!member) throw new HttpError(401, 'This token is not valid or its access was removed.', { 'www-authenticate': 'Bearer' }, ErrorCode.tokenInvalid);
    if (member.workspaceId !== workspaceId) throw new HttpError(403, 'This token belongs to another workspace.', {}, ErrorCode.wrongWorkspace);
    return { member, deviceKey: deviceKeyOf(member), locale: acceptedLocale(req.headers['accept-language']) };
  };

  const state = async ({ member, deviceKey, locale }: Caller) => {
    const { workspaceId, memberId } = member;
    const sub = await store.getSubscription(deviceKey);
    const email = notifier.emailEnabled ? await store.getEmail(workspaceId, memberId) : null;
    return {
      prefs: await prefsOf(store, workspaceId, memberId),
      defaults: DEFAULT_PREFS,
      // `label` stays the stable English name; `name` is in the request's language (else this
      // device's, else English) and `key` is the message a client translates itself (issue 21).
      kinds: NotificationKinds.map((kind) => ({ kind, label: KIND_LABELS[kind], key: kindKey(kind), name: kindNameIn(kind, locale ?? sub?.locale) })),
      push: { vapidPublicKey: notifier.vapidPublicKey, subscribed: sub !== null, devices: (await store.listSubscriptions(workspaceId, memberId)).length, locale: sub?.locale ?? null },
      email: notifier.emailEnabled ? { available: true, address: email?.email ?? null, confirmed: Boolean(email?.confirmedAt), locale: email?.locale ?? null } : { available: false }
    };
  };

  const setEmail = async (req: IncomingMessage, c: Caller) => {
    if (!notifier.emailEnabled || !notifier.mailer) throw new HttpError(404, 'This server does not send email.', {}, ErrorCode.emailDisabled);
    const body = await readJsonObject(req);
    onlyFields(body, ['email', 'locale']);
    const email = typeof body.email === 'string' ? body.email.trim() : '';
    if (email.length > 254 || !EMAIL.test(email)) throw new HttpError(400, 'That does not look like an email address.');
    const locale = localeField(body) ?? null;
    const { workspaceId, memberId } = c.member;
    await emailLimit.take(`${workspaceId}/${memberId}`);
    const secret = newSecret();
    await store.setEmail(workspaceId, memberId, email, hashSecret(secret), now() + CONFIRM_MS, locale);
    const workspace = (await auth.workspaceName(workspaceId)) ?? 'Mutual';
    const mail = confirmMail(workspace, `${opts.publicOrigin}/confirm-email#${secret}`, locale);
    const sent = await notifier.mailer.send({ to: email, ...mail, idempotencyKey: `confirm|${secret}` });
    if (!sent.ok) {
      logger.warn('confirmation-mail-failed', { workspace: workspaceId, member: memberId, error: sent.error });
      throw new HttpError(502, 'The confirmation mail could not be sent. Please try again later.', {}, ErrorCode.mailFailed);
    }
  };

  const routes: Record<string, (req: IncomingMessage, res: ServerResponse, c: Caller) => Promise<void>> = {
    'GET ': async (_req, res, c) => sendJson(res, 200, await state(c)),
    'PUT prefs': async (req, res, c) => {
      await prefsLimit.take(clientAddress(req, opts.trustProxy));
      const { locale: _locale, ...body } = await readJsonObject(req);
      const locale = localeField({ locale: _locale });
      const { workspaceId, memberId } = c.member;
      const next = parsePrefs(body, await prefsOf(store, workspaceId, memberId));
      if (typeof next === 'string') throw new HttpError(400, next);
      await store.setPrefs(workspaceId, memberId, next);
      if (locale) await store.setLocale(c.deviceKey, c.member, locale);
      sendJson(res, 200, await state(c));
    },
    'PUT push': async (req, res, c) => {
      const { locale: _locale, ...body } = await readJsonObject(req);
      const sub = pushSubscription(body, opts.pushAllowHttp);
      // Without a locale (an older client) a renewed subscription keeps the language it had.
      const locale = localeField({ locale: _locale }) ?? (await store.getSubscription(c.deviceKey))?.locale ?? null;
      await store.putSubscription({ ...sub, deviceKey: c.deviceKey, workspaceId: c.member.workspaceId, memberId: c.member.memberId, createdAt: now(), locale });
      sendJson(res, 200, await state(c));
    },
    'PUT locale': async (req, res, c) => {
      await prefsLimit.take(clientAddress(req, opts.trustProxy));
      const body = await readJsonObject(req);
      onlyFields(body, ['locale']);
      const locale = localeField(body);
      if (!locale) throw new HttpError(400, `locale must be one of: ${locales.join(', ')}.`);
      await store.setLocale(c.deviceKey, c.member, locale);
      sendJson(res, 200, await state(c));
    },
    'DELETE push': async (_req, res, c) => {
      await store.deleteSubscription(c.deviceKey);
      sendJson(res, 204, null);
    },
    'POST test': async (_req, res, c) => {
      if (!(await store.getSubscription(c.deviceKey))) throw new HttpError(409, 'This device is not subscribed to notifications.', {}, ErrorCode.notSubscribed);
      await testLimit.take(c.deviceKey);
      const { workspaceId, memberId } = c.member;
      const title = (await auth.workspaceName(workspaceId)) ?? 'Mutual';
      const at = now();
      const sub = await store.getSubscription(c.deviceKey);
      const content = { kind: 'test', title, body: testText(sub?.locale ?? null), url: `/w/${workspaceId}/me` };
      await store.record([{ eventKey: `test:${c.deviceKey}:${at}`, workspaceId, memberId, target: `push:${c.deviceKey}`, content, state: 'pending', createdAt: at, nextAt: at }]);
      notifier.kick();
      sendJson(res, 202, { queued: true });
    },
    'PUT email': async (req, res, c) => {
      await setEmail(req, c);
      sendJson(res, 202, await state(c));
    },
    'DELETE email': async (_req, res, c) => {
      await store.deleteEmail(c.member.workspaceId, c.member.memberId);
      sendJson(res, 204, null);
    }
  };

  const confirm = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST') throw new HttpError(405, 'Use POST for this address.', { allow: 'POST' });
    await confirmLimit.take(clientAddress(req, opts.trustProxy));
    const body = await readJsonObject(req);
    onlyFields(body, ['token']);
    const token = typeof body.token === 'string' && body.token.length <= 256 ? body.token : '';
    const who = token ? await store.confirmEmail(hashSecret(token), now()) : null;
    if (!who) throw new HttpError(404, 'This confirmation link is not valid any more. Add the address again to get a new one.', {}, ErrorCode.confirmationInvalid);
    sendJson(res, 200, { workspaceId: who.workspaceId, workspaceName: await auth.workspaceName(who.workspaceId) });
  };

  const renew = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST') throw new HttpError(405, 'Use POST for this address.', { allow: 'POST' });
    await renewLimit.take(clientAddress(req, opts.trustProxy));
    const moved = await renewSubscriptions(store, await readJsonObject(req), opts.pushAllowHttp, now());
    if (moved === 0) throw new HttpError(404, 'No subscription on this server matches the old one.');
    sendJson(res, 200, { renewed: moved });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, parts: string[]) => {
    if (parts[1] === 'notifications') return parts[2] === 'push-change' ? renew(req, res) : confirm(req, res);
    const workspaceId = requireId(parts[2], 'The workspace id');
    const method = req.method === 'HEAD' ? 'GET' : (req.method ?? '');
    const route = routes[`${method} ${parts[4] ?? ''}`];
    if (!route) throw new HttpError(Object.keys(routes).some((k) => k.endsWith(` ${parts[4] ?? ''}`)) ? 405 : 404, 'There is nothing to do with this method at this address.');
    await route(req, res, await caller(req, workspaceId));
  };

  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const parts = path.split('/').filter((s) => s !== '');
    const ours = (parts.length === 3 && parts[1] === 'notifications' && (parts[2] === 'confirm-email' || parts[2] === 'push-change')) || (parts[1] === 'workspaces' && parts[3] === 'notifications' && parts.length <= 5);
    if (parts[0] !== 'api' || !ours) return false;
    handle(req, res, parts).catch((err: unknown) => {
      if (err instanceof HttpError) return sendError(res, err.status, err.message, err.headers, err.code);
      logger.error('http-error', { method: req.method, path: '/api/…/notifications', error: err instanceof Error ? err.message : String(err) });
      sendError(res, 500, 'Something went wrong on the server. Please try again.');
    });
    return true;
  };
}

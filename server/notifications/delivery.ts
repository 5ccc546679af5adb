/**
 * Sending what the outbox holds (issue 19). Each pass claims due rows (one instance per row,
 * server/notifications/types.ts `claimDue`), sends each once, and records the outcome:
 * sent; tried again later with backoff (a push service or mail server that fails or does not
 * answer); or ended with the reason (the device unsubscribed, the member was removed, the
 * retries ran out). Digests bundle a member's held email rows once per period.
 *
 * Exactly once: a row exists before anything is sent, so a crash before sending leaves it
 * pending (sent after the restart) and never loses it. A crash after the push service or mail
 * server took it but before `finish` recorded it resends it once the claim's lease runs out;
 * that resend carries the same Topic (push services replace the first) and the same
 * Message-ID, and the service worker shows it under the same tag, so the member still sees
 * one notification.
 */
import { DIGEST_LOCAL_MINUTES, digestPeriod, localParts, type NotificationKind } from '#shared/notifications/prefs';
import type { Auth } from '../auth/auth.ts';
import { errorMessage, type Logger } from '../log.ts';
import { deviceOfKey } from './device-key.ts';
import type { Mailer } from './mail.ts';
import { topicOf, type PushSender } from './push.ts';
import { prefsOf } from './recorder.ts';
import type { NotificationStore, OutboxOutcome, OutboxRow } from './types.ts';
import { bodyIn, digestHeading, mailText } from './words.ts';

export interface DeliveryPolicy {
  /** Rows claimed per pass. */
  batch: number;
  /** How long a claim holds a row before another instance may take it (longer than one send's timeout). */
  leaseMs: number;
  /** First retry after this long, doubling each time… */
  retryBaseMs: number;
  /** …up to this. */
  retryMaxMs: number;
  /** Give up on a row this long after it was recorded. */
  giveUpMs: number;
  /** Push time-to-live at the push service (seconds). */
  pushTtlSeconds: number;
}

export const DEFAULT_DELIVERY: Readonly<DeliveryPolicy> = Object.freeze({
  batch: 20,
  leaseMs: 60_000,
  retryBaseMs: 30_000,
  retryMaxMs: 3_600_000,
  giveUpMs: 24 * 3_600_000,
  pushTtlSeconds: 24 * 3600
});

export interface DeliveryOptions {
  store: NotificationStore;
  auth: Pick<Auth, 'getMember' | 'listDevices'>;
  push: PushSender | null;
  mailer: Mailer | null;
  /** Origin of links in mails (PUBLIC_ORIGIN). */
  origin: string;
  logger: Logger;
  now: () => number;
  policy: DeliveryPolicy;
  /** Aborted when the server shuts down: sends in flight end at once (their rows are tried again later). */
  signal: AbortSignal;
}

/** The outcome of a failure: retry with backoff, or give up with the reason. */
export function retryOutcome(row: Pick<OutboxRow, 'attempts' | 'createdAt'>, error: string, retry: boolean, now: number, policy: DeliveryPolicy): OutboxOutcome {
  if (!retry) return { state: 'failed', error };
  if (now - row.createdAt >= policy.giveUpMs) return { state: 'failed', error: `gave up after ${row.attempts} attempts: ${error}` };
  const wait = Math.min(policy.retryBaseMs * 2 ** Math.max(0, row.attempts - 1), policy.retryMaxMs);
  return { state: 'pending', nextAt: now + wait, error };
}

/** Whether a row held at `createdAt` was held before the digest period open at `at` began (08:00 local that day). */
function heldBefore(createdAt: number, at: number, timeZone: string): boolean {
  const row = localParts(createdAt, timeZone);
  const period = localParts(at, timeZone);
  return row.date < period.date || (row.date === period.date && row.minutes < DIGEST_LOCAL_MINUTES);
}

/** `promise`, or a rejection as soon as `signal` aborts. */
function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Error('the server is shutting down'));
  return new Promise<T>((resolve, reject) => {
    const stop = () => reject(new Error('the server is shutting down'));
    signal.addEventListener('abort', stop, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', stop));
  });
}

export function createDelivery({ store, auth, push, mailer, origin, logger, now, policy, signal }: DeliveryOptions) {
  const deviceActive = async (deviceKey: string): Promise<boolean> => {
    const device = deviceOfKey(deviceKey);
    if (!device) return false;
    const devices = await auth.listDevices(device.workspaceId, device.memberId);
    return devices.some((d) => d.deviceId === device.deviceId && !d.revoked);
  };

  const sendPush = async (row: OutboxRow, deviceKey: string): Promise<OutboxOutcome> => {
    const sub = await store.getSubscription(deviceKey);
    if (!sub || sub.workspaceId !== row.workspaceId || sub.memberId !== row.memberId) return { state: 'dropped', error: 'the device stopped receiving notifications' };
    if (!(await deviceActive(deviceKey))) {
      // Removed (its subscription is normally deleted then; this catches a removal whose clean-up never ran).
      await store.deleteSubscription(deviceKey);
      return { state: 'dropped', error: 'the device was removed' };
    }
    if (!push) return { state: 'dropped', error: 'push is not available on this server' };
    const tag = topicOf(row.eventKey);
    // Said in this device's language (issue 21: the language it subscribed with, or last chose).
    const payload = JSON.stringify({ title: row.content.title, body: bodyIn(row.content, sub.locale), url: row.content.url, tag });
    const result = await push.send(sub, { payload, topic: tag, ttl: policy.pushTtlSeconds }, signal);
    if (result.ok) return { state: 'sent', at: now() };
    if (result.gone) {
      await store.deleteSubscription(deviceKey);
      return { state: 'dropped', error: result.error };
    }
    return retryOutcome(row, result.error, result.retry, now(), policy);
  };

  const sendEmail = async (row: OutboxRow): Promise<OutboxOutcome> => {
    const email = await store.getEmail(row.workspaceId, row.memberId);
    if (!email?.confirmedAt) return { state: 'dropped', error: 'no confirmed email address' };
    if (!mailer) return { state: 'dropped', error: 'email is not configured on this server' };
    const body = bodyIn(row.content, email.locale);
    const subject = `${row.content.title}: ${body.split('\n')[0]}`.slice(0, 160);
    const text = mailText(row.content, body, origin, row.workspaceId, email.locale);
    const result = await unlessAborted(mailer.send({ to: email.email, subject, text, idempotencyKey: `${row.eventKey}|${row.memberId}` }), signal);
    return result.ok ? { state: 'sent', at: now() } : retryOutcome(row, result.error, result.retry, now(), policy);
  };

  const sendRow = async (row: OutboxRow): Promise<OutboxOutcome> => {
    // Removed members receive nothing more, whatever was recorded for them.
    const member = await auth.getMember(row.workspaceId, row.memberId);
    if (!member || member.revoked) return { state: 'dropped', error: 'no longer a member' };
    return row.target === 'email' ? sendEmail(row) : sendPush(row, row.target.slice('push:'.length));
  };

  /** Send what is due; resolves to the rows handled. */
  async function deliverDue(): Promise<number> {
    const rows = await store.claimDue(now(), policy.batch, policy.leaseMs);
    await Promise.all(
      rows.map(async (row) => {
        let outcome: OutboxOutcome;
        try {
          outcome = await sendRow(row);
        } catch (err) {
          outcome = retryOutcome(row, errorMessage(err), true, now(), policy);
        }
        await store.finish(row.id, outcome);
        const fields = { workspace: row.workspaceId, member: row.memberId, channel: row.target === 'email' ? 'email' : 'push', kind: row.content.kind, attempts: row.attempts };
        if (outcome.state === 'sent') logger.info('notification-sent', fields);
        else if (outcome.state === 'pending') logger.warn('notification-retry', { ...fields, error: outcome.error });
        else logger.warn(`notification-${outcome.state}`, { ...fields, error: outcome.error });
      })
    );
    return rows.length;
  }

  /** Bundle held email rows of members whose digest period has come; resolves to the digests made. */
  async function makeDigests(): Promise<number> {
    let made = 0;
    for (const { workspaceId, memberId } of await store.membersWithHeld()) {
      const prefs = await prefsOf(store, workspaceId, memberId);
      const at = now();
      // Switched to immediate mail: what was held goes out now as one mail.
      const period = prefs.email === 'immediate' ? `now:${at}` : digestPeriod(at, prefs.email, prefs.timeZone);
      if (period === null) continue;
      // A period's digest bundles what was held before the period began (08:00 local time).
      const held = (await store.heldRows(workspaceId, memberId)).filter((r) => prefs.email === 'immediate' || heldBefore(r.createdAt, at, prefs.timeZone));
      if (held.length === 0) continue;
      // Said in the language of the member's mail (the digest is made for that one mail).
      const locale = (await store.getEmail(workspaceId, memberId))?.locale ?? null;
      const lines = held.map((r) => `• ${bodyIn(r.content, locale)}\n  ${origin}${r.content.url}`);
      const heading = digestHeading(held.map((r) => r.content.kind as NotificationKind), held.length, held[0].createdAt, prefs.timeZone, locale);
      const content = { kind: 'digest', title: held[0].content.title, body: `${heading}\n\n${lines.join('\n')}`, url: `/w/${workspaceId}/me` };
      const eventKey = `digest:${workspaceId}:${period}`;
      const ok = await store.bundleDigest({ eventKey, workspaceId, memberId, target: 'email', content, state: 'pending', createdAt: at, nextAt: at }, held.map((r) => r.id));
      if (ok) made++;
    }
    return made;
  }

  return { deliverDue, makeDigests };
}

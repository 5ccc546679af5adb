/**
 * Members' notification settings in a server backup (issue 19): each member's preferences and
 * their CONFIRMED email address (with the language its mail is said in). Never push subscriptions: a subscription's endpoint and auth
 * secret are a device's secrets (like tokens, which a backup holds only as hashes) and are
 * bound to the server's VAPID key, which a workspace backup does not carry; after a restore
 * each device turns notifications on again. Never the outbox either (what was sent is the
 * server's record, not the workspace's).
 */
import { isValidId } from '../protocol.ts';
import { parsePrefs, type NotificationPrefs } from '../notifications/prefs.ts';

export interface BackupNotificationSettings {
  prefs: { memberId: string; prefs: NotificationPrefs }[];
  /** Confirmed addresses only (an unconfirmed one is forgotten: the member adds it again). */
  emails: { memberId: string; email: string; locale?: string }[];
}

const LANGUAGE_TAG = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$/;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Read the `notifications` field of a backup; `fail` throws with the reason. */
export function parseNotificationSettings(value: unknown, fail: (why: string) => never): BackupNotificationSettings {
  if (!isObj(value) || !Array.isArray(value.prefs) || !Array.isArray(value.emails)) return fail('notifications is malformed');
  const prefs = value.prefs.map((p: unknown, i) => {
    if (!isObj(p) || !isValidId(p.memberId)) return fail(`notification preferences ${i + 1} are malformed`);
    const parsed = parsePrefs(p.prefs);
    if (typeof parsed === 'string') return fail(`notification preferences ${i + 1}: ${parsed}`);
    return { memberId: p.memberId, prefs: parsed };
  });
  const emails = value.emails.map((e: unknown, i) => {
    if (!isObj(e) || !isValidId(e.memberId) || typeof e.email !== 'string' || e.email.length > 254 || !e.email.includes('@')) return fail(`email address ${i + 1} is malformed`);
    // The mail's language (issue 21; absent in older backups): a language tag, which the server checks it speaks.
    const locale = typeof e.locale === 'string' && LANGUAGE_TAG.test(e.locale) ? { locale: e.locale } : {};
    return { memberId: e.memberId, email: e.email, ...locale };
  });
  return { prefs, emails };
}

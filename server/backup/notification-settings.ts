/**
 * Members' notification settings into and out of a server backup (issue 19; what is kept and
 * why: src/lib/shared/backup/notification-settings.ts).
 */
import type { BackupNotificationSettings } from '#shared/backup/notification-settings';
import { parsePrefs } from '#shared/notifications/prefs';
import { hashSecret, newSecret } from '../auth/secrets.ts';
import type { NotificationStore } from '../notifications/types.ts';
import { supportedLocale } from '../notifications/words.ts';

/** Each member's stored preferences and confirmed address. */
export async function readNotificationSettings(store: NotificationStore, workspaceId: string, memberIds: readonly string[]): Promise<BackupNotificationSettings> {
  const out: BackupNotificationSettings = { prefs: [], emails: [] };
  for (const memberId of memberIds) {
    const stored = await store.getPrefs(workspaceId, memberId);
    const prefs = stored === null ? null : parsePrefs(stored);
    if (prefs !== null && typeof prefs !== 'string') out.prefs.push({ memberId, prefs });
    const email = await store.getEmail(workspaceId, memberId);
    if (email?.confirmedAt) out.emails.push({ memberId, email: email.email, ...(email.locale ? { locale: email.locale } : {}) });
  }
  return out;
}

/**
 * Replace the workspace's settings with the backup's: everything the members in `previous`
 * (the workspace as it was here) had is forgotten first, then preferences and confirmed
 * addresses are written (an address is confirmed again at `now`).
 */
export async function writeNotificationSettings(store: NotificationStore, workspaceId: string, previous: readonly string[], settings: BackupNotificationSettings | undefined, now: number): Promise<void> {
  for (const memberId of previous) await store.forgetMember(workspaceId, memberId);
  if (!settings) return;
  for (const p of settings.prefs) await store.setPrefs(workspaceId, p.memberId, p.prefs);
  for (const e of settings.emails) {
    const hash = hashSecret(newSecret());
    await store.setEmail(workspaceId, e.memberId, e.email, hash, now + 60_000, supportedLocale(e.locale));
    await store.confirmEmail(hash, now);
  }
}

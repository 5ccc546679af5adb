import { m } from '../paraglide/messages.js';
import { timeAgo } from '../i18n/format.ts';

/** "Active now", "Seen 5 minutes ago", "Seen 3 days ago": when a device last reached the server, in words. */
export function describeLastSeen(lastSeenAt: number | null, now: number): string {
  if (lastSeenAt === null) return m.last_seen_not_yet();
  const minutes = Math.floor(Math.max(0, now - lastSeenAt) / 60_000);
  if (minutes < 2) return m.device_list_active_now();
  if (minutes < 60) return m.last_seen({ ago: timeAgo(minutes, 'minute') });
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return m.last_seen({ ago: timeAgo(hours, 'hour') });
  return m.last_seen({ ago: timeAgo(Math.floor(hours / 24), 'day') });
}

/** "Active now", "Seen 5 minutes ago", "Seen 3 days ago": when a device last reached the server, in words. */
export function describeLastSeen(lastSeenAt: number | null, now: number): string {
  if (lastSeenAt === null) return 'Not seen yet';
  const minutes = Math.floor(Math.max(0, now - lastSeenAt) / 60_000);
  if (minutes < 2) return 'Active now';
  if (minutes < 60) return `Seen ${minutes} minutes ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `Seen ${hours} hour${hours === 1 ? '' : 's'} ago`;
  const days = Math.floor(hours / 24);
  return `Seen ${days} day${days === 1 ? '' : 's'} ago`;
}

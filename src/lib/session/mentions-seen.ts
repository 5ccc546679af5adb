/**
 * When this member last opened each comment thread, on this device (issue 22): a mention stays
 * in "What needs me" until its thread is opened. Kept in localStorage per workspace and member
 * (small: one number per thread opened); a device that never opened a thread lists its mentions.
 */

const key = (workspaceId: string, memberId: string) => `mutual:mentions-seen:${workspaceId}:${memberId}`;

function read(workspaceId: string, memberId: string): Record<string, number> {
  try {
    const raw: unknown = JSON.parse(localStorage.getItem(key(workspaceId, memberId)) ?? '{}');
    return typeof raw === 'object' && raw !== null ? (raw as Record<string, number>) : {};
  } catch {
    return {}; // unreadable: every mention shows again, nothing is lost
  }
}

/** When the member last opened each thread (0: never). */
export function seenThreads(workspaceId: string, memberId: string): (threadId: string) => number {
  const seen = read(workspaceId, memberId);
  return (threadId) => (typeof seen[threadId] === 'number' ? seen[threadId] : 0);
}

/** The member opened a thread now. */
export function markThreadSeen(workspaceId: string, memberId: string, threadId: string, at = Date.now()): void {
  const seen = read(workspaceId, memberId);
  seen[threadId] = at;
  try {
    localStorage.setItem(key(workspaceId, memberId), JSON.stringify(seen));
  } catch {
    // Storage full or blocked: the mention stays listed, which is the safe side.
  }
}

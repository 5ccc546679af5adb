/**
 * Which version of Mutual serves this page. After a deploy the first open runs the previous
 * version (the device's shell opens at once, src/service-worker.ts); the new service worker,
 * once it takes over, tells the open pages its version (and answers a page that asks as it
 * starts), and a page of another version offers to reload (UpdateNotice.svelte).
 */

/** What the service worker posts to its pages when it takes over, and to a page that asks (VERSION_QUESTION). */
export interface VersionAnnouncement {
  kind: 'mutual-version';
  version: string;
}

/** What a page posts to the worker to ask its version. */
export const VERSION_QUESTION = { kind: 'mutual-version?' } as const;

/** The worker's announcement of `version`. */
export const announcement = (version: string): VersionAnnouncement => ({ kind: 'mutual-version', version });

/** True when `data` is a page asking the worker's version (VERSION_QUESTION). */
export function asksVersion(data: unknown): boolean {
  return typeof data === 'object' && data !== null && (data as { kind?: unknown }).kind === VERSION_QUESTION.kind;
}

/** True when `data` is the worker announcing a version other than `mine` (this page's build). */
export function announcesOtherVersion(data: unknown, mine: string): boolean {
  if (typeof data !== 'object' || data === null) return false;
  const { kind, version } = data as Partial<VersionAnnouncement>;
  return kind === 'mutual-version' && typeof version === 'string' && version !== mine;
}

/**
 * Versions of a document: what they are, on the wire and on disk.
 *
 * A version is the document's whole state at a moment, stored as ONE encoded Yjs update
 * (`Y.encodeStateAsUpdate`), not as a `Y.snapshot`: snapshots can only rebuild old content
 * from a document that never garbage-collects deleted items, and Mutual's documents keep
 * gc on (they would grow forever otherwise). A full update costs more bytes per version
 * but opens anywhere — load it into a fresh Y.Doc and it IS the old document.
 */

/** Why a version was recorded. */
export const VersionReasons = ['auto', 'named', 'proposal-closed', 'meeting-ended', 'before-restore', 'restored'] as const;
export type VersionReason = (typeof VersionReasons)[number];

/** True when `value` is a {@link VersionReason}. */
export function isVersionReason(value: unknown): value is VersionReason {
  return typeof value === 'string' && (VersionReasons as readonly string[]).includes(value);
}

/** A version without its content (lists). */
export interface VersionInfo {
  id: string;
  docId: string;
  /** ms since the epoch (the recording side's clock). */
  createdAt: number;
  reason: VersionReason;
  /** The name people gave it ("Before the AGM"), or the event's subject. */
  name: string | null;
  /** Member id of whoever recorded it; null for automatic versions. */
  actor: string | null;
  /** Bytes of the encoded state. */
  size: number;
}

/** Automatic versions: at least one every this many milliseconds of editing. */
export const AUTO_VERSION_INTERVAL_MS = 10 * 60 * 1000;

/** Longest version name. */
export const MAX_VERSION_NAME = 120;

/** Largest version state accepted from a device (bytes, before base64). */
export const MAX_VERSION_BYTES = 4 * 1024 * 1024;

/** What a version's title says around the name people gave it (issue 21: in the reader's language). */
export interface VersionWords {
  named: string;
  auto: string;
  proposalClosed: (name: string | null) => string;
  meetingEnded: (name: string | null) => string;
  beforeRestore: string;
  restored: (name: string | null) => string;
}

/** The words in English (the default; src/lib/i18n/document-words.ts gives the reader's). */
export const ENGLISH_VERSION_WORDS: VersionWords = {
  named: 'Saved version',
  auto: 'Automatic version',
  proposalClosed: (name) => (name ? `Proposal closed: ${name}` : 'A proposal closed'),
  meetingEnded: (name) => (name ? `Meeting ended: ${name}` : 'The meeting ended'),
  beforeRestore: 'Before a restore',
  restored: (name) => (name ? `Restored: ${name}` : 'Restored an older version')
};

/** People's words for a version's reason. */
export function versionTitle(v: Pick<VersionInfo, 'reason' | 'name'>, words: VersionWords = ENGLISH_VERSION_WORDS): string {
  switch (v.reason) {
    case 'named':
      return v.name || words.named;
    case 'auto':
      return words.auto;
    case 'proposal-closed':
      return words.proposalClosed(v.name);
    case 'meeting-ended':
      return words.meetingEnded(v.name);
    case 'before-restore':
      return words.beforeRestore;
    case 'restored':
      return words.restored(v.name);
  }
}

/** Newest first, ties by id (every device lists versions in the same order). */
export function sortVersions<T extends Pick<VersionInfo, 'createdAt' | 'id'>>(list: readonly T[]): T[] {
  return [...list].sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * The document store: where the relay keeps each Y.Doc durably. A small interface so
 * that SQLite today and PostgreSQL later are interchangeable without touching the relay.
 *
 * Model: a document is a snapshot (one Yjs update holding its whole state at some point)
 * plus a log of updates appended after it. Loading costs snapshot + tail; compaction
 * replaces the snapshot and drops the log entries it covers.
 */

/** Key of one document in the store: `<workspaceId>/<docId>` (both match ID_PATTERN). */
export type DocKey = string & { readonly __brand: 'DocKey' };

/** Build the store key of a document. Callers validate ids first. */
export function docKey(workspaceId: string, docId: string): DocKey {
  return `${workspaceId}/${docId}` as DocKey;
}

/**
 * The keys of a workspace's documents are those in [from, to): `<workspaceId>/` up to
 * `<workspaceId>0` ('0' follows '/' in ASCII). A range, not LIKE: `_` in ids is a wildcard there.
 */
export function workspaceKeyRange(workspaceId: string): [from: string, to: string] {
  return [`${workspaceId}/`, `${workspaceId}0`];
}

/** The document id part of a store key. */
export function docIdOf(key: DocKey): string {
  return key.slice(key.indexOf('/') + 1);
}

/** What `load` returns: apply `snapshot` (if any) and then every update, in order. */
export interface StoredDocument {
  snapshot: Uint8Array | null;
  updates: Uint8Array[];
  /** Total bytes of `updates` (lets the caller decide to compact right after load). */
  updateBytes: number;
}

/** Thrown when a document exists but cannot be read (corrupt row, I/O error). */
export class DocumentLoadError extends Error {
  constructor(
    readonly key: DocKey,
    cause: unknown
  ) {
    super(`could not load document ${key}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'DocumentLoadError';
  }
}

/**
 * A durable document store.
 *
 * Ordering contract: operations on one key take effect in call order. In particular
 * `compact(key, snapshot)` covers every update whose `append` was CALLED before it (even
 * if not yet committed); updates appended after it remain in the tail.
 */
export interface DocumentStore {
  /** Snapshot + tail of the log. An unknown key is an empty document. Rejects with DocumentLoadError. */
  load(key: DocKey): Promise<StoredDocument>;
  /** Append one update; resolves once it is durable (survives a process crash). */
  append(key: DocKey, update: Uint8Array): Promise<void>;
  /** Replace the snapshot with `snapshot` and drop every update appended before this call. */
  compact(key: DocKey, snapshot: Uint8Array): Promise<void>;
  /** Remove the document entirely. */
  delete(key: DocKey): Promise<void>;
  /** Ids of a workspace's stored documents (with a snapshot or log entries), sorted; sees writes called before it. */
  listDocuments(workspaceId: string): Promise<string[]>;
  /** Commit anything pending and release resources. The store is unusable afterwards. */
  close(): Promise<void>;
}

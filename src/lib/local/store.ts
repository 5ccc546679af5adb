/**
 * The device store: what this browser keeps about the workspaces it joined and
 * every document in them. `LocalStore` is a small adapter interface (like
 * automerge-repo's StorageAdapterInterface) with two implementations —
 * IndexedDB ({@link ./store-idb.ts}) and memory ({@link ./store-memory.ts}) —
 * that pass one acceptance suite ({@link ./store-suite.ts}).
 *
 * Adapters store bytes and never interpret them: validating and merging Yjs
 * updates lives one layer up in {@link ./doc-storage.ts}, so the rules are
 * written once for every adapter.
 */
import type { Role } from '#shared/protocol';

/** A permanent refusal remembered for a workspace (close code + plain words). */
export interface Refusal {
  code: number;
  reason: string;
}

/** One workspace this device joined: the credentials and the local profile. */
export interface WorkspaceRecord {
  workspaceId: string;
  /** Workspace name as typed at creation or join time (the index doc has the live name). */
  name: string;
  memberId: string;
  /** Bearer token for the relay and the API. Stays on this device. */
  token: string;
  role: Role;
  memberName: string;
  /** CSS colour of this member's cursor and avatar. */
  colour: string;
  /** Relay base URL (`ws(s)://host/sync`) when not the page's own origin. */
  relayUrl?: string;
  /** Invite links, known only to the creator (admin) at creation time. */
  invites?: { editor: string; viewer: string };
  /** When the server made `invites` (server time): links older than the workspace's `invitesRotatedAt` no longer work. */
  invitesAt?: number;
  joinedAt: number;
  /** Set when the relay refused this device for good (4401): shown, never retried. */
  revoked?: Refusal;
}

/** A stored record as the adapter returns it: bytes not yet validated. */
export interface RawUpdateRecord {
  seq: number;
  /** Normally a Uint8Array; anything else is a damaged record. */
  update: unknown;
}

/** What the device knows about one document besides its content. */
export interface DocMeta {
  workspaceId: string;
  docId: string;
  /** True when local edits may not have reached the relay yet. */
  unsynced: boolean;
  /** Encoded Yjs state vector the relay last acknowledged. */
  syncedStateVector?: Uint8Array;
  lastSyncedAt?: number;
  compactedAt?: number;
  /** Damaged local records were dropped: the relay must resend the whole document. */
  needsRefetch?: boolean;
  /**
   * The digest (src/lib/shared/digest.ts) of the stored content, written when a handle lets go
   * of the document. Background replication syncs a document only when the relay's digest
   * differs (or this is missing, or edits wait).
   */
  digest?: string;
}

/**
 * Storage adapter. Every method rejects only with a `LocalStoreError`
 * (kind 'quota' | 'unavailable' | 'io'), never with a raw DOMException.
 */
export interface LocalStore {
  readonly kind: 'indexeddb' | 'memory';

  listWorkspaces(): Promise<WorkspaceRecord[]>;
  getWorkspace(workspaceId: string): Promise<WorkspaceRecord | undefined>;
  putWorkspace(record: WorkspaceRecord): Promise<void>;
  /** Leave: delete the workspace's catalogue entry, every update and every meta record, atomically. */
  deleteWorkspace(workspaceId: string): Promise<void>;

  /** Append one update; returns its sequence number (1, 2, … per document). */
  appendUpdate(workspaceId: string, docId: string, update: Uint8Array): Promise<number>;
  /** Every stored record of a document in sequence order, unvalidated. */
  loadUpdates(workspaceId: string, docId: string): Promise<RawUpdateRecord[]>;
  /**
   * Compaction, atomically: store `merged` under `upToSeq` and delete every
   * record with a lower sequence number. Records appended meanwhile
   * (seq > upToSeq) are kept.
   */
  replaceUpdates(workspaceId: string, docId: string, merged: Uint8Array, upToSeq: number): Promise<void>;
  /** Delete one document's records and meta. */
  deleteDocument(workspaceId: string, docId: string): Promise<void>;
  /** Ids of documents with stored updates, sorted. */
  listDocuments(workspaceId: string): Promise<string[]>;

  getDocMeta(workspaceId: string, docId: string): Promise<DocMeta | undefined>;
  putDocMeta(meta: DocMeta): Promise<void>;
  /** Every meta record of a workspace (one read, for a background pass over hundreds of documents). */
  listDocMeta(workspaceId: string): Promise<DocMeta[]>;

  close(): void;
}

/** Copy bytes so a caller cannot mutate what the store keeps (structured clone semantics). */
export function copyBytes(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}

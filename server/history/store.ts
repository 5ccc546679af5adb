/**
 * The version store: where versions of documents (docs/history.md) are kept. A small
 * asynchronous interface with two adapters that pass one acceptance suite
 * (server/history/acceptance.ts): SQLite in the server's database (one instance), and
 * PostgreSQL (STORE=postgres: every instance lists the same versions).
 */
import type { VersionInfo } from '#shared/history/versions';

/** A version with its content. */
export interface StoredVersion extends VersionInfo {
  workspaceId: string;
  state: Uint8Array;
}

/** Automatic versions kept per document; older ones are dropped. */
export const MAX_AUTO_VERSIONS = 300;
/**
 * Versions kept per document and author for every other reason (named, before a restore, at
 * an event): past it the author's oldest is dropped, so one member cannot fill the disk.
 */
export const MAX_VERSIONS_PER_AUTHOR = 100;

/** Versions of documents. */
export interface VersionStore {
  /** Keep a version (and drop the oldest past {@link MAX_AUTO_VERSIONS} / {@link MAX_VERSIONS_PER_AUTHOR}). */
  add(version: StoredVersion): Promise<void>;
  /** A document's versions, newest first. */
  list(workspaceId: string, docId: string): Promise<VersionInfo[]>;
  get(workspaceId: string, docId: string, versionId: string): Promise<StoredVersion | null>;
  /** Time of the newest version of a document, or null. */
  latestAt(workspaceId: string, docId: string): Promise<number | null>;
  /** Every version of every document of a workspace, oldest first, with content (backups). */
  listWorkspace(workspaceId: string): Promise<StoredVersion[]>;
  /** Remove every version of a workspace (a restore replacing it). */
  deleteWorkspace(workspaceId: string): Promise<void>;
}

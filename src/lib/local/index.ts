/**
 * Mutual's local-first client core: every document of every joined workspace lives on this
 * device (IndexedDB), syncs with the relay in the background, and reports its state in plain
 * words. Framework-free; every status is a Svelte-store compatible `subscribe(fn) →
 * unsubscribe`, usable with `$`.
 *
 * Typical page wiring:
 * ```ts
 * const device = await openDevice();
 * const ws = await device.workspaces.get(workspaceId);       // or create()/join()
 * const replication = device.replicate(ws);                 // index + background sync
 * const page = replication.open(docId);                      // a reference to the shared handle
 * await page.handle.whenLoaded;                              // content from the device
 * // $replication.status → live · offline · syncing N;  $page.status → per document
 * await page.release();
 * ```
 * @module
 */

/** Open the device (store + storage + catalogue + repo + replications). */
export { openDevice, type Device, type DeviceOptions } from './device.ts';

/** The workspace catalogue: create, join, leave, profile; invite links. */
export { Workspaces, parseInviteLink, colourFor, MEMBER_COLOURS, type WorkspacesOptions } from './workspaces.ts';

/** The device's documents: one reference-counted handle per document. */
export { Repo, defaultRelayUrl, type RepoOptions, type DocRef, type DocUse } from './repo.ts';

/** One document's life on the device, and its state machine. */
export { DocHandle, type WorkspaceAccess, type HandleEnvironment } from './handle/doc-handle.ts';
export { next, isLive, isLoaded, isPending, HANDLE_TAGS, type HandleState, type HandleEvent, type HandleTag } from './handle/machine.ts';
export { STORE_ORIGIN, DocPersistence, type DocLoadResult } from './handle/persistence.ts';
export { stateVectorCovers } from './handle/receipts.ts';
export type { DocSyncStatus, DocSyncState } from './handle/status.ts';
export type { WebSocketConstructor } from './handle/relay-link.ts';
export { ticketWebSocket } from './handle/ticket-socket.ts';
export { guessDeviceName } from './device-name.ts';

/** The documents dashboards keep live while on screen (bounded). */
export { LiveSet, pageVisibility, type LiveSetOptions, type LiveSetStatus, type Visibility } from './live-set.ts';

/** Leaving a workspace without losing unsent words. */
export type { LeaveCheck } from './leave.ts';

/** Background replication of a workspace. */
export { WorkspaceReplication, type ReplicationOptions } from './replication/workspace-replication.ts';
export type { ReplicationStatus } from './replication/status.ts';
export { relayDigests, needsSync, type DigestSource } from './replication/digests.ts';

/** Validated, compacted document persistence and the list of local problems. */
export {
  DocStorage,
  isValidUpdate,
  mergeValidUpdates,
  type DocStorageOptions,
  type LoadedDoc,
  type LocalProblem
} from './doc-storage.ts';

/** The storage adapter interface and its implementations. */
export type { LocalStore, WorkspaceRecord, DocMeta, RawUpdateRecord, Refusal } from './store.ts';
export { openIdbLocalStore, IdbLocalStore, DB_NAME, type IdbLocalStoreOptions } from './store-idb.ts';
export { MemoryLocalStore, type MemoryLocalStoreOptions } from './store-memory.ts';

/** Network state (browser events, or driven by hand in tests). */
export { browserNetwork, manualNetwork, type NetworkEnvironment, type ManualNetwork } from './network.ts';

/** Typed errors with plain-words messages. */
export {
  LocalStoreError,
  WorkspaceError,
  toLocalStoreError,
  type LocalStoreErrorKind,
  type WorkspaceErrorKind
} from './errors.ts';

/** Svelte-compatible observable values. */
export { writable, type Readable, type Writable } from './observable.ts';

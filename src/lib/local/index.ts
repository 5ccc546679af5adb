/**
 * Mutual's local-first client core: every document of every joined workspace
 * lives on this device (IndexedDB), syncs with the relay in the background, and
 * reports its state in plain words. Framework-free; every status is a
 * Svelte-store compatible `subscribe(fn) → unsubscribe`, usable with `$`.
 *
 * Typical page wiring:
 * ```ts
 * const device = await openDevice();
 * const ws = await device.workspaces.get(workspaceId);       // or create()/join()
 * const replicator = device.replicate(ws);                  // index + background sync
 * const page = replicator.open(docId);                       // Y.Doc for the editor
 * await page.handle.whenLoaded;                              // content from the device
 * // $replicator.status → live · offline · syncing N;  $page.status → per document
 * await page.close();
 * ```
 * @module
 */

/** Open the device (store + storage + catalogue + replicators). */
export { openDevice, type Device, type DeviceOptions } from './device.ts';

/** The workspace catalogue: create, join, leave, profile; invite links. */
export { Workspaces, parseInviteLink, colourFor, MEMBER_COLOURS, type WorkspacesOptions } from './workspaces.ts';

/** Background replication of a workspace and documents opened for the editor. */
export {
  startReplicator,
  type Replicator,
  type ReplicatorOptions,
  type ReplicationStatus,
  type OpenDocument
} from './replicator.ts';

/** One document's connection to the relay. */
export {
  syncDocument,
  defaultRelayUrl,
  stateVectorCovers,
  type DocSync,
  type DocSyncOptions,
  type DocSyncState,
  type DocSyncStatus,
  type WebSocketConstructor
} from './sync.ts';

/** One document as a Y.Doc backed by the device store. */
export { openDocHandle, STORE_ORIGIN, type DocHandle, type DocHandleOptions, type DocLoadResult } from './doc-handle.ts';

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

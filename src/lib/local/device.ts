/**
 * The one object a page needs: the device store, document storage, the workspace catalogue,
 * the {@link Repo} of document handles, and one background replication per open workspace —
 * wired together (a 4401 from the relay marks the workspace removed in the catalogue; the
 * index syncing normally again clears that).
 */
import { CloseCode } from '#shared/protocol';
import { DocStorage, type DocStorageOptions } from './doc-storage.ts';
import { LocalStoreError } from './errors.ts';
import type { WebSocketConstructor } from './handle/relay-link.ts';
import { forgetDeviceKeys } from './keys.ts';
import { checkBeforeLeaving, type LeaveCheck } from './leave.ts';
import { browserNetwork, type NetworkEnvironment } from './network.ts';
import { relayDigests } from './replication/digests.ts';
import { WorkspaceReplication, type ReplicationOptions } from './replication/workspace-replication.ts';
import { Repo, type RepoOptions } from './repo.ts';
import type { LocalStore, WorkspaceRecord } from './store.ts';
import { openIdbLocalStore } from './store-idb.ts';
import { Workspaces } from './workspaces.ts';
import { m } from '../paraglide/messages.js';

/** Options of {@link openDevice}. */
export interface DeviceOptions {
  /** Use this store instead of IndexedDB (tests). */
  store?: LocalStore;
  storage?: DocStorageOptions;
  apiBase?: string;
  relayUrl?: string;
  fetch?: typeof fetch;
  network?: NetworkEnvironment;
  WebSocket?: WebSocketConstructor;
  /** Socket settings of every document (receipts, backoff, cross-tab channel…). */
  sync?: Partial<Omit<RepoOptions, 'storage' | 'network' | 'relayUrl' | 'WebSocket'>>;
  /** Passed to every workspace's replication (concurrency, timeouts…). */
  replication?: Partial<Omit<ReplicationOptions, 'workspace' | 'repo'>>;
  /**
   * The document the page opened to show: its records are read as soon as the store is open,
   * alongside the rest of the device's start, and its handle takes that read (issue 25).
   */
  readAhead?: { workspaceId: string; docId: string };
}

/** This device's local-first state. */
export interface Device {
  readonly store: LocalStore;
  readonly storage: DocStorage;
  readonly workspaces: Workspaces;
  /** Every document held in memory on this device, one handle each. */
  readonly repo: Repo;
  /** True when IndexedDB was unusable and data lives in memory only (a problem is listed). */
  readonly memoryOnly: boolean;
  /** The replication of a workspace, started on first call and shared afterwards. */
  replicate(workspace: WorkspaceRecord): WorkspaceReplication;
  /** Stop one workspace's replication (e.g. before leaving it). */
  stopReplicating(workspaceId: string): Promise<void>;
  /**
   * Before leaving a workspace: write everything, try one sync pass, and name the documents
   * whose changes still have not reached the relay (leaving deletes this device's copy).
   */
  checkBeforeLeaving(workspace: WorkspaceRecord, options?: { timeoutMs?: number }): Promise<LeaveCheck>;
  /**
   * Leave: stop syncing, let go of every document, delete the device's copy and the
   * membership's signing key. Resolves with a problem in plain words when something could not
   * be removed but the workspace was left (rejects when the copy itself could not be deleted).
   */
  leave(workspaceId: string): Promise<string | null>;
  close(): Promise<void>;
}

/** IndexedDB when the browser allows it, otherwise memory (with the reason). */
async function openStore(options: DeviceOptions): Promise<{ store: LocalStore; fallbackError?: LocalStoreError }> {
  if (options.store) return { store: options.store };
  try {
    return { store: await openIdbLocalStore() };
  } catch (error) {
    const fallbackError = error instanceof LocalStoreError ? error : new LocalStoreError('unavailable', { cause: error });
    // Loaded only then: the memory store is not part of a page's first JavaScript (issue 25).
    const { MemoryLocalStore } = await import('./store-memory.ts');
    return { store: new MemoryLocalStore(), fallbackError };
  }
}

/** The device's `replicate`: one replication per workspace, wired to the catalogue. */
function replicator(parts: {
  options: DeviceOptions;
  repo: Repo;
  storage: DocStorage;
  workspaces: Workspaces;
  replications: Map<string, WorkspaceReplication>;
  digests: ReplicationOptions['digests'];
}): (workspace: WorkspaceRecord) => WorkspaceReplication {
  const { options, repo, storage, workspaces, replications, digests } = parts;
  return (workspace) => {
    const existing = replications.get(workspace.workspaceId);
    if (existing) return existing;
    const replication = new WorkspaceReplication({
      digests,
      ...options.replication,
      workspace: { ...workspace, relayUrl: workspace.relayUrl ?? options.relayUrl },
      repo,
      onRefused: (refusal) => {
        options.replication?.onRefused?.(refusal);
        // Only 4401 means "no longer a member"; other workspace-wide refusals are shown but not remembered.
        if (refusal.code !== CloseCode.unauthorized) return;
        workspaces.markRevoked(workspace.workspaceId, refusal).catch((error: unknown) => storage.report(error));
      },
      onLive: () => {
        options.replication?.onLive?.();
        workspaces.clearRevoked(workspace.workspaceId).catch((error: unknown) => storage.report(error));
      }
    });
    replications.set(workspace.workspaceId, replication);
    return replication;
  };
}

/**
 * Open the device: IndexedDB when the browser allows it, otherwise memory (reported in plain
 * words in `storage.problems`, never a blank page).
 */
export async function openDevice(options: DeviceOptions = {}): Promise<Device> {
  const { store, fallbackError } = await openStore(options);
  const storage = new DocStorage(store, options.storage);
  if (options.readAhead) storage.readAhead(options.readAhead.workspaceId, options.readAhead.docId);
  if (fallbackError) storage.report(fallbackError);
  const api = { ...(options.fetch ? { fetch: options.fetch } : {}), ...(options.apiBase !== undefined ? { apiBase: options.apiBase } : {}) };
  const workspaces = new Workspaces({ storage, ...api, ...(options.relayUrl ? { relayUrl: options.relayUrl } : {}) });
  await workspaces.refresh().catch(() => {
    // refresh failures are store failures, already turned into plain words when the page asks again.
  });
  const repo = new Repo({
    ...options.sync,
    storage,
    network: options.network ?? browserNetwork(),
    ...(options.relayUrl ? { relayUrl: options.relayUrl } : {}),
    ...(options.WebSocket ? { WebSocket: options.WebSocket } : {})
  });
  const replications = new Map<string, WorkspaceReplication>();
  const replicate = replicator({ options, repo, storage, workspaces, replications, digests: relayDigests(api) });
  return {
    store,
    storage,
    workspaces,
    repo,
    memoryOnly: !!fallbackError,
    replicate,
    async stopReplicating(workspaceId) {
      const replication = replications.get(workspaceId);
      replications.delete(workspaceId);
      await replication?.destroy();
    },
    checkBeforeLeaving: (workspace, checkOptions) =>
      checkBeforeLeaving(repo, { ...workspace, relayUrl: workspace.relayUrl ?? options.relayUrl }, checkOptions),
    async leave(workspaceId) {
      await replications.get(workspaceId)?.destroy();
      replications.delete(workspaceId);
      // Nothing may write this workspace's records once they are deleted: release what is held.
      await Promise.all(repo.handlesOf(workspaceId).map((handle) => repo.evict(handle)));
      await repo.whenReleased();
      await workspaces.leave(workspaceId);
      try {
        await forgetDeviceKeys(workspaceId);
        return null;
      } catch (error) {
        return m.device_key_not_deleted({ reason: error instanceof Error ? error.message : String(error) });
      }
    },
    async close() {
      await Promise.all([...replications.values()].map((r) => r.destroy()));
      replications.clear();
      await repo.close();
      await storage.whenIdle();
      store.close();
    }
  };
}

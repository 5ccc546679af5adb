/**
 * The one object a page needs: the device store, document storage, the
 * workspace catalogue, and one replicator per open workspace — wired together
 * (a 4401 from the relay marks the workspace revoked in the catalogue).
 */
import { CloseCode } from '#shared/protocol';
import { DocStorage, type DocStorageOptions } from './doc-storage.ts';
import { LocalStoreError } from './errors.ts';
import type { NetworkEnvironment } from './network.ts';
import { startReplicator, type Replicator, type ReplicatorOptions } from './replicator.ts';
import type { LocalStore, WorkspaceRecord } from './store.ts';
import { openIdbLocalStore } from './store-idb.ts';
import { MemoryLocalStore } from './store-memory.ts';
import type { WebSocketConstructor } from './sync.ts';
import { Workspaces } from './workspaces.ts';

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
  /** Passed to every replicator (concurrency, timeouts…). */
  replication?: Partial<Omit<ReplicatorOptions, 'workspace' | 'storage'>>;
}

/** This device's local-first state. */
export interface Device {
  readonly store: LocalStore;
  readonly storage: DocStorage;
  readonly workspaces: Workspaces;
  /** True when IndexedDB was unusable and data lives in memory only (a problem is listed). */
  readonly memoryOnly: boolean;
  /** The replicator of a workspace, started on first call and shared afterwards. */
  replicate(workspace: WorkspaceRecord): Replicator;
  /** Stop one workspace's replication (e.g. before leaving it). */
  stopReplicating(workspaceId: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Open the device: IndexedDB when the browser allows it, otherwise memory
 * (reported in plain words in `storage.problems`, never a blank page).
 */
export async function openDevice(options: DeviceOptions = {}): Promise<Device> {
  let store = options.store;
  let fallbackError: LocalStoreError | undefined;
  if (!store) {
    try {
      store = await openIdbLocalStore();
    } catch (error) {
      fallbackError = error instanceof LocalStoreError ? error : new LocalStoreError('unavailable', { cause: error });
      store = new MemoryLocalStore();
    }
  }
  const storage = new DocStorage(store, options.storage);
  if (fallbackError) storage.report(fallbackError);
  const workspaces = new Workspaces({
    storage,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.apiBase !== undefined ? { apiBase: options.apiBase } : {}),
    ...(options.relayUrl ? { relayUrl: options.relayUrl } : {})
  });
  await workspaces.refresh().catch(() => {
    // refresh failures are store failures, already turned into plain words when the page asks again.
  });
  const replicators = new Map<string, Replicator>();

  return {
    store,
    storage,
    workspaces,
    memoryOnly: !!fallbackError,
    replicate(workspace) {
      const existing = replicators.get(workspace.workspaceId);
      if (existing) return existing;
      const replicator = startReplicator({
        ...options.replication,
        workspace: { ...workspace, relayUrl: workspace.relayUrl ?? options.relayUrl },
        storage,
        ...(options.network ? { network: options.network } : {}),
        ...(options.WebSocket ? { WebSocket: options.WebSocket } : {}),
        onRefused: (refusal) => {
          options.replication?.onRefused?.(refusal);
          // Only 4401 means "no longer a member"; other workspace-wide refusals are shown but not remembered.
          if (refusal.code !== CloseCode.unauthorized) return;
          workspaces.markRevoked(workspace.workspaceId, refusal).catch((error: unknown) => {
            storage.report(error);
          });
        }
      });
      replicators.set(workspace.workspaceId, replicator);
      return replicator;
    },
    async stopReplicating(workspaceId) {
      const replicator = replicators.get(workspaceId);
      replicators.delete(workspaceId);
      await replicator?.destroy();
    },
    async close() {
      await Promise.all([...replicators.values()].map((r) => r.destroy()));
      replicators.clear();
      await storage.whenIdle();
      store.close();
    }
  };
}

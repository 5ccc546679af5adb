/**
 * Keep every document of one workspace on the device: the index document
 * stays open and live; every document in its catalogue is synced in the
 * background, a few at a time, whenever the catalogue changes, the network
 * comes back, or periodically. Documents open in the editor are synced by
 * their own live connection and skipped by the background passes.
 */
import type * as Y from 'yjs';
import { CloseCode, INDEX_DOC_ID, PRIVATE_DOC_PREFIX } from '#shared/protocol';
import { IndexKeys } from '#shared/model/schema';
import { privateDocsFor, privateDocsToForget } from '#shared/model/contacts';
import { openDocHandle, type DocHandle } from './doc-handle.ts';
import type { DocStorage } from './doc-storage.ts';
import { browserNetwork, type NetworkEnvironment } from './network.ts';
import { compactAfterContactPurges } from './purge-watch.ts';
import { shallowEqual, writable, type Readable } from './observable.ts';
import type { Refusal, WorkspaceRecord } from './store.ts';
import { syncDocument, type DocSync, type DocSyncStatus, type WebSocketConstructor } from './sync.ts';

/** Connection state of a whole workspace, for the status bar. */
export interface ReplicationStatus {
  /** live · offline (changes saved on this device) · syncing N documents */
  state: 'live' | 'offline' | 'syncing';
  /** Documents being brought up to date (background, and open ones whose edits are `waiting` while connected). */
  syncingCount: number;
  /** Open documents (and the index) holding edits the relay has not confirmed. */
  unsyncedCount: number;
  /** The relay refused this device for the whole workspace (e.g. 4401 access removed). */
  refused?: Refusal;
}

/** A document opened for the editor: local copy + live sync. Call `close()` when the page leaves. */
export interface OpenDocument {
  readonly docId: string;
  readonly doc: Y.Doc;
  readonly handle: DocHandle;
  readonly sync: DocSync;
  readonly status: Readable<DocSyncStatus>;
  close(): Promise<void>;
}

/** Options of {@link startReplicator}. */
export interface ReplicatorOptions {
  /**
   * With `memberId`, the private documents this member may read (needs boards' contact
   * details, for admins and coordinators per the index) are replicated too; never otherwise.
   */
  workspace: Pick<WorkspaceRecord, 'workspaceId' | 'token' | 'relayUrl'> & Partial<Pick<WorkspaceRecord, 'memberId'>>;
  storage: DocStorage;
  /** Default: the browser's online/offline events. */
  network?: NetworkEnvironment;
  /** Background documents synced at once. Default 3. */
  concurrency?: number;
  WebSocket?: WebSocketConstructor;
  disableBc?: boolean;
  /** Give up on one background document after this long (retried next pass). Default 30 s. */
  docTimeoutMs?: number;
  /** Coalesce catalogue changes for this long before a pass. Default 300 ms. */
  debounceMs?: number;
  /** Run a pass this often while online (catches edits made elsewhere). 0 disables. Default 5 min. */
  intervalMs?: number;
  /** The relay refused this device for the whole workspace; e.g. `workspaces.markRevoked`. */
  onRefused?: (refusal: Refusal) => void;
}

/** Background replication of one workspace. */
export interface Replicator {
  readonly workspaceId: string;
  /** Aggregated status; Svelte-store compatible. */
  readonly status: Readable<ReplicationStatus>;
  /** The workspace index document (catalogue, members, settings), kept open and live. */
  readonly index: OpenDocument;
  /** Open a document for the editor (reference-counted: each call needs its own `close()`). */
  open(docId: string): OpenDocument;
  /** Run a background pass now (debounced). */
  refresh(): void;
  /** Resolves when no background pass is queued or running. */
  whenIdle(): Promise<void>;
  destroy(): Promise<void>;
}

interface OpenEntry {
  base: Omit<OpenDocument, 'close'>;
  refs: number;
  unsubscribe: () => void;
  teardown(): Promise<void>;
}

/** Start replicating a workspace. The index document opens (and connects) at once. */
export function startReplicator(options: ReplicatorOptions): Replicator {
  const { workspace, storage } = options;
  const { workspaceId } = workspace;
  const network = options.network ?? browserNetwork();
  const concurrency = Math.max(1, options.concurrency ?? 3);
  const open = new Map<string, OpenEntry>();
  const forbidden = new Set<string>(); // docs this member may not read (4403): not retried
  const queue: string[] = [];
  const running = new Map<string, () => void>(); // docId → abort
  let refused: Refusal | undefined;
  let passTimer: ReturnType<typeof setTimeout> | undefined;
  let destroyed = false;

  const status = writable<ReplicationStatus>({ state: 'syncing', syncingCount: 0, unsyncedCount: 0 }, shallowEqual);
  const publish = (): void => {
    let unsyncedCount = 0;
    let inFlight = 0;
    for (const entry of open.values()) {
      const s = entry.base.status.get();
      if (s.unsynced) unsyncedCount++;
      // The document's own `waiting`, as its header shows it: the bar never says "syncing"
      // for a keystroke the header calls synced, nor "live" for one the header says waits.
      if (s.waiting && s.state !== 'offline' && s.state !== 'refused') inFlight++;
    }
    const syncingCount = queue.length + running.size + inFlight;
    const indexState = open.get(INDEX_DOC_ID)?.base.status.get().state;
    const state: ReplicationStatus['state'] =
      refused || !network.isOnline() || indexState === 'offline' || indexState === 'refused'
        ? 'offline'
        : syncingCount > 0 || indexState === 'connecting'
          ? 'syncing'
          : 'live';
    status.set({ state, syncingCount, unsyncedCount, ...(refused ? { refused } : {}) });
  };

  const refuse = (docId: string, refusal: Refusal): void => {
    // 4401 anywhere, or the index refused: the whole workspace is out of reach. A refused
    // change (4422) is not: only that document stops syncing, and the device keeps its copy.
    if (refusal.code === CloseCode.unauthorized || (docId === INDEX_DOC_ID && refusal.code !== CloseCode.changeRefused)) {
      if (refused) return;
      refused = refusal;
      queue.length = 0;
      for (const abort of running.values()) abort();
      for (const entry of open.values()) entry.base.sync.disconnect();
      publish();
      try {
        options.onRefused?.(refusal);
      } catch {
        // The catalogue update is best effort; the status already says why.
      }
    } else {
      forbidden.add(docId);
      // No longer allowed to read contact details (coordinator flag removed): drop this
      // device's copy too. Best effort; a failure is reported like any store failure.
      if (docId.startsWith(PRIVATE_DOC_PREFIX) && refusal.code === CloseCode.forbidden) {
        storage.store.deleteDocument(workspaceId, docId).catch((error: unknown) => storage.report(error, workspaceId, docId));
      }
    }
  };

  /** Private documents of this member (none for non-coordinators: never even asked for). */
  const privateDocs = (): string[] => {
    const index = open.get(INDEX_DOC_ID)?.base.doc;
    return index && workspace.memberId ? privateDocsFor(index, workspace.memberId) : [];
  };
  /** Copies of private documents this member may no longer read, deleted once per session. */
  const forgotten = new Set<string>();
  const forgetPrivateDocs = (): void => {
    const index = open.get(INDEX_DOC_ID)?.base.doc;
    if (!index || !workspace.memberId) return;
    for (const docId of privateDocsToForget(index, workspace.memberId)) {
      if (forgotten.has(docId) || open.has(docId) || running.has(docId)) continue;
      forgotten.add(docId);
      storage.store.deleteDocument(workspaceId, docId).catch((error: unknown) => storage.report(error, workspaceId, docId));
    }
  };
  /** Deleted contact details must leave this device's storage too (see purge-watch.ts). */
  const watchPurges = (docId: string, handle: DocHandle): (() => void) =>
    docId.startsWith(PRIVATE_DOC_PREFIX) ? compactAfterContactPurges(handle.doc, handle, storage, workspaceId, docId) : () => {};

  const connectOptions = (docId: string, doc: Y.Doc, presence: boolean) => ({
    doc,
    workspaceId,
    docId,
    token: workspace.token,
    storage,
    presence,
    connect: false,
    disableBc: options.disableBc,
    onRefused: (refusal: Refusal) => refuse(docId, refusal),
    ...(workspace.relayUrl ? { relayUrl: workspace.relayUrl } : {}),
    ...(options.WebSocket ? { WebSocket: options.WebSocket } : {})
  });

  /** Each caller gets its own `close()`, so one page closing twice cannot close another's document. */
  const lease = (docId: string, entry: OpenEntry): OpenDocument => {
    let closed = false;
    return {
      ...entry.base,
      async close() {
        if (closed || docId === INDEX_DOC_ID) return;
        closed = true;
        if (--entry.refs > 0) return;
        open.delete(docId);
        publish();
        await entry.teardown();
      }
    };
  };

  const openDocument = (docId: string): OpenDocument => {
    const existing = open.get(docId);
    if (existing) {
      existing.refs++;
      return lease(docId, existing);
    }
    const handle = openDocHandle(storage, workspaceId, docId);
    const stopWatching = watchPurges(docId, handle);
    const sync = syncDocument(connectOptions(docId, handle.doc, true));
    // Connect after loading, so the relay is asked only for what the device lacks; while
    // the device is offline, when it comes back (the network listener below).
    void handle.whenLoaded.then(() => {
      if (!refused && !destroyed && network.isOnline() && open.get(docId)?.base.sync === sync) sync.connect();
    });
    const entry: OpenEntry = {
      refs: 1,
      base: { docId, doc: handle.doc, handle, sync, status: sync.status },
      unsubscribe: sync.status.subscribe(() => publish()),
      async teardown() {
        entry.unsubscribe();
        stopWatching();
        await handle.flush();
        sync.destroy();
        await handle.destroy();
      }
    };
    open.set(docId, entry);
    return lease(docId, entry);
  };

  const replicateOne = async (docId: string): Promise<void> => {
    const handle = openDocHandle(storage, workspaceId, docId);
    await handle.whenLoaded;
    if (destroyed || refused) return handle.destroy();
    const stopWatching = watchPurges(docId, handle);
    const sync = syncDocument({ ...connectOptions(docId, handle.doc, false), connect: true });
    await new Promise<void>((resolve) => {
      let unsubscribe: (() => void) | undefined;
      let done = false;
      const finish = (): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        unsubscribe?.();
        resolve();
      };
      const timer = setTimeout(finish, options.docTimeoutMs ?? 30_000);
      running.set(docId, finish);
      unsubscribe = sync.status.subscribe((s) => {
        // Offline or refused: stop here; the next pass (e.g. back online) tries again.
        if ((s.state === 'live' && !s.unsynced) || s.state === 'offline' || s.state === 'refused') finish();
      });
      if (done) unsubscribe();
    });
    await handle.flush();
    sync.destroy();
    // A compaction already started goes on without the handle (it works on the store).
    stopWatching();
    await handle.destroy();
  };

  const pump = (): void => {
    while (!destroyed && !refused && running.size < concurrency && queue.length > 0) {
      const docId = queue.shift() as string;
      if (open.has(docId) || running.has(docId)) continue;
      running.set(docId, () => {});
      replicateOne(docId)
        .catch((error: unknown) => {
          storage.report(error, workspaceId, docId);
        })
        .finally(() => {
          running.delete(docId);
          publish();
          pump();
        });
    }
    publish();
  };

  const runPass = (): void => {
    passTimer = undefined;
    if (destroyed || refused || !network.isOnline()) return publish();
    const catalogue = open.get(INDEX_DOC_ID)?.base.doc.getMap(IndexKeys.catalogue);
    if (!catalogue) return;
    forgetPrivateDocs();
    for (const docId of [...[...catalogue.keys()].sort(), ...privateDocs()]) {
      if (docId === INDEX_DOC_ID || forbidden.has(docId) || open.has(docId)) continue;
      if (!running.has(docId) && !queue.includes(docId)) queue.push(docId);
    }
    pump();
  };

  const schedulePass = (): void => {
    if (destroyed || passTimer !== undefined) return;
    passTimer = setTimeout(runPass, options.debounceMs ?? 300);
  };

  const index = openDocument(INDEX_DOC_ID);
  const catalogue = index.doc.getMap(IndexKeys.catalogue);
  catalogue.observe(schedulePass);
  // The relay coming back (after a restart, or a network that was "online" but could not
  // reach it) fires no browser event: a pass when the index goes live again uploads the
  // edits made meanwhile in documents that are not open.
  let indexLive = false;
  const stopIndexWatch = index.status.subscribe((s) => {
    const live = s.state === 'live';
    if (live && !indexLive) schedulePass();
    indexLive = live;
  });
  void index.handle.whenLoaded.then(schedulePass);
  // Becoming a coordinator (or admin) adds private documents: retry those refused before.
  const members = index.doc.getMap(IndexKeys.members);
  let privateKnown = '';
  const onMembers = (): void => {
    const now = privateDocs().join(' ');
    if (now === privateKnown) return; // renames and other members' changes: nothing to do
    privateKnown = now;
    if (now) forgotten.clear(); // allowed again: a later removal must delete again
    for (const id of [...forbidden]) if (id.startsWith(PRIVATE_DOC_PREFIX)) forbidden.delete(id);
    schedulePass();
  };
  members.observeDeep(onMembers);

  const stopNetwork = network.subscribe((online) => {
    if (online) {
      // Reconnect now instead of waiting out the provider's backoff.
      for (const entry of open.values()) entry.base.sync.connect();
      schedulePass();
    } else {
      queue.length = 0;
      for (const abort of running.values()) abort();
      // Offline means offline for every open document too, at once. Left alone, a socket can
      // look open for a long while after the network went (Chromium's offline mode keeps it
      // open and drops its frames): its document would say "live" under an "Offline" bar.
      for (const entry of open.values()) entry.base.sync.disconnect();
    }
    publish();
  });
  const intervalMs = options.intervalMs ?? 5 * 60_000;
  const interval = intervalMs > 0 ? setInterval(schedulePass, intervalMs) : undefined;

  const whenIdle = async (): Promise<void> => {
    while (!destroyed && (passTimer !== undefined || queue.length > 0 || running.size > 0)) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  return {
    workspaceId,
    status,
    index,
    open: openDocument,
    refresh: schedulePass,
    whenIdle,
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      clearTimeout(passTimer);
      passTimer = undefined;
      if (interval) clearInterval(interval);
      stopNetwork();
      catalogue.unobserve(schedulePass);
      stopIndexWatch();
      members.unobserveDeep(onMembers);
      queue.length = 0;
      for (const abort of running.values()) abort();
      while (running.size > 0) await new Promise((resolve) => setTimeout(resolve, 10));
      const entries = [...open.values()];
      open.clear();
      await Promise.all(entries.map((entry) => entry.teardown()));
    }
  };
}

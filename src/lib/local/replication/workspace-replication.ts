/**
 * Keep every document of one workspace on the device. The index document stays held and live;
 * the documents of its catalogue are brought up to date in the background, a few at a time,
 * when the catalogue changes, the network or the relay comes back, or periodically. A pass
 * first asks the relay for the workspace's digests and syncs only documents whose digest
 * differs from the device's (or that hold unsent edits), so a pass over a workspace where
 * nothing changed opens no socket at all. Documents open in a page are live already and skipped.
 *
 * Background documents go through the same {@link Repo} as everything else: a pass takes a
 * reference that wants sync, waits for the relay, and lets go, so a document nobody else holds
 * is released after its pass and memory stays bounded by what is open.
 */
import { CloseCode, INDEX_DOC_ID, PRIVATE_DOC_PREFIX } from '#shared/protocol';
import { IndexKeys } from '#shared/model/schema';
import type { DocHandle, WorkspaceAccess } from '../handle/doc-handle.ts';
import { shallowEqual, writable, type Readable } from '../observable.ts';
import type { DocRef, Repo } from '../repo.ts';
import type { Refusal } from '../store.ts';
import { compactAfterContactPurges } from '../purge-watch.ts';
import { selectChanged, type DigestSource } from './digests.ts';
import { PrivateDocs } from './private-docs.ts';
import { BackgroundQueue, type StopSignal } from './queue.ts';
import { replicationStatus, type ReplicationStatus } from './status.ts';

/** Options of {@link WorkspaceReplication}. */
export interface ReplicationOptions {
  /**
   * With `memberId`, the private documents this member may read (needs boards' contact
   * details, for admins and coordinators per the index) are replicated too; never otherwise.
   */
  workspace: WorkspaceAccess & { memberId?: string };
  repo: Repo;
  /** The relay's digests of the workspace (none: every document is synced on every pass). */
  digests?: DigestSource;
  /** Background documents synced at once. Default 3. */
  concurrency?: number;
  /** Give up on one background document after this long (retried next pass). Default 30 s. */
  docTimeoutMs?: number;
  /** Coalesce catalogue changes for this long before a pass. Default 300 ms. */
  debounceMs?: number;
  /** Run a pass this often while online (catches edits made elsewhere). 0 disables. Default 5 min. */
  intervalMs?: number;
  /** The relay refused this device for the whole workspace; e.g. `workspaces.markRevoked`. */
  onRefused?: (refusal: Refusal) => void;
  /** The index synced normally: a removal remembered earlier no longer holds. */
  onLive?: () => void;
}

/** Background replication of one workspace. */
export class WorkspaceReplication {
  readonly workspaceId: string;
  private readonly statusStore = writable<ReplicationStatus>({ state: 'syncing', syncingCount: 0, unsyncedCount: 0 }, shallowEqual);
  /** Aggregated status; Svelte-store compatible. */
  readonly status: Readable<ReplicationStatus> = this.statusStore;
  /** The workspace index document (catalogue, members, settings), held and live. */
  readonly index: DocHandle;
  private readonly indexRef: DocRef;
  private readonly queue: BackgroundQueue;
  private readonly privateDocs: PrivateDocs;
  private readonly disposers: (() => void)[] = [];
  private refused: Refusal | undefined;
  private passTimer: ReturnType<typeof setTimeout> | undefined;
  /** The pass scheduled or running (whenIdle waits for it). */
  private pass: Promise<void> | null = null;
  private destroyed = false;
  /**
   * Passes wait until the index is loaded and the page painted and is idle (issue 25): the
   * first pass (digests, then sockets for what changed) must not compete with the document a
   * person just opened. Until then, asking for a pass is remembered by the first one.
   */
  private started = false;

  constructor(private readonly options: ReplicationOptions) {
    const { workspace, repo } = options;
    this.workspaceId = workspace.workspaceId;
    repo.unblock(this.workspaceId);
    this.privateDocs = new PrivateDocs(repo.storage, this.workspaceId, workspace.memberId);
    this.queue = new BackgroundQueue({
      concurrency: Math.max(1, options.concurrency ?? 3),
      run: (docId, stop) => this.syncOne(docId, stop),
      changed: () => this.publish(),
      failed: (docId, error) => repo.storage.report(error, this.workspaceId, docId)
    });
    this.indexRef = repo.find(workspace, INDEX_DOC_ID, { sync: true });
    this.index = this.indexRef.handle;
    this.watch();
  }

  /** Hold a document live for a page (each call needs its own `release()`). */
  open(docId: string): DocRef {
    return this.options.repo.find(this.options.workspace, docId, { sync: true });
  }

  /** Run a background pass soon (debounced). */
  refresh(): void {
    if (this.destroyed || !this.started || this.passTimer !== undefined) return;
    let started!: () => void;
    const pass = new Promise<void>((resolve) => (started = resolve)).then(() => this.runPass());
    this.pass = pass;
    void pass.finally(() => {
      if (this.pass === pass) this.pass = null;
    });
    this.passTimer = setTimeout(() => {
      this.passTimer = undefined;
      started();
    }, this.options.debounceMs ?? 300);
  }

  /** Resolves when no background pass is queued or running. */
  async whenIdle(): Promise<void> {
    while (!this.destroyed && (this.pass || this.queue.size.queued + this.queue.size.running > 0)) {
      await this.pass;
      await this.queue.whenIdle();
    }
  }

  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    clearTimeout(this.passTimer);
    this.passTimer = undefined;
    for (const dispose of this.disposers.splice(0)) dispose();
    await this.queue.close();
    await this.indexRef.release();
  }

  private watch(): void {
    const { repo } = this.options;
    const index = this.index.doc;
    const catalogue = index.getMap(IndexKeys.catalogue);
    const onCatalogue = (): void => this.refresh();
    catalogue.observe(onCatalogue);
    // Becoming a coordinator (or admin) adds private documents: retry those refused before.
    const members = index.getMap(IndexKeys.members);
    const onMembers = (): void => {
      if (this.privateDocs.membersChanged(index)) this.refresh();
    };
    members.observeDeep(onMembers);
    let cancelStart: (() => void) | undefined;
    void this.index.whenLoaded.then(() => {
      if (this.destroyed) return;
      cancelStart = repo.afterPaint(() => {
        this.started = true;
        this.refresh();
      });
    });
    const stopNetwork = this.watchNetwork();
    const intervalMs = this.options.intervalMs ?? 5 * 60_000;
    const interval = intervalMs > 0 ? setInterval(() => this.refresh(), intervalMs) : undefined;
    this.disposers.push(
      () => cancelStart?.(),
      () => catalogue.unobserve(onCatalogue),
      () => members.unobserveDeep(onMembers),
      stopNetwork,
      () => clearInterval(interval),
      repo.onStatus((handle) => {
        if (handle.workspaceId === this.workspaceId) this.publish();
      }),
      // Deleted contact details must leave this device's storage too (see purge-watch.ts).
      repo.onLoaded((handle) => {
        if (handle.workspaceId !== this.workspaceId || !handle.docId.startsWith(PRIVATE_DOC_PREFIX)) return;
        return compactAfterContactPurges(handle.doc, handle, repo.storage, this.workspaceId, handle.docId);
      }),
      repo.onRefused((handle, refusal) => {
        if (handle.workspaceId === this.workspaceId) this.onRefused(handle.docId, refusal);
      }),
      this.watchIndexLive()
    );
  }

  /**
   * The relay coming back (after a restart, or a network that was "online" but could not reach
   * it) fires no browser event: a pass when the index goes live again uploads the edits made
   * meanwhile in documents that are not open. The index syncing normally also means this
   * device is a member: a removal remembered earlier (perhaps from a server fault) is cleared.
   */
  private watchIndexLive(): () => void {
    let live = false;
    return this.index.status.subscribe((s) => {
      const now = s.state === 'live';
      if (now && !live) {
        this.refresh();
        try {
          this.options.onLive?.();
        } catch (error) {
          this.options.repo.storage.report(error, this.workspaceId);
        }
      }
      live = now;
    });
  }

  private watchNetwork(): () => void {
    // The repo reconnects and disconnects the handles; the queue follows the network here.
    return this.options.repo.onNetwork((online) => {
      if (online) this.refresh();
      else this.queue.stopAll();
      this.publish();
    });
  }

  private onRefused(docId: string, refusal: Refusal): void {
    // 4401 anywhere, or the index refused: the whole workspace is out of reach. A refused
    // change (4422) is not: only that document stops syncing, and the device keeps its copy.
    const whole = refusal.code === CloseCode.unauthorized || (docId === INDEX_DOC_ID && refusal.code !== CloseCode.changeRefused);
    if (!whole) return this.privateDocs.refused(docId, refusal.code === CloseCode.forbidden);
    if (this.refused) return;
    this.refused = refusal;
    this.options.repo.block(this.workspaceId, refusal);
    this.queue.stopAll();
    this.publish();
    try {
      this.options.onRefused?.(refusal);
    } catch (error) {
      // The catalogue update is best effort; the status already says why.
      this.options.repo.storage.report(error, this.workspaceId);
    }
  }

  private async runPass(): Promise<void> {
    const { repo, workspace } = this.options;
    if (this.destroyed || this.refused || !repo.isOnline()) return this.publish();
    const index = this.index.doc;
    const held = (docId: string): boolean => !!repo.peek(this.workspaceId, docId) || this.queue.isRunning(docId);
    this.privateDocs.forget(index, held);
    const catalogue = [...index.getMap(IndexKeys.catalogue).keys()].sort();
    // Documents a page holds live are synced by their own connection.
    const live = (docId: string): boolean => !!repo.peek(this.workspaceId, docId)?.syncWanted && !this.queue.isRunning(docId);
    const candidates = [...catalogue, ...this.privateDocs.wanted(index)].filter(
      (docId) => docId !== INDEX_DOC_ID && !this.privateDocs.isForbidden(docId) && !live(docId)
    );
    const due = await selectChanged(candidates, { storage: repo.storage, workspace, digests: this.options.digests });
    if (this.destroyed || this.refused || !repo.isOnline()) return this.publish();
    this.queue.enqueue(due);
  }

  /** Sync one document in the background: hold it live until the relay has it (or give up), then let go. */
  private async syncOne(docId: string, stop: StopSignal): Promise<void> {
    const ref = this.options.repo.find(this.options.workspace, docId, { sync: true });
    try {
      await ref.handle.whenLoaded;
      if (stop.stopped || this.refused) return;
      await settled(ref.handle, stop, this.options.docTimeoutMs ?? 30_000);
      await ref.handle.flush();
    } finally {
      await ref.release();
    }
  }

  private publish(): void {
    const { repo } = this.options;
    const open = repo.handlesOf(this.workspaceId).filter((h) => h.syncWanted && !this.queue.isRunning(h.docId));
    const { queued, running } = this.queue.size;
    this.statusStore.set(
      replicationStatus({
        online: repo.isOnline(),
        ...(this.refused ? { refused: this.refused } : {}),
        indexState: this.index.status.get().state,
        background: queued + running,
        open: open.map((h) => h.status.get())
      })
    );
  }
}

/** Resolves when the document is synced, cannot sync now (offline, refused), `stop` fires, or after `timeoutMs`. */
function settled(handle: DocHandle, stop: StopSignal, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    let unsubscribe: (() => void) | undefined;
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      unsubscribe?.();
      resolve();
    };
    const timer = setTimeout(finish, timeoutMs);
    stop.onStop(finish);
    // Offline or refused: stop here; the next pass (e.g. back online) tries again.
    unsubscribe = handle.status.subscribe(() => {
      const tag = handle.state.tag;
      if (tag === 'synced' || tag === 'ready' || tag === 'refused' || tag === 'released') finish();
    });
    if (done) unsubscribe();
  });
}

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
 *
 * This class is the replication's shell: the index, the status and when passes run. What a pass
 * does (digests, private documents, the queue) is `passes.ts`, loaded with the first pass, which
 * runs after the page painted; should it fail to load, that pass is skipped and the next one
 * (network or relay back, catalogue change, the interval) loads it again. Nothing is lost
 * meanwhile: documents stay on the device and pages hold theirs live themselves.
 */
import { CloseCode, INDEX_DOC_ID, PRIVATE_DOC_PREFIX } from '#shared/protocol';
import { IndexKeys } from '#shared/model/schema';
import type { DocHandle, WorkspaceAccess } from '../handle/doc-handle.ts';
import { shallowEqual, writable, type Readable } from '../observable.ts';
import type { DocRef, Repo } from '../repo.ts';
import type { Refusal } from '../store.ts';
import { compactAfterContactPurges } from '../purge-watch.ts';
import type { DigestSource } from './digests.ts';
import type { ReplicationPasses } from './passes.ts';
import { replicationStatus, type ReplicationStatus } from './status.ts';

/** The pass machinery's module, loaded with the first pass (issue 25: not on the document page's first paint). */
export type PassesModule = typeof import('./passes.ts');
const importPasses = (): Promise<PassesModule> => import('./passes.ts');

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
  /** How the pass machinery is loaded (tests: count loads, fail one). Default: `import('./passes.ts')`. */
  loadPasses?: () => Promise<PassesModule>;
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
  /** The pass machinery, once loaded (null before the first pass). */
  private passes: ReplicationPasses | null = null;
  private passesLoading: Promise<ReplicationPasses> | null = null;
  /** Documents the relay refused before the passes were loaded: told to them on load. */
  private readonly refusedEarly: [docId: string, forbidden: boolean][] = [];
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
    while (!this.destroyed && (this.pass || this.queueSize() > 0)) {
      await this.pass;
      await this.passes?.queue.whenIdle();
    }
  }

  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    clearTimeout(this.passTimer);
    this.passTimer = undefined;
    for (const dispose of this.disposers.splice(0)) dispose();
    // Passes still loading close their queue when they arrive (`loadPasses`).
    await this.passes?.queue.close();
    await this.indexRef.release();
  }

  /** The pass machinery: loaded once; a failed load is tried again by the next pass. */
  private loadPasses(): Promise<ReplicationPasses> {
    this.passesLoading ??= (this.options.loadPasses ?? importPasses)().then(
      ({ ReplicationPasses }) => {
        const { repo, digests, concurrency, docTimeoutMs, workspace } = this.options;
        const passes = new ReplicationPasses({
          workspaceId: this.workspaceId,
          index: this.index,
          workspace,
          repo,
          digests,
          concurrency,
          docTimeoutMs,
          stopped: () => this.destroyed || !!this.refused,
          publish: () => this.publish()
        });
        for (const [docId, forbidden] of this.refusedEarly.splice(0)) passes.privateDocs.refused(docId, forbidden);
        this.passes = passes;
        if (this.destroyed) void passes.queue.close();
        return passes;
      },
      (error: unknown) => {
        this.passesLoading = null;
        throw error;
      }
    );
    return this.passesLoading;
  }

  private queueSize(): number {
    const size = this.passes?.queue.size;
    return size ? size.queued + size.running : 0;
  }

  private isQueued(docId: string): boolean {
    return this.passes?.queue.isRunning(docId) ?? false;
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
      // Before the passes are loaded, the first pass reads the directory as it is then.
      if (!this.passes || this.passes.privateDocs.membersChanged(index)) this.refresh();
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
      else this.passes?.queue.stopAll();
      this.publish();
    });
  }

  private onRefused(docId: string, refusal: Refusal): void {
    // 4401 anywhere, or the index refused: the whole workspace is out of reach. A refused
    // change (4422) is not: only that document stops syncing, and the device keeps its copy.
    const whole = refusal.code === CloseCode.unauthorized || (docId === INDEX_DOC_ID && refusal.code !== CloseCode.changeRefused);
    if (!whole) {
      const forbidden = refusal.code === CloseCode.forbidden;
      if (this.passes) this.passes.privateDocs.refused(docId, forbidden);
      else this.refusedEarly.push([docId, forbidden]);
      return;
    }
    if (this.refused) return;
    this.refused = refusal;
    this.options.repo.block(this.workspaceId, refusal);
    this.passes?.queue.stopAll();
    this.publish();
    try {
      this.options.onRefused?.(refusal);
    } catch (error) {
      // The catalogue update is best effort; the status already says why.
      this.options.repo.storage.report(error, this.workspaceId);
    }
  }

  private async runPass(): Promise<void> {
    const { repo } = this.options;
    if (this.destroyed || this.refused || !repo.isOnline()) return this.publish();
    let passes: ReplicationPasses;
    try {
      passes = await this.loadPasses();
    } catch {
      // The script did not arrive (a failed request): not a problem of the device's copy, so
      // not listed as one; the next pass (network or relay back, the interval) loads it again.
      return this.publish();
    }
    if (this.destroyed || this.refused || !repo.isOnline()) return this.publish();
    await passes.run();
  }

  private publish(): void {
    const { repo } = this.options;
    const open = repo.handlesOf(this.workspaceId).filter((h) => h.syncWanted && !this.isQueued(h.docId));
    const { queued, running } = this.passes?.queue.size ?? { queued: 0, running: 0 };
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

/**
 * The device's documents, one {@link DocHandle} per document (as automerge-repo's Repo does).
 *
 * Everything on the page that needs a document — the editor, background replication,
 * dashboards, block views — asks the repo with {@link Repo.find} and gets a {@link DocRef}:
 * the shared handle plus its own `release()`. The repo counts the references: the first
 * loads the document from the device store, the last releases it (written, disconnected, its
 * Y.Doc destroyed), so the device holds one Y.Doc per document, and only for as long as
 * something needs it. A reference that asks for `sync` keeps the document connected to the
 * relay while the device is online; one that does not (a dashboard reading it) never opens a
 * socket.
 */
import { whenIdle } from '../idle.ts';
import type { DocStorage } from './doc-storage.ts';
import { DocHandle, type HandleEnvironment, type WorkspaceAccess } from './handle/doc-handle.ts';
import type { WebSocketConstructor } from './handle/relay-link.ts';
import type { NetworkEnvironment } from './network.ts';
import type { Refusal } from './store.ts';

/** What a reference needs of its document. */
export interface DocUse {
  /** Keep the document connected to the relay while this reference lives (default false). */
  sync?: boolean;
}

/** One holder's reference to a shared document. */
export interface DocRef {
  readonly handle: DocHandle;
  readonly docId: string;
  /** The shared Y.Doc (valid until the last reference is released). */
  readonly doc: DocHandle['doc'];
  readonly status: DocHandle['status'];
  /** Let go; the document is released when nobody holds it. Safe to call twice. */
  release(): Promise<void>;
}

/** Options of {@link Repo}. */
export interface RepoOptions {
  storage: DocStorage;
  network: NetworkEnvironment;
  /** Relay base when a workspace has none, `ws(s)://host/sync`. Default: this page's origin. */
  relayUrl?: string;
  WebSocket?: WebSocketConstructor;
  /** Cross-tab BroadcastChannel sync (stock provider feature). Tests in one process turn it off. */
  disableBc?: boolean;
  /** Longest wait between reconnect attempts. Default 5 s. */
  maxBackoffTime?: number;
  /** First wait after a 4429 before reconnecting; doubles each time. Default 15 s. */
  rateLimitRetryMs?: number;
  /** Ask the relay for a receipt at most this often while edits keep coming. Default 1 s. */
  confirmIntervalMs?: number;
  /** Live, unconfirmed edits count as `waiting` after this long. Default 1.5 s. */
  waitingAfterMs?: number;
  now?: () => number;
  /**
   * When a document loaded from the device opens its socket, and a workspace's replication its
   * first pass: once the page painted it and is idle (default), or at once.
   */
  afterPaint?: (fn: () => void) => () => void;
}

/** After the paint, the longest wait for an idle moment before the socket opens anyway. */
const IDLE_WAIT_MS = 1000;
/** A page that paints no frame (a hidden tab): replication must not wait for one. */
const NO_FRAME_MS = 300;

/**
 * After the next frame is painted, at the page's first idle moment (or {@link IDLE_WAIT_MS}
 * later at the latest): syncing a document and the workspace (handshakes, the first
 * replication pass) comes after what a person opened is on screen and taking keys, not between
 * the two (issue 25). {@link NO_FRAME_MS} when no frame comes (a hidden tab); at once without
 * frames (Node).
 */
function afterNextPaint(fn: () => void): () => void {
  if (typeof requestAnimationFrame !== 'function') {
    fn();
    return () => {};
  }
  let cancelIdle: (() => void) | undefined;
  const cancel = (): void => {
    cancelAnimationFrame(frame);
    clearTimeout(noFrame);
    cancelIdle?.();
  };
  const run = (): void => {
    cancel();
    fn();
  };
  const frame = requestAnimationFrame(() => {
    clearTimeout(noFrame);
    cancelIdle = whenIdle(run, IDLE_WAIT_MS);
  });
  const noFrame = setTimeout(run, NO_FRAME_MS);
  return cancel;
}

type Listener<A extends unknown[]> = (...args: A) => void;

interface Entry {
  handle: DocHandle;
  refs: number;
}

/** `ws(s)://<this page's host>/sync`; throws outside a browser (pass relayUrl there). */
export function defaultRelayUrl(): string {
  if (typeof location === 'undefined') throw new Error('No page origin to derive the relay URL from; pass relayUrl.');
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/sync`;
}

const keyOf = (workspaceId: string, docId: string): string => `${workspaceId}/${docId}`;

/** The device's one repo of document handles. */
export class Repo {
  private readonly entries = new Map<string, Entry>();
  /** Handles being released: a new handle of the same document loads after their last write. */
  private readonly releasing = new Map<string, Promise<void>>();
  private readonly blocked = new Map<string, Refusal>();
  private readonly changeListeners = new Set<Listener<[DocHandle]>>();
  private readonly statusListeners = new Set<Listener<[DocHandle]>>();
  private readonly refusalListeners = new Set<Listener<[DocHandle, Refusal]>>();
  private readonly attachers = new Set<(handle: DocHandle) => (() => void) | void>();
  private readonly env: HandleEnvironment;
  private readonly stopNetwork: () => void;
  private closed = false;

  constructor(private readonly options: RepoOptions) {
    const { network } = options;
    const emit = <A extends unknown[]>(listeners: Set<Listener<A>>, ...args: A): void => {
      for (const listener of [...listeners]) {
        try {
          listener(...args);
        } catch (error) {
          // One failing listener (a dashboard) must never break a document's life.
          console.error('Mutual: a document listener failed', error);
        }
      }
    };
    this.env = {
      storage: options.storage,
      isOnline: () => network.isOnline(),
      mayConnect: (workspaceId) => !this.blocked.has(workspaceId),
      defaultRelayUrl: () => options.relayUrl ?? defaultRelayUrl(),
      ...(options.WebSocket ? { WebSocket: options.WebSocket } : {}),
      disableBc: options.disableBc ?? false,
      maxBackoffTime: options.maxBackoffTime ?? 5000,
      rateLimitRetryMs: options.rateLimitRetryMs ?? 15_000,
      confirmIntervalMs: options.confirmIntervalMs ?? 1000,
      waitingAfterMs: options.waitingAfterMs ?? 1500,
      now: options.now ?? Date.now,
      refused: (handle, refusal) => emit(this.refusalListeners, handle, refusal),
      changed: (handle) => emit(this.changeListeners, handle),
      statusChanged: (handle) => emit(this.statusListeners, handle),
      loaded: (handle) => this.attach(handle),
      afterPaint: options.afterPaint ?? afterNextPaint
    };
    // Offline means offline for every document at once: left alone, a socket can look open for
    // a long while after the network went (Chromium's offline mode keeps it open and drops its
    // frames), and its document would say "live" under an "Offline" bar. Back online: reconnect
    // now instead of waiting out the provider's backoff.
    this.stopNetwork = network.subscribe(() => {
      for (const { handle } of this.entries.values()) handle.reconsider();
    });
  }

  /** Run `fn` once the page painted and is idle (see {@link RepoOptions.afterPaint}); returns its cancel. */
  afterPaint(fn: () => void): () => void {
    return this.env.afterPaint(fn);
  }

  /** The device store the handles persist to. */
  get storage(): DocStorage {
    return this.options.storage;
  }

  /** Whether the device thinks it is online. */
  isOnline(): boolean {
    return this.options.network.isOnline();
  }

  /** Take a reference to a document, loading it if nobody holds it. */
  find(access: WorkspaceAccess, docId: string, use: DocUse = {}): DocRef {
    if (this.closed) throw new Error('The device is closing.');
    const key = keyOf(access.workspaceId, docId);
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { handle: new DocHandle(access, docId, this.env, this.releasing.get(key)), refs: 0 };
      this.entries.set(key, entry);
    }
    entry.refs++;
    if (use.sync) entry.handle.wantSync(1);
    return this.reference(key, entry, use);
  }

  /** The handle of a document if something holds it now (no reference taken). */
  peek(workspaceId: string, docId: string): DocHandle | undefined {
    return this.entries.get(keyOf(workspaceId, docId))?.handle;
  }

  /** Handles of a workspace held now. */
  handlesOf(workspaceId: string): DocHandle[] {
    return [...this.entries.values()].filter((e) => e.handle.workspaceId === workspaceId).map((e) => e.handle);
  }

  /** How many documents are in memory. */
  get size(): number {
    return this.entries.size;
  }

  /** Every change of a held document after it loaded (remote or local). Returns the unsubscribe function. */
  onChange(listener: (handle: DocHandle) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** Every status change of a held document. */
  onStatus(listener: (handle: DocHandle) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /**
   * Run `attach` on every handle loaded from now on, once its stored content is in;
   * the function it returns runs when the handle is released. Returns the unsubscribe function.
   */
  onLoaded(attach: (handle: DocHandle) => (() => void) | void): () => void {
    this.attachers.add(attach);
    return () => this.attachers.delete(attach);
  }

  /** The device going offline or coming back (after the repo has told every handle). */
  onNetwork(listener: (online: boolean) => void): () => void {
    return this.options.network.subscribe(listener);
  }

  /** A document the relay refused for good. */
  onRefused(listener: (handle: DocHandle, refusal: Refusal) => void): () => void {
    this.refusalListeners.add(listener);
    return () => this.refusalListeners.delete(listener);
  }

  /** Stop every document of a workspace from connecting (access removed); they stay on the device. */
  block(workspaceId: string, refusal: Refusal): void {
    this.blocked.set(workspaceId, refusal);
    for (const handle of this.handlesOf(workspaceId)) handle.reconsider();
  }

  /** Let a workspace's documents connect again (e.g. the page was reloaded after a refusal). */
  unblock(workspaceId: string): void {
    if (!this.blocked.delete(workspaceId)) return;
    for (const handle of this.handlesOf(workspaceId)) handle.reconsider();
  }

  /** Whether a workspace is blocked, and why. */
  blockedBy(workspaceId: string): Refusal | undefined {
    return this.blocked.get(workspaceId);
  }

  /**
   * Release a document now, whoever holds it (its workspace is being deleted from the device).
   * Their references become inert.
   */
  async evict(handle: DocHandle): Promise<void> {
    const key = keyOf(handle.workspaceId, handle.docId);
    const entry = this.entries.get(key);
    if (!entry || entry.handle !== handle) return;
    this.entries.delete(key);
    await this.releaseNow(key, entry);
  }

  /** Resolves when every release started so far has written its last changes. */
  async whenReleased(): Promise<void> {
    while (this.releasing.size > 0) await Promise.all([...this.releasing.values()]);
  }

  /** Release every document (the page is going away). */
  async close(): Promise<void> {
    this.closed = true;
    this.stopNetwork();
    const entries = [...this.entries.entries()];
    this.entries.clear();
    await Promise.all(entries.map(([key, entry]) => this.releaseNow(key, entry)));
    await this.whenReleased();
  }

  private attach(handle: DocHandle): () => void {
    const cleanups: (() => void)[] = [];
    for (const attach of [...this.attachers]) {
      try {
        const cleanup = attach(handle);
        if (cleanup) cleanups.push(cleanup);
      } catch (error) {
        this.options.storage.report(error, handle.workspaceId, handle.docId);
      }
    }
    return () => {
      for (const cleanup of cleanups) cleanup();
    };
  }

  private reference(key: string, entry: Entry, use: DocUse): DocRef {
    let released = false;
    return {
      handle: entry.handle,
      docId: entry.handle.docId,
      doc: entry.handle.doc,
      status: entry.handle.status,
      release: async () => {
        if (released) return;
        released = true;
        if (use.sync) entry.handle.wantSync(-1);
        if (--entry.refs > 0 || this.entries.get(key) !== entry) return;
        this.entries.delete(key);
        await this.releaseNow(key, entry);
      }
    };
  }

  private releaseNow(key: string, entry: Entry): Promise<void> {
    const { handle } = entry;
    const done = handle
      .release()
      .catch((error: unknown) => {
        this.options.storage.report(error, handle.workspaceId, handle.docId);
      })
      .finally(() => {
        if (this.releasing.get(key) === done) this.releasing.delete(key);
      });
    this.releasing.set(key, done);
    return done;
  }
}

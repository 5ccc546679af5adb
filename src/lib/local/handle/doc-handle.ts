/**
 * One document on this device, from the moment something needs it until nothing does: load
 * from the device store → apply → persist local changes → sync with the relay → release.
 *
 * Its state is the explicit machine of machine.ts; this class performs the effects (the
 * store, the socket, timers) and turns what happened into events. The {@link Repo} keeps one
 * handle per document and counts who holds it, so the editor, background replication,
 * dashboards and block views share ONE Y.Doc per document per device.
 */
import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import type { DocStorage } from '../doc-storage.ts';
import { writable, shallowEqual, type Readable } from '../observable.ts';
import type { Refusal } from '../store.ts';
import { isLive, isLoaded, next, type HandleEvent, type HandleState } from './machine.ts';
import { MetaKeeper } from './meta.ts';
import { DocPersistence, STORE_ORIGIN, type DocLoadResult } from './persistence.ts';
import { Presence } from './presence.ts';
import { deletesOnly, Receipts } from './receipts.ts';
import type { RelayLink, WebSocketConstructor } from './relay-link.ts';
import { WaitingClock, type DocSyncStatus } from './status.ts';

/** Which workspace a document belongs to, and the credentials to sync it. */
export interface WorkspaceAccess {
  workspaceId: string;
  /** The member's bearer token (sent as `?token=`). */
  token: string;
  /** Relay base, `ws(s)://host/sync`, when not this page's origin. */
  relayUrl?: string;
}

/** What a handle needs from its repo: the device's store, network, socket settings and listeners. */
export interface HandleEnvironment {
  readonly storage: DocStorage;
  isOnline(): boolean;
  /** False while the whole workspace is refused (access removed): its documents stay on the device. */
  mayConnect(workspaceId: string): boolean;
  defaultRelayUrl(): string;
  readonly WebSocket?: WebSocketConstructor;
  readonly disableBc: boolean;
  readonly maxBackoffTime: number;
  /** First wait after a 4429 (rate limited) before reconnecting; doubles each time. */
  readonly rateLimitRetryMs: number;
  /** Ask the relay for a receipt at most this often while edits keep coming. */
  readonly confirmIntervalMs: number;
  /** Live, unconfirmed edits count as `waiting` after this long without a receipt. */
  readonly waitingAfterMs: number;
  now(): number;
  /** The relay refused this document for good. */
  refused(handle: DocHandle, refusal: Refusal): void;
  /** The document changed after loading (any origin but the store). */
  changed(handle: DocHandle): void;
  /** The status changed (the repo aggregates workspaces' statuses from it). */
  statusChanged(handle: DocHandle): void;
  /** Stored content is in: attach per-document behaviour; the returned function runs on release. */
  loaded(handle: DocHandle): () => void;
  /** Run `fn` once the page has painted what is there now (at once without a page); returns the cancel function. */
  afterPaint(fn: () => void): () => void;
}

/** A document shared by everything on the page that needs it. */
export class DocHandle {
  readonly doc = new Y.Doc();
  /** Resolves once stored content is in `doc` (also when the store failed: see `error`). Never rejects. */
  readonly whenLoaded: Promise<DocLoadResult>;
  private machine: HandleState = { tag: 'idle' };
  private readonly statusStore;
  /** The document's status in the UI's words; Svelte-store compatible. */
  readonly status: Readable<DocSyncStatus>;
  private readonly persistence: DocPersistence;
  private readonly receipts: Receipts;
  private readonly meta: MetaKeeper;
  private readonly clock: WaitingClock;
  private link: RelayLink | null = null;
  /** The socket's code (the stock y-websocket provider) is loading: it comes with the first document that syncs, not with the page. */
  private linkLoading = false;
  private presenceOf: Presence | null = null;
  /** Holders that want the document live (the repo counts them). */
  private syncUsers = 0;
  /** `disconnect()` was called by hand (tests, or a person pausing sync): stay off until `connect()`. */
  private paused = false;
  private rateLimitedTimes = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private probeTimer: ReturnType<typeof setTimeout> | undefined;
  private waitingTimer: ReturnType<typeof setTimeout> | undefined;
  private detach: (() => void) | undefined;
  /** Cancels a first connection waiting for the page to paint the document. */
  private firstConnect: (() => void) | undefined;
  /** Loaded from the device: the first socket opens after the next paint. */
  private paintFirst = false;
  /** Called on every handshake, receipt, drop and release: {@link catchUp} listens. */
  private readonly progress = new Set<() => void>();
  private handshakes = 0;
  private receiptsArrived = 0;

  constructor(
    readonly access: WorkspaceAccess,
    readonly docId: string,
    private readonly env: HandleEnvironment,
    /** The previous handle of this document finishing its last write (the repo chains them). */
    after: Promise<unknown> = Promise.resolve()
  ) {
    const { storage } = env;
    this.persistence = new DocPersistence(storage, access.workspaceId, docId, this.doc);
    this.receipts = new Receipts(this.doc);
    this.meta = new MetaKeeper(storage, access.workspaceId, docId, () => env.now());
    this.clock = new WaitingClock(env.waitingAfterMs, () => env.now());
    this.statusStore = writable<DocSyncStatus>(this.clock.status(this.machine, {}).status, shallowEqual);
    this.status = this.statusStore;
    this.doc.on('update', this.onUpdate);
    this.dispatch({ type: 'load' });
    this.whenLoaded = after.then(() => this.load());
  }

  get workspaceId(): string {
    return this.access.workspaceId;
  }

  /** The machine's state (read-only; see machine.ts). */
  get state(): HandleState {
    return this.machine;
  }

  /**
   * Whether the relay is known to hold the edit `clock` of Yjs client `client`: false for an edit
   * made here that it never confirmed (not sent yet, or refused: a viewer's comments, issue 22).
   */
  relayHas(client: number, clock: number): boolean {
    return this.receipts.relayHas(client, clock);
  }

  /** True once stored content has been applied. */
  get loaded(): boolean {
    return isLoaded(this.machine);
  }

  /** The stock provider behind the socket, once the document first synced (diagnostics and tests). */
  get provider(): RelayLink['provider'] | null {
    return this.link?.provider ?? null;
  }

  /** Presence for the editor (awareness, `sync`/`status` events). Made on first use. */
  get presence(): Presence {
    this.presenceOf ??= this.makePresence();
    return this.presenceOf;
  }

  /** Resolve when live with nothing pending, or say why not ('refused' | 'timeout'). */
  whenSynced(timeoutMs = 30_000): Promise<'synced' | 'refused' | 'timeout'> {
    return new Promise((resolve) => {
      let unsubscribe: (() => void) | undefined;
      let settled = false;
      const finish = (result: 'synced' | 'refused' | 'timeout'): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        unsubscribe?.();
        resolve(result);
      };
      const timer = setTimeout(() => finish('timeout'), timeoutMs);
      unsubscribe = this.status.subscribe(() => {
        if (this.machine.tag === 'refused') finish('refused');
        else if (this.machine.tag === 'synced') finish('synced');
        else if (this.machine.tag === 'released') finish('timeout');
      });
      if (settled) unsubscribe();
    });
  }

  /**
   * Bring this copy up to date with the relay before acting on it (issue 26: a claim from a
   * dashboard is judged on what the relay has, not on what this device last heard). Resolves
   * `fresh` once the relay has answered a sync step 1 sent now — it answers with everything this
   * copy lacks — or, on a connection still opening, once its handshake is done. `offline` when
   * the device is offline (act on the copy; the fair order decides later), `refused`, or
   * `timeout` after `timeoutMs` (a socket that looks open can be dead). Someone must hold the
   * document with `sync`, or it never connects.
   */
  catchUp(timeoutMs = 4000): Promise<'fresh' | 'offline' | 'refused' | 'timeout'> {
    if (this.machine.tag === 'refused') return Promise.resolve('refused');
    if (!this.env.isOnline() || !this.env.mayConnect(this.workspaceId)) return Promise.resolve('offline');
    return new Promise((resolve) => {
      const handshakesBefore = this.handshakes;
      let wantReceipts = Number.POSITIVE_INFINITY;
      const link = this.link;
      if (link && isLive(this.machine) && link.open) {
        // Answers come in order: ours is the one after those already awaited.
        wantReceipts = this.receiptsArrived + this.receipts.awaiting + 1;
        this.receipts.probeSent(this.env.now());
        if (!link.sendProbe(this.doc)) {
          this.receipts.connectionLost();
          wantReceipts = Number.POSITIVE_INFINITY;
        }
      }
      const check = (): void => {
        if (this.machine.tag === 'refused') finish('refused');
        else if (this.machine.tag === 'released') finish('timeout');
        else if (this.handshakes > handshakesBefore || this.receiptsArrived >= wantReceipts) finish('fresh');
        else if (!this.env.isOnline()) finish('offline');
      };
      const finish = (result: 'fresh' | 'offline' | 'refused' | 'timeout'): void => {
        clearTimeout(timer);
        this.progress.delete(check);
        resolve(result);
      };
      const timer = setTimeout(() => finish('timeout'), timeoutMs);
      this.progress.add(check);
    });
  }

  /** Write any batched changes now; resolves when they are stored (or reported as failed). */
  flush(): Promise<void> {
    return this.persistence.flush();
  }

  /** Sync again after {@link disconnect} (when someone wants it live and the device is online). */
  connect(): void {
    this.paused = false;
    this.reconsider();
  }

  /** Close the relay's socket and stay off until {@link connect}. The document stays usable. */
  disconnect(): void {
    this.paused = true;
    this.reconsider();
  }

  /** Repo: one more (or one fewer) holder wants the document live. */
  wantSync(delta: 1 | -1): void {
    this.syncUsers += delta;
    this.reconsider();
  }

  /** How many holders want the document live. */
  get syncWanted(): boolean {
    return this.syncUsers > 0;
  }

  /**
   * Open or close the socket as the situation asks: open when loaded, someone wants it live,
   * the device is online, the workspace is not refused and no retry after 4429 is pending.
   */
  reconsider(): void {
    const state = this.machine;
    if (!isLoaded(state) || state.tag === 'refused') return;
    const wanted = this.syncUsers > 0 && !this.paused && this.env.isOnline() && this.env.mayConnect(this.workspaceId);
    if (wanted && state.tag === 'ready' && this.retryTimer === undefined) {
      this.dispatch({ type: 'connect' });
      this.openLink();
    } else if (!wanted && state.tag !== 'ready') {
      this.link?.disconnect();
      this.dispatch({ type: 'disconnect' });
    } else if (!wanted && this.link?.provider.shouldConnect) {
      this.link.disconnect(); // retrying after a drop: stop
    }
    if (!wanted) {
      this.joinTabsWithoutSocket();
      this.progressed(); // e.g. offline now: a catch-up stops waiting
    }
  }

  /** Repo: nothing needs the document any more. Writes what is left, then frees everything. */
  async release(): Promise<void> {
    if (this.machine.tag === 'released') return;
    const loadedBefore = this.loaded;
    if (this.receipts.pending) this.meta.pending();
    else if (this.receipts.confirmedThisSession) this.meta.confirmed(this.relayHolds, true);
    this.meta.stop();
    this.dispatch({ type: 'release' });
    this.firstConnect?.();
    this.progressed();
    this.detach?.();
    for (const timer of [this.retryTimer, this.probeTimer, this.waitingTimer]) clearTimeout(timer);
    this.doc.off('update', this.onUpdate);
    this.link?.destroy();
    this.link = null;
    this.presenceOf?.awareness.destroy();
    await this.persistence.stop();
    await this.whenLoaded;
    // What the device now stores, for the next background pass to compare with the relay's.
    if (loadedBefore) await this.meta.digest(this.doc);
    this.doc.destroy();
  }

  private async load(): Promise<DocLoadResult> {
    const [result, meta] = await Promise.all([this.persistence.load(), this.meta.read()]);
    this.receipts.restore(meta);
    this.dispatch({ type: 'loaded', pending: this.receipts.pending });
    if (this.machine.tag !== 'released') this.detach = this.env.loaded(this);
    // A document that came from the device is shown first: its socket opens once the page has
    // painted it (opening one also broadcasts the whole document to this device's other tabs;
    // issue 25). It is "connecting" meanwhile. One with nothing stored needs the relay: at once.
    this.paintFirst = result.records > 0;
    this.reconsider();
    return result;
  }

  private dispatch(event: HandleEvent): HandleState {
    this.machine = next(this.machine, event);
    this.publish();
    return this.machine;
  }

  private publish = (): void => {
    const { status, due } = this.clock.status(this.machine, { lastSyncedAt: this.meta.lastSyncedAt });
    this.statusStore.set(status);
    clearTimeout(this.waitingTimer);
    this.waitingTimer = undefined;
    // Live and not yet waiting: look again when the silence would become news.
    if (due !== null) this.waitingTimer = setTimeout(this.publish, Math.max(0, due - this.env.now()));
    this.env.statusChanged(this);
  };

  /** What the relay is known to hold, encoded (for the device store's record). */
  private readonly relayHolds = (): Uint8Array => this.receipts.relayStateVector();

  private onUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === STORE_ORIGIN || this.machine.tag === 'released') return;
    if (this.link && origin === this.link.provider) {
      this.receipts.relaySent(update); // came from the relay, so the relay holds it
      // Still all confirmed: remember that the relay holds this too (a reload offline says "saved").
      if (this.receipts.confirmedThisSession && !this.receipts.pending) this.meta.confirmed(this.relayHolds);
      this.publish();
    } else {
      this.receipts.localEdit();
      this.dispatch({ type: 'edited' });
      // Offline, or a deletion live (a crash before its receipt, then an offline reload, would
      // otherwise say "saved": the stored state vector covers a document that only lost text).
      if (!isLive(this.machine) || deletesOnly(update)) this.meta.pending();
    }
    if (isLive(this.machine)) this.queueProbe();
    this.env.changed(this);
  };

  private makePresence(): Presence {
    const awareness = new Awareness(this.doc);
    // Nobody is here until an editor says so (background sync announces no one).
    awareness.setLocalState(null);
    const presence = new Presence(awareness);
    if (this.link) presence.follow(this.link.provider);
    return presence;
  }

  /** Connect the socket, loading its code first the first time (issue 25: not on the way to a first paint). */
  private openLink(): void {
    if (this.link) return this.link.connect();
    if (this.linkLoading) return;
    if (this.paintFirst) {
      this.paintFirst = false;
      this.linkLoading = true;
      this.firstConnect = this.env.afterPaint(() => {
        this.firstConnect = undefined;
        this.linkLoading = false;
        if (this.machine.tag === 'connecting') this.openLink();
        else this.joinTabsWithoutSocket();
      });
      return;
    }
    this.loadLink();
  }

  /** Load the link's code, then connect it — or, gone offline meanwhile, join only the tabs. */
  private loadLink(): void {
    this.linkLoading = true;
    import('./relay-link.ts').then(
      ({ RelayLink: Link }) => {
        this.linkLoading = false;
        if (this.link || this.machine.tag === 'released') return;
        // Still wanted? (Gone offline or disconnected while the code loaded: no socket, only the tabs.)
        if (this.machine.tag === 'connecting') this.createLink(Link).connect();
        else if (this.tabsWithoutSocket()) this.createLink(Link).disconnect();
      },
      (error: unknown) => {
        this.linkLoading = false;
        console.error('Mutual: the sync code could not be loaded', error);
        if (this.machine.tag === 'connecting') this.dispatch({ type: 'dropped', code: undefined, reason: 'the sync code could not be loaded' });
      }
    );
  }

  /** Held live with no socket wanted (offline): this device's other tabs still share the document. */
  private tabsWithoutSocket(): boolean {
    const canMakeLink = this.env.WebSocket !== undefined || typeof WebSocket !== 'undefined'; // not in Node 20 without one
    return this.syncUsers > 0 && !this.env.disableBc && canMakeLink && !this.env.isOnline() && isLoaded(this.machine);
  }

  /**
   * The tabs' channel lives in the relay link: a tab that went offline before its first socket
   * (opened just before the network dropped, or offline from the start) makes the link without
   * connecting it, so its edits still reach the device's other tabs and theirs reach it.
   */
  private joinTabsWithoutSocket(): void {
    if (this.link || this.linkLoading || !this.tabsWithoutSocket()) return;
    this.loadLink();
  }

  private createLink(Link: typeof RelayLink): RelayLink {
    const { env, access } = this;
    const link = new Link(
      {
        doc: this.doc,
        awareness: this.presence.awareness,
        relayUrl: access.relayUrl ?? env.defaultRelayUrl(),
        workspaceId: access.workspaceId,
        docId: this.docId,
        token: access.token,
        disableBc: env.disableBc,
        maxBackoffTime: env.maxBackoffTime,
        ...(env.WebSocket ? { WebSocket: env.WebSocket } : {})
      },
      {
        relayHolds: (stateVector) => this.receipts.relayHolds(stateVector),
        handshake: () => this.onHandshake(),
        receipt: () => this.onReceipt(),
        closed: (code, reason) => this.onClosed(code, reason)
      }
    );
    this.link = link;
    this.presenceOf?.follow(link.provider);
    return link;
  }

  /** Tell {@link catchUp} waiters something happened (copy: a waiter removes itself). */
  private progressed(): void {
    for (const check of [...this.progress]) check();
  }

  private onHandshake(): void {
    if (this.machine.tag === 'released') return;
    this.handshakes++;
    this.rateLimitedTimes = 0;
    const pending = this.receipts.pending;
    if (!pending) {
      // The relay's state vector covers ours and no deletion is pending: nothing to send.
      this.receipts.handshakeConfirmed();
      this.meta.lastSyncedAt = this.env.now();
      this.meta.confirmed(this.relayHolds);
    }
    this.dispatch({ type: 'handshake', pending });
    if (pending) this.queueProbe();
    this.progressed();
  }

  private onReceipt(): void {
    if (this.machine.tag === 'released' || !this.receipts.receiptArrived()) return;
    this.receiptsArrived++;
    const now = this.env.now();
    this.meta.lastSyncedAt = now;
    this.clock.receipt(now);
    const pending = this.receipts.pending;
    this.dispatch({ type: 'receipt', pending });
    if (pending) this.queueProbe();
    else this.meta.confirmed(this.relayHolds);
    this.progressed();
  }

  private onClosed(code: number | undefined, reason: string): void {
    this.receipts.connectionLost();
    if (this.machine.tag === 'released' || this.machine.tag === 'refused') return;
    // Read through a call: the checks above narrowed `this.machine`, and the dispatch changed it.
    const state = this.dispatch({ type: 'dropped', code, reason });
    this.progressed();
    if (state.tag === 'refused') {
      this.link?.stop();
      this.env.refused(this, state.refusal);
    } else if (state.tag === 'ready' && state.notice) {
      this.retryLater();
    }
  }

  /** After a 4429: one slow, growing retry (describeCloseCode promises "reconnecting shortly"), never a loop. */
  private retryLater(): void {
    clearTimeout(this.retryTimer);
    const delay = Math.min(this.env.rateLimitRetryMs * 2 ** this.rateLimitedTimes++, 5 * 60_000);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.reconsider();
    }, delay);
  }

  /**
   * Ask for a receipt after the current task (the provider sends an edit as it happens; the
   * probe follows it), and at most once per `confirmIntervalMs`: the relay's answer carries the
   * document's whole delete set (y-protocols' step 2), a few KB for a long, much-edited page.
   */
  private queueProbe(): void {
    if (this.probeTimer !== undefined || this.machine.tag === 'released') return;
    const wait = Math.max(0, this.receipts.lastProbeAt + this.env.confirmIntervalMs - this.env.now());
    this.probeTimer = setTimeout(() => this.sendProbe(), wait);
  }

  private sendProbe(): void {
    this.probeTimer = undefined;
    // One at a time (its receipt sends the next if more is waiting), and only after the
    // handshake: from then on every step 2 from the relay answers one of ours, in order.
    const link = this.link;
    if (!link || !isLive(this.machine) || !link.open || this.receipts.awaiting > 0 || !this.receipts.pending) return;
    this.receipts.probeSent(this.env.now());
    if (!link.sendProbe(this.doc)) this.receipts.connectionLost(); // closing; the reconnect starts over
  }
}

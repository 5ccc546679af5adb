import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { CloseCode } from '#shared/protocol';
import { errorMessage, type Logger } from '../log.ts';
import { docIdOf, docKey, DocumentLoadError, type DocKey, type DocumentStore } from '../store/types.ts';
import type { Broadcast } from './broadcast.ts';
import { createEntry, diagnose, moveTo, recordOf, type DocumentDiagnosis, type Entry, type EntryRecord } from './document-entry.ts';
import { isFinal, next, type LifecycleEffect, type LifecycleEvent } from './document-lifecycle.ts';
import { LiveDocument, REMOTE_ORIGIN, SERVER_ORIGIN } from './live-document.ts';
import type { AdmissionLimits } from './admission.ts';
import { readClientFrame, writeAwarenessFrame, writeUpdateFrame } from './messages.ts';
import { appliesCleanly, encodeServedState } from './served-state.ts';

/** Close code for "the server could not load or save this document; try again later". */
export const CLOSE_DOCUMENT_UNAVAILABLE = 1011;

/** Settings of a document manager (a subset of MutualConfig). */
export interface DocumentManagerOptions {
  store: DocumentStore;
  broadcast: Broadcast;
  logger: Logger;
  unloadGraceMs: number;
  /** 0 disables that trigger. */
  compactAfterUpdates: number;
  compactAfterBytes: number;
  /** Told (in a later microtask) whenever a document was loaded into memory. */
  onLoaded?: (workspaceId: string, docId: string) => void;
  /** How often held updates are checked for their deadline (ms; default 1000). */
  holdCheckMs?: number;
  /** Bounds on writers' updates (defaults: DEFAULT_ADMISSION_LIMITS). */
  admission?: AdmissionLimits;
}

/** Frames kept for a loading document; past this the store read will have them anyway. */
const MAX_EARLY_REMOTE_FRAMES = 10_000;
/** How many documents that left memory `describe` still remembers (why they left). */
const ENDED_REMEMBERED = 64;

/**
 * Loads documents on demand, keeps each in memory while it has holders, runs the write
 * pipeline (apply → merge per turn → durable append → broadcast once), compacts in the
 * background, and unloads documents nobody holds after a grace period. Each document's
 * stay in memory follows the state machine of document-lifecycle.ts.
 *
 * Server code reads and writes a workspace's documents through {@link read} and
 * {@link change}; the relay's sockets go through {@link acquire}/{@link release}.
 */
export class DocumentManager {
  private readonly docs = new Map<DocKey, Entry>();
  /** The entry a served document belongs to (a key may have a newer entry by now). */
  private readonly entryOf = new WeakMap<LiveDocument, Entry>();
  /** How documents that left memory ended, newest last. */
  private readonly ended = new Map<DocKey, EntryRecord>();
  private readonly dirty = new Set<LiveDocument>();
  /** Documents whose last copy failed while applying with nobody to blame: reload them applying one update at a time. */
  private readonly isolateOnLoad = new Set<DocKey>();
  private flushHandle: ReturnType<typeof setImmediate> | null = null;
  private closed = false;
  private readonly unsubscribe: () => void;
  private readonly unsubscribeGap: () => void;
  private readonly unloadListeners = new Set<(key: DocKey, ydoc: Y.Doc) => void>();
  private readonly loadListeners = new Set<(key: DocKey) => void>();

  constructor(private readonly opts: DocumentManagerOptions) {
    this.unsubscribe = opts.broadcast.subscribe((key, frame) => this.onRemoteFrame(key, frame));
    this.unsubscribeGap = opts.broadcast.onGap(() => void this.rereadAll());
  }

  /** Number of documents in memory (loaded or loading). */
  get loadedCount(): number {
    return this.docs.size;
  }

  /** Update batches relayed (stored, then sent to peers and other instances) and their bytes, since start. */
  readonly relayed = { batches: 0, bytes: 0 };

  /** Updates held now in every document in memory, waiting for what they depend on. */
  get heldUpdates(): number {
    let n = 0;
    for (const entry of this.docs.values()) n += entry.doc?.heldUpdates ?? 0;
    return n;
  }

  /**
   * The Y.Doc of a document served from memory now (loaded and not failed), or null. Read it
   * synchronously and keep no reference: it is destroyed when the document unloads.
   */
  peek(workspaceId: string, docId: string): Y.Doc | null {
    const doc = this.docs.get(docKey(workspaceId, docId))?.doc;
    return doc && doc.state === 'ready' ? doc.ydoc : null;
  }

  /** Be told when a document is about to leave memory (its final state, before it is destroyed). Returns the unsubscribe function. */
  onUnloading(listener: (key: DocKey, ydoc: Y.Doc) => void): () => void {
    this.unloadListeners.add(listener);
    return () => this.unloadListeners.delete(listener);
  }

  /** Be told when a document was loaded into memory. Returns the unsubscribe function. */
  onLoading(listener: (key: DocKey) => void): () => void {
    this.loadListeners.add(listener);
    return () => this.loadListeners.delete(listener);
  }

  /** Whether a document is in memory now. */
  isLoaded(workspaceId: string, docId: string): boolean {
    return this.docs.has(docKey(workspaceId, docId));
  }

  /**
   * Hold a document (loading it if needed). Rejects with DocumentLoadError when its stored
   * data cannot be read: the caller must refuse the document, never serve it empty.
   * Every acquire must be paired with one {@link release}.
   */
  async acquire(workspaceId: string, docId: string): Promise<LiveDocument> {
    const key = docKey(workspaceId, docId);
    for (;;) {
      if (this.closed) throw new Error('relay is shutting down');
      const entry = this.docs.get(key) ?? this.track(key);
      this.dispatch(entry, { type: 'acquire' });
      const doc = await entry.loaded;
      // It may have stopped being served since (another holder's write failed): that hold
      // ended with it; hold the next copy.
      if (doc.state === 'ready') return doc;
    }
  }

  /** Let go of a document; with no holders left it unloads after the grace period. */
  release(doc: LiveDocument): void {
    const entry = this.entryOf.get(doc);
    if (entry) this.dispatch(entry, { type: 'release' });
  }

  /**
   * Stop serving a document whose in-memory state is suspect (an update failed to apply
   * half-way): its peers are closed with 1011 and reconnect, nothing more of it is written
   * or compacted, and the next acquire reloads it from storage.
   */
  reloadFromStorage(doc: LiveDocument, err: unknown): void {
    this.fail(doc, 'applyFailed', err);
  }

  /** A document's relay-side state, for diagnostics (the fuzzer reports it with a stuck socket). */
  describe(workspaceId: string, docId: string): DocumentDiagnosis {
    const key = docKey(workspaceId, docId);
    const entry = this.docs.get(key) ?? this.ended.get(key);
    return entry ? diagnose(entry, Date.now()) : { key, state: 'gone', msInState: 0, history: [] };
  }

  /**
   * Change a document from server code: `fn` runs inside one transaction with
   * SERVER_ORIGIN; resolves once the change is durable (and relayed to open sockets).
   */
  async change(workspaceId: string, docId: string, fn: (ydoc: Y.Doc) => void): Promise<void> {
    const doc = await this.acquire(workspaceId, docId);
    try {
      doc.ydoc.transact(() => fn(doc.ydoc), SERVER_ORIGIN);
      await doc.whenDurable();
    } finally {
      this.release(doc);
    }
  }

  /** Read a document from server code (loading it if needed). Do not keep references to Yjs types. */
  async read<T>(workspaceId: string, docId: string, fn: (ydoc: Y.Doc) => T): Promise<T> {
    const doc = await this.acquire(workspaceId, docId);
    try {
      return fn(doc.ydoc);
    } finally {
      this.release(doc);
    }
  }

  /**
   * Compact a document now and resolve once its stored log is replaced by a snapshot of the
   * current state (rejects when the store fails). Used after deleting private data (retention
   * purge): the old log rows still hold the deleted bytes until this runs, and with Yjs gc on
   * the new snapshot holds none of them.
   */
  async compactNow(workspaceId: string, docId: string): Promise<void> {
    const doc = await this.acquire(workspaceId, docId);
    try {
      // Every update received so far must be in the log before the snapshot covers it.
      await doc.whenDurable();
      if (doc.state !== 'ready') throw new Error('document is no longer served');
      doc.logCount = 0;
      doc.logBytes = 0;
      const snapshot = snapshotOf(doc);
      doc.baseBytes = snapshot.byteLength;
      await this.opts.store.compact(doc.key, snapshot);
    } finally {
      this.release(doc);
    }
  }

  private notifyLoaded(key: DocKey): void {
    this.opts.logger.debug?.('document-loaded', { doc: key, loaded: this.docs.size });
    for (const listener of this.loadListeners) listener(key);
    const hook = this.opts.onLoaded;
    if (!hook) return;
    const slash = key.indexOf('/');
    try {
      hook(key.slice(0, slash), key.slice(slash + 1));
    } catch (err) {
      this.opts.logger.error('on-loaded-hook-failed', { doc: key, error: errorMessage(err) });
    }
  }

  private async load(key: DocKey): Promise<LiveDocument> {
    // Listen to other instances BEFORE reading the store: whatever they make durable after
    // our read is then published to us (and buffered in the entry until the load ends).
    await this.opts.broadcast.watch(key);
    const ydoc = new Y.Doc({ gc: true });
    let stored;
    try {
      stored = await this.opts.store.load(key);
      ydoc.transact(() => {
        if (stored!.snapshot) Y.applyUpdate(ydoc, stored!.snapshot);
        for (const u of stored!.updates) Y.applyUpdate(ydoc, u);
      });
      this.dropPending(key, ydoc);
    } catch (err) {
      ydoc.destroy();
      this.opts.broadcast.unwatch(key);
      throw err instanceof DocumentLoadError ? err : new DocumentLoadError(key, err);
    }
    const doc = new LiveDocument(
      key,
      ydoc,
      { count: stored.updates.length, bytes: stored.updateBytes, snapshotBytes: stored.snapshot?.byteLength ?? 0 },
      (d) => this.markDirty(d),
      (d, update) => d.sendToPeers(writeUpdateFrame(update)),
      (d, frame) => this.opts.broadcast.publish(d.key, frame),
      this.opts.admission
    );
    if (this.isolateOnLoad.delete(key)) doc.isolateUpdates();
    this.maybeCompact(doc);
    return doc;
  }

  /**
   * Structs and deletes Yjs holds back for missing dependencies were never part of the
   * document: a store written before the relay inspected updates may still carry some.
   * Served, they would be re-tried on every update and sent to every device; drop them (the
   * next compaction writes the document without them).
   */
  private dropPending(key: DocKey, ydoc: Y.Doc): void {
    if (ydoc.store.pendingStructs === null && ydoc.store.pendingDs === null) return;
    this.opts.logger.warn('stored-pending-dropped', { doc: key, structs: ydoc.store.pendingStructs !== null, deletes: ydoc.store.pendingDs !== null });
    ydoc.store.pendingStructs = null;
    ydoc.store.pendingDs = null;
  }

  private markDirty(doc: LiveDocument): void {
    this.dirty.add(doc);
    // setImmediate runs after this turn's I/O callbacks: every message that arrived
    // together is merged into one append and one broadcast.
    this.flushHandle ??= setImmediate(() => this.flushDirty());
  }

  private flushDirty(): void {
    this.flushHandle = null;
    const docs = [...this.dirty];
    this.dirty.clear();
    for (const doc of docs) {
      if (doc.state !== 'ready') continue;
      try {
        if (!this.admit(doc)) continue;
        this.flushAwareness(doc);
        this.flushUpdates(doc);
      } catch (err) {
        this.fail(doc, 'applyFailed', err);
      }
    }
  }

  /**
   * Admit the document's queued updates. Refused writers are closed; when applying threw,
   * the in-memory state is suspect: the writer is refused and the document is reloaded from
   * storage (nothing of this turn is persisted or compacted). False when the document failed.
   */
  private admit(doc: LiveDocument): boolean {
    const result = doc.applyIncoming();
    for (const r of result.rejections) {
      this.opts.logger.warn('update-refused', { doc: doc.key, member: r.writer.memberId, code: r.code, reason: r.reason });
      r.writer.close(r.code, r.reason);
    }
    doc.runSettledWriters();
    if (result.failure) {
      const { writer, error } = result.failure;
      writer?.close(CloseCode.badRequest, 'this change could not be applied');
      if (!writer) this.isolateOnLoad.add(doc.key);
      this.fail(doc, 'applyFailed', error);
      return false;
    }
    // Held updates time out even when nothing else arrives.
    if (result.held > 0 && !doc.heldTimer) {
      doc.heldTimer = setTimeout(() => {
        doc.heldTimer = null;
        if (doc.state === 'ready') this.markDirty(doc);
      }, Math.min(this.opts.holdCheckMs ?? 1000, this.opts.admission?.maxHoldMs ?? 10_000));
      doc.heldTimer.unref?.();
    }
    return true;
  }

  private flushAwareness(doc: LiveDocument): void {
    if (doc.awarenessDirty.size === 0) return;
    const frame = writeAwarenessFrame(doc.awareness, [...doc.awarenessDirty]);
    doc.awarenessDirty.clear();
    // Echo to the sender too: the stock client treats 30 s without any message as a dead socket.
    doc.sendToPeers(frame);
  }

  private flushUpdates(doc: LiveDocument): void {
    const batch = doc.takeBatch();
    if (!batch) return;
    this.opts.store
      .append(doc.key, batch.update)
      .then(() => {
        doc.batchDurable(batch.seq, batch.update.byteLength);
        if (doc.state !== 'ready') return;
        const frame = writeUpdateFrame(batch.update);
        this.relayed.batches++;
        this.relayed.bytes += batch.update.byteLength;
        doc.sendToPeers(frame, batch.origin);
        this.opts.broadcast.publish(doc.key, frame);
        this.maybeCompact(doc);
        if (!isBusy(doc)) this.dispatchFor(doc, { type: 'settled' });
      })
      .catch((err: unknown) => this.fail(doc, 'storageFailed', err));
  }

  /** Something failed under a served document: stop serving it rather than diverge from disk. */
  private fail(doc: LiveDocument, type: 'storageFailed' | 'applyFailed', err: unknown): void {
    const entry = this.entryOf.get(doc);
    if (!entry || isFinal(entry.life)) return;
    this.opts.logger.error('document-failed', { doc: doc.key, cause: type, error: errorMessage(err) });
    entry.error = err;
    this.dispatch(entry, { type });
  }

  private dispatchFor(doc: LiveDocument, event: LifecycleEvent): void {
    const entry = this.entryOf.get(doc);
    if (entry) this.dispatch(entry, event);
  }

  /** A new entry for `key`, in the map. */
  private track(key: DocKey): Entry {
    const entry = createEntry(key, Date.now());
    this.docs.set(key, entry);
    return entry;
  }

  /** Feed `event` to the entry's state machine and carry out the transition's effects. */
  private dispatch(entry: Entry, event: LifecycleEvent): void {
    const t = next(entry.life, event);
    if (!t) {
      this.opts.logger.warn('document-lifecycle-unexpected', { doc: entry.key, state: entry.life.kind, event: event.type });
      return;
    }
    if (t.state !== entry.life) moveTo(entry, event, t.state, Date.now());
    if (isFinal(t.state) && this.docs.get(entry.key) === entry) this.forget(entry);
    for (const effect of t.effects) this.perform(entry, effect);
  }

  private perform(entry: Entry, effect: LifecycleEffect): void {
    switch (effect) {
      case 'startLoad':
        return this.startLoad(entry);
      case 'serve':
        return this.serve(entry);
      case 'refuseWaiters':
        return entry.rejectLoad(entry.error);
      case 'armUnloadTimer':
        entry.unloadTimer = setTimeout(() => {
          entry.unloadTimer = null;
          this.dispatch(entry, { type: 'graceOver', busy: entry.doc !== null && isBusy(entry.doc) });
        }, this.opts.unloadGraceMs);
        entry.unloadTimer.unref?.();
        return;
      case 'cancelUnloadTimer':
        if (entry.unloadTimer) clearTimeout(entry.unloadTimer);
        entry.unloadTimer = null;
        return;
      case 'compact':
        if (entry.doc && entry.doc.logCount > 0) void this.compact(entry.doc);
        return;
      case 'closePeers':
        return this.closePeers(entry);
      case 'free':
        return this.free(entry);
      default:
        return unreachable(effect);
    }
  }

  private startLoad(entry: Entry): void {
    this.load(entry.key).then(
      (doc) => {
        entry.doc = doc;
        this.entryOf.set(doc, entry);
        this.dispatch(entry, { type: 'loaded' });
      },
      (err: unknown) => {
        // Forgotten by the transition: a later acquire retries (the error may be transient).
        entry.error = err;
        this.dispatch(entry, { type: 'loadFailed' });
      }
    );
  }

  private serve(entry: Entry): void {
    entry.resolveLoad(entry.doc!);
    // Published by other instances while we read the store: the read may predate them.
    const early = entry.early;
    entry.early = [];
    for (const frame of early) this.onRemoteFrame(entry.key, frame);
    this.notifyLoaded(entry.key);
  }

  private closePeers(entry: Entry): void {
    const doc = entry.doc!;
    doc.state = 'failed';
    doc.settleWaiters(entry.error ?? new Error('document is no longer served'));
    const reason = entry.life.kind === 'failed' && entry.life.cause === 'apply' ? 'this document is reloading from storage; reconnecting' : 'the server could not save this document; reconnecting';
    // Not a 44xx: clients reconnect, the document reloads from storage and their sync
    // re-sends whatever did not reach the disk.
    for (const p of [...doc.peers]) p.close(CLOSE_DOCUMENT_UNAVAILABLE, reason);
  }

  private free(entry: Entry): void {
    const doc = entry.doc;
    if (!doc) return;
    // Leaving memory whole (not failed): listeners keep what they need of its final state.
    if (doc.state === 'ready' && entry.life.kind === 'gone') this.tellUnloading(doc);
    if (doc.state === 'ready') doc.state = 'closed';
    this.dirty.delete(doc);
    doc.destroy();
    this.opts.logger.debug?.('document-unloaded', { doc: doc.key });
  }

  private tellUnloading(doc: LiveDocument): void {
    for (const listener of this.unloadListeners) {
      try {
        listener(doc.key, doc.ydoc);
      } catch (err) {
        this.opts.logger.warn('unload-listener-failed', { doc: doc.key, error: errorMessage(err) });
      }
    }
  }

  /** Out of the map (the next acquire starts a new entry); remembered for describe(). */
  private forget(entry: Entry): void {
    this.docs.delete(entry.key);
    // Only a loaded document was watched (a failed load unwatches itself).
    if (entry.doc) this.opts.broadcast.unwatch(entry.key);
    this.ended.delete(entry.key);
    this.ended.set(entry.key, recordOf(entry));
    if (this.ended.size > ENDED_REMEMBERED) this.ended.delete(this.ended.keys().next().value!);
  }

  private maybeCompact(doc: LiveDocument): void {
    const { compactAfterUpdates: n, compactAfterBytes: b } = this.opts;
    if ((n > 0 && doc.logCount >= n) || (b > 0 && doc.logBytes >= b)) {
      // Reset now so one threshold crossing schedules one compaction.
      doc.logCount = 0;
      doc.logBytes = 0;
      setImmediate(() => this.compact(doc));
    }
  }

  /**
   * Write the in-memory state as the new snapshot. The store drops every update appended
   * before this call; the snapshot may also hold this turn's not-yet-appended updates,
   * which then appear twice on the next load (harmless: Yjs applies updates idempotently).
   */
  private compact(doc: LiveDocument): Promise<void> {
    // Only a served document's state may become a snapshot (a failed or freed one may be partial).
    if (doc.state !== 'ready') return Promise.resolve();
    doc.logCount = 0;
    doc.logBytes = 0;
    let snapshot: Uint8Array;
    try {
      snapshot = snapshotOf(doc);
    } catch (err) {
      // Keep the log, which loads (it was just replayed, or each entry was integrated when
      // appended): the document stays served. Reloading would rebuild the same state.
      this.opts.logger.error('compaction-refused', { doc: doc.key, error: errorMessage(err) });
      return Promise.resolve();
    }
    doc.baseBytes = snapshot.byteLength;
    return this.opts.store.compact(doc.key, snapshot).catch((err: unknown) => {
      this.opts.logger.warn('compaction-failed', { doc: doc.key, error: errorMessage(err) });
    });
  }

  /** Apply a frame another relay instance published (already durable there). */
  private onRemoteFrame(key: DocKey, frame: Uint8Array): void {
    const entry = this.docs.get(key);
    if (entry && !entry.doc) {
      if (entry.early.length < MAX_EARLY_REMOTE_FRAMES) entry.early.push(frame);
      return;
    }
    const doc = entry?.doc;
    if (!doc || doc.state !== 'ready') return;
    try {
      const msg = readClientFrame(frame);
      if (msg.type === 'sync-update') Y.applyUpdate(doc.ydoc, msg.update, REMOTE_ORIGIN);
      else if (msg.type === 'awareness') awarenessProtocol.applyAwarenessUpdate(doc.awareness, msg.update, REMOTE_ORIGIN);
    } catch (err) {
      this.opts.logger.warn('remote-frame-rejected', { doc: key, error: errorMessage(err) });
    }
  }

  /**
   * Frames from other instances may have been lost (their connection to us dropped): read
   * every loaded document again from the shared store and apply it. Yjs ignores what we
   * already have; what we missed reaches our sockets like any remote update.
   */
  private async rereadAll(): Promise<void> {
    for (const key of this.servedKeys()) await this.catchUp(key.slice(0, key.indexOf('/')), docIdOf(key));
  }

  /** Keys of the documents served from memory now (the periodic catch-up walks them). */
  servedKeys(): DocKey[] {
    return [...this.docs.values()].flatMap((e) => (e.doc?.state === 'ready' ? [e.key] : []));
  }

  /**
   * Read a served document again from the store and apply what this copy lacks: what another
   * instance stored but whose broadcast never reached us (server/relay/catch-up.ts). Resolves
   * whether anything was missing; false when the document is not in memory (its next load
   * reads everything anyway) or the read failed (logged).
   */
  async catchUp(workspaceId: string, docId: string): Promise<boolean> {
    const doc = this.docs.get(docKey(workspaceId, docId))?.doc;
    if (!doc || doc.state !== 'ready') return false;
    let changed = false;
    const mark = () => (changed = true);
    try {
      const stored = await this.opts.store.load(doc.key);
      if (doc.state !== 'ready') return false;
      doc.ydoc.on('update', mark);
      doc.ydoc.transact(() => {
        if (stored.snapshot) Y.applyUpdate(doc.ydoc, stored.snapshot);
        for (const u of stored.updates) Y.applyUpdate(doc.ydoc, u);
      }, REMOTE_ORIGIN);
    } catch (err) {
      this.opts.logger.warn('catch-up-failed', { doc: doc.key, error: errorMessage(err) });
    } finally {
      doc.ydoc.off('update', mark);
    }
    return changed;
  }

  /** Flush and persist everything, compact, and free all documents. Peers should be closed first. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe();
    this.unsubscribeGap();
    if (this.flushHandle) clearImmediate(this.flushHandle);
    this.flushHandle = null;
    this.dirty.clear();
    const entries = [...this.docs.values()];
    // Loads in progress end first (acquire refuses new ones now).
    await Promise.allSettled(entries.map((e) => e.loaded));
    await Promise.all(entries.flatMap((e) => (e.doc?.state === 'ready' ? [this.drain(e.doc)] : [])));
    for (const entry of entries) this.dispatch(entry, { type: 'shutdown' });
    this.docs.clear();
  }

  /** Persist everything a document received, then compact it. */
  private async drain(doc: LiveDocument): Promise<void> {
    // Updates received this turn are acknowledged by nobody yet, but they were received: keep them.
    if (!this.admit(doc)) return;
    // One batch may be in flight, more may be pending.
    for (let i = 0; i < 1000 && doc.state === 'ready' && isBusy(doc); i++) {
      if (!doc.inflight) this.flushUpdates(doc);
      await doc.whenDurable().catch(() => {});
    }
    if (doc.state === 'ready' && doc.logCount > 0) await this.compact(doc);
  }
}

/**
 * The snapshot that replaces a document's log: its integrated state, checked to load. A
 * snapshot that does not load would make every later load fail (issue 28), so it is
 * never written; throws instead.
 */
function snapshotOf(doc: LiveDocument): Uint8Array {
  const snapshot = encodeServedState(doc.ydoc);
  if (!appliesCleanly(snapshot)) throw new Error('the snapshot of this document would not load');
  return snapshot;
}

/** A write is in flight or waiting to be made. */
function isBusy(doc: LiveDocument): boolean {
  return doc.inflight || doc.pending.length > 0;
}

function unreachable(value: never): never {
  throw new Error(`unhandled lifecycle effect ${String(value)}`);
}

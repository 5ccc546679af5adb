import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { CloseCode } from '#shared/protocol';
import { errorMessage, type Logger } from '../log.ts';
import { docKey, DocumentLoadError, type DocKey, type DocumentStore } from '../store/types.ts';
import type { Broadcast } from './broadcast.ts';
import { LiveDocument, REMOTE_ORIGIN, SERVER_ORIGIN } from './live-document.ts';
import type { AdmissionLimits } from './admission.ts';
import { readClientFrame, writeAwarenessFrame, writeUpdateFrame } from './messages.ts';

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

interface Entry {
  loading: Promise<LiveDocument>;
  doc: LiveDocument | null;
  /** Frames other instances published while this document was loading: applied after the load. */
  early: Uint8Array[];
}

/** Frames kept for a loading document; past this the store read will have them anyway. */
const MAX_EARLY_REMOTE_FRAMES = 10_000;

/**
 * Loads documents on demand, keeps each in memory while it has holders, runs the write
 * pipeline (apply → merge per turn → durable append → broadcast once), compacts in the
 * background, and unloads documents nobody holds after a grace period.
 *
 * Server code reads and writes a workspace's documents through {@link read} and
 * {@link change}; the relay's sockets go through {@link acquire}/{@link release}.
 */
export class DocumentManager {
  private readonly docs = new Map<DocKey, Entry>();
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
    if (this.closed) throw new Error('relay is shutting down');
    const key = docKey(workspaceId, docId);
    for (;;) {
      let entry = this.docs.get(key);
      if (!entry) {
        const e: Entry = { loading: this.load(key), doc: null, early: [] };
        this.docs.set(key, e);
        e.loading.then(
          (doc) => {
            e.doc = doc;
            // Published by other instances while we read the store: the read may predate them.
            const early = e.early;
            e.early = [];
            for (const frame of early) this.onRemoteFrame(key, frame);
            this.notifyLoaded(key);
          },
          () => {
            // Forget the failure so a later attempt retries the load (the error may be transient).
            if (this.docs.get(key) === e) this.docs.delete(key);
          }
        );
        entry = e;
      }
      const doc = await entry.loading;
      // It may have been unloaded while we waited; then load it again.
      if (doc.state !== 'ready') continue;
      doc.refs++;
      if (doc.unloadTimer) {
        clearTimeout(doc.unloadTimer);
        doc.unloadTimer = null;
      }
      return doc;
    }
  }

  /** Let go of a document; with no holders left it unloads after the grace period. */
  release(doc: LiveDocument): void {
    doc.refs--;
    if (doc.refs > 0 || doc.state !== 'ready' || this.closed) return;
    if (doc.unloadTimer) clearTimeout(doc.unloadTimer);
    doc.unloadTimer = setTimeout(() => this.unload(doc), this.opts.unloadGraceMs);
    doc.unloadTimer.unref?.();
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
      const snapshot = Y.encodeStateAsUpdate(doc.ydoc);
      doc.baseBytes = snapshot.byteLength;
      await this.opts.store.compact(doc.key, snapshot);
    } finally {
      this.release(doc);
    }
  }

  private notifyLoaded(key: DocKey): void {
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
        this.fail(doc, err);
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
      this.fail(doc, error, 'apply');
      return false;
    }
    // Held updates time out even when nothing else arrives.
    if (result.held > 0 && !doc.heldTimer) {
      doc.heldTimer = setTimeout(() => {
        doc.heldTimer = null;
        if (doc.state === 'ready') this.markDirty(doc);
      }, this.opts.holdCheckMs ?? 1000);
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
        doc.sendToPeers(frame, batch.origin);
        this.opts.broadcast.publish(doc.key, frame);
        this.maybeCompact(doc);
        if (doc.refs === 0 && !doc.unloadTimer) this.unload(doc);
      })
      .catch((err: unknown) => this.fail(doc, err));
  }

  /**
   * Storage failed under a served document, or applying an update threw: stop serving it
   * rather than diverge from disk. The next acquire reloads it from storage.
   */
  private fail(doc: LiveDocument, err: unknown, cause: 'storage' | 'apply' = 'storage'): void {
    if (doc.state !== 'ready') return;
    this.opts.logger.error('document-failed', { doc: doc.key, cause, error: errorMessage(err) });
    doc.state = 'failed';
    this.forget(doc);
    doc.settleWaiters(err);
    // Not a 44xx: clients reconnect, the document reloads from storage and their sync
    // re-sends whatever did not reach the disk.
    for (const p of [...doc.peers]) p.close(CLOSE_DOCUMENT_UNAVAILABLE, 'the server could not save this document; reconnecting');
    doc.destroy();
  }

  private forget(doc: LiveDocument): void {
    const entry = this.docs.get(doc.key);
    if (entry && entry.doc === doc) {
      this.docs.delete(doc.key);
      this.opts.broadcast.unwatch(doc.key);
    }
    this.dirty.delete(doc);
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
    const snapshot = Y.encodeStateAsUpdate(doc.ydoc);
    doc.baseBytes = snapshot.byteLength;
    return this.opts.store.compact(doc.key, snapshot).catch((err: unknown) => {
      this.opts.logger.warn('compaction-failed', { doc: doc.key, error: errorMessage(err) });
    });
  }

  private unload(doc: LiveDocument): void {
    doc.unloadTimer = null;
    if (doc.refs > 0 || doc.state !== 'ready') return;
    // A batch still on its way to disk: flushUpdates calls unload again when it lands.
    if (doc.inflight || doc.pending.length > 0) return;
    if (doc.logCount > 0) void this.compact(doc);
    for (const listener of this.unloadListeners) {
      try {
        listener(doc.key, doc.ydoc);
      } catch (err) {
        this.opts.logger.warn('unload-listener-failed', { doc: doc.key, error: errorMessage(err) });
      }
    }
    doc.state = 'closed';
    this.forget(doc);
    doc.destroy();
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
    const docs = [...this.docs.values()].flatMap((e) => (e.doc && e.doc.state === 'ready' ? [e.doc] : []));
    for (const doc of docs) {
      try {
        const stored = await this.opts.store.load(doc.key);
        if (doc.state !== 'ready') continue;
        doc.ydoc.transact(() => {
          if (stored.snapshot) Y.applyUpdate(doc.ydoc, stored.snapshot);
          for (const u of stored.updates) Y.applyUpdate(doc.ydoc, u);
        }, REMOTE_ORIGIN);
      } catch (err) {
        this.opts.logger.warn('reread-after-gap-failed', { doc: doc.key, error: errorMessage(err) });
      }
    }
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
    const loaded = await Promise.allSettled([...this.docs.values()].map((e) => e.loading));
    const docs = loaded.flatMap((r) => (r.status === 'fulfilled' && r.value.state === 'ready' ? [r.value] : []));
    // Drain each document's pipeline: one batch may be in flight, more may be pending.
    await Promise.all(
      docs.map(async (doc) => {
        // Updates received this turn are acknowledged by nobody yet, but they were received: keep them.
        if (!this.admit(doc)) return;
        for (let i = 0; i < 1000 && doc.state === 'ready' && (doc.inflight || doc.pending.length > 0); i++) {
          if (!doc.inflight) this.flushUpdates(doc);
          await doc.whenDurable().catch(() => {});
        }
        if (doc.state === 'ready' && doc.logCount > 0) await this.compact(doc);
      })
    );
    for (const doc of docs) {
      if (doc.state === 'ready') doc.state = 'closed';
      doc.destroy();
    }
    this.docs.clear();
  }
}

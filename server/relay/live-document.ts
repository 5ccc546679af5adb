import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { DocKey } from '../store/types.ts';
import { writeAwarenessFrame } from './messages.ts';

/** One socket's view of a document, as the document needs it. Implemented by the relay's connection. */
export interface DocumentPeer {
  /** Queue a frame to this peer; must not throw. */
  send(frame: Uint8Array): void;
  /** Close this peer's socket; must not throw. */
  close(code: number, reason: string): void;
  /** Awareness client ids this peer controls (removed from presence when it leaves). */
  readonly awarenessClients: Set<number>;
}

/** Transaction origin of changes made by server code (member directory, migrations). */
export const SERVER_ORIGIN: unique symbol = Symbol('mutual-server');
/** Transaction origin of changes received from another relay instance (already durable). */
export const REMOTE_ORIGIN: unique symbol = Symbol('mutual-remote');
/** Marker: the pending batch came from more than one origin; broadcast to everyone. */
export const MIXED: unique symbol = Symbol('mixed');

type Origin = DocumentPeer | typeof SERVER_ORIGIN | typeof MIXED | null;

interface DurableWaiter {
  seq: number;
  done: (err: unknown) => void;
}

/**
 * A document loaded in memory: its Y.Doc (the durable state plus at most one turn of
 * not-yet-committed updates), its presence, its sockets and its write pipeline.
 * Lifecycle and I/O are driven by the DocumentManager; this class holds the state.
 */
export class LiveDocument {
  /** Served, or not any more (set by the DocumentManager, whose lifecycle also counts holders). */
  state: 'ready' | 'failed' | 'closed' = 'ready';
  readonly peers = new Set<DocumentPeer>();
  readonly awareness: awarenessProtocol.Awareness;

  /** Writers' updates received this turn, applied together at the end of it. */
  private incoming: Uint8Array[] = [];
  private incomingFrom: DocumentPeer[] = [];
  /** Updates applied this turn, not yet handed to the store. */
  pending: Uint8Array[] = [];
  pendingOrigin: Origin = null;
  /** An append is in flight; the next batch waits (natural group commit under slow storage). */
  inflight = false;
  /** Number of batches handed to the store / known durable. */
  flushSeq = 0;
  durableSeq = 0;
  private waiters: DurableWaiter[] = [];

  /** Presence entries changed this turn (broadcast once per turn). */
  readonly awarenessDirty = new Set<number>();
  /** Updates in the store's log since its snapshot: drives compaction. */
  logCount: number;
  logBytes: number;

  constructor(
    readonly key: DocKey,
    readonly ydoc: Y.Doc,
    loadedLog: { count: number; bytes: number },
    /** Called when this document has work for the end of the turn. */
    private readonly markDirty: (doc: LiveDocument) => void,
    /** Called with a remote (already durable) update to forward to local peers. */
    private readonly forwardRemote: (doc: LiveDocument, update: Uint8Array) => void,
    /** Called with a local peer's accepted awareness frame, for other relay instances. */
    private readonly publishAwareness: (doc: LiveDocument, frame: Uint8Array) => void
  ) {
    this.logCount = loadedLog.count;
    this.logBytes = loadedLog.bytes;
    this.awareness = new awarenessProtocol.Awareness(ydoc);
    // The relay has no presence of its own.
    this.awareness.setLocalState(null);
    ydoc.on('update', this.onUpdate);
    this.awareness.on('update', this.onAwareness);
  }

  /** Every change to the Y.Doc lands here, already normalised by Yjs (so it is always decodable). */
  private onUpdate = (update: Uint8Array, origin: unknown) => {
    if (origin === REMOTE_ORIGIN) return this.forwardRemote(this, update);
    this.pending.push(update);
    const o = origin as Origin;
    if (this.pending.length === 1) this.pendingOrigin = o;
    else if (this.pendingOrigin !== o) this.pendingOrigin = MIXED;
    this.markDirty(this);
  };

  private onAwareness = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
    const peer = origin !== null && typeof origin === 'object' && this.peers.has(origin as DocumentPeer) ? (origin as DocumentPeer) : null;
    for (const id of added) {
      peer?.awarenessClients.add(id);
      this.awarenessDirty.add(id);
    }
    for (const id of updated) {
      peer?.awarenessClients.add(id);
      this.awarenessDirty.add(id);
    }
    for (const id of removed) {
      peer?.awarenessClients.delete(id);
      this.awarenessDirty.add(id);
    }
    if (this.awarenessDirty.size > 0) this.markDirty(this);
    // Origin null: a local socket closed and its cursors were removed. Other instances must
    // drop them too, or their readers see a ghost cursor until presence times out (30 s).
    if (origin === null && removed.length > 0) this.publishAwareness(this, writeAwarenessFrame(this.awareness, removed));
  };

  /**
   * Queue a writer's update for the end of the turn: all updates of one turn are merged
   * and applied in ONE transaction (one state-vector scan, one encoded update event).
   */
  queuePeerUpdate(peer: DocumentPeer, update: Uint8Array): void {
    this.incoming.push(update);
    this.incomingFrom.push(peer);
    this.markDirty(this);
  }

  /**
   * Apply this turn's queued updates. Returns the peers whose update Yjs rejected (to be
   * closed with 4400); everyone else's updates are applied even then.
   */
  applyIncoming(): DocumentPeer[] {
    const n = this.incoming.length;
    if (n === 0) return [];
    const updates = this.incoming;
    const from = this.incomingFrom;
    this.incoming = [];
    this.incomingFrom = [];
    // If Yjs holds structs waiting for missing dependencies, these updates may release
    // someone else's changes too, so the sender must not be skipped by the broadcast.
    const hadPending = this.ydoc.store.pendingStructs !== null || this.ydoc.store.pendingDs !== null;
    let origin: Origin = from[0];
    for (let i = 1; i < n && origin !== MIXED; i++) if (from[i] !== origin) origin = MIXED;
    if (hadPending) origin = MIXED;
    try {
      // One transaction for the whole turn: Yjs integrates each update in turn and emits ONE
      // normalised update event at the end. Y.mergeUpdates here cost more than everything
      // else together under load (it grows super-linearly with the batch: 4,096 one-character
      // updates took 614 ms to merge, 33 ms to apply in one transaction), which made the
      // relay fall off a cliff instead of slowing gradually.
      if (n === 1) Y.applyUpdate(this.ydoc, updates[0], origin);
      else this.ydoc.transact(() => {
        for (const update of updates) Y.applyUpdate(this.ydoc, update, origin);
      }, origin);
      return [];
    } catch {
      // Find the culprit one by one. Re-applying what already landed is a no-op in Yjs,
      // so innocent peers lose nothing.
      const bad: DocumentPeer[] = [];
      for (let i = 0; i < n; i++) {
        try {
          Y.applyUpdate(this.ydoc, updates[i], hadPending ? MIXED : from[i]);
        } catch {
          bad.push(from[i]);
        }
      }
      return bad;
    }
  }

  /** Apply a peer's (already checked) presence update; `frame` is the raw frame it came in. */
  applyPeerAwareness(peer: DocumentPeer, update: Uint8Array, frame: Uint8Array): void {
    awarenessProtocol.applyAwarenessUpdate(this.awareness, update, peer);
    this.publishAwareness(this, frame);
  }

  /** Take this turn's batch (merged into one update) for the store, or null if none is due. */
  takeBatch(): { update: Uint8Array; origin: Origin; seq: number } | null {
    if (this.inflight || this.pending.length === 0) return null;
    const update = this.pending.length === 1 ? this.pending[0] : Y.mergeUpdates(this.pending);
    const origin = this.pendingOrigin;
    this.pending = [];
    this.pendingOrigin = null;
    this.inflight = true;
    return { update, origin, seq: ++this.flushSeq };
  }

  /** The batch `seq` is durable. */
  batchDurable(seq: number, bytes: number): void {
    this.inflight = false;
    this.durableSeq = seq;
    this.logCount += 1;
    this.logBytes += bytes;
    this.settleWaiters(null);
    if (this.pending.length > 0) this.markDirty(this);
  }

  /**
   * Run `done` once everything applied to the Y.Doc so far is durable (immediately if it
   * already is). `done(err)` gets an error if the document failed first.
   */
  afterDurable(done: (err: unknown) => void): void {
    const need = this.pending.length > 0 ? this.flushSeq + 1 : this.flushSeq;
    if (this.durableSeq >= need) return done(null);
    if (this.state !== 'ready') return done(new Error('document is no longer served'));
    this.waiters.push({ seq: need, done });
  }

  /** Promise form of {@link afterDurable}. */
  whenDurable(): Promise<void> {
    return new Promise((resolve, reject) => this.afterDurable((err) => (err ? reject(err) : resolve())));
  }

  /** Settle waiters: the satisfied ones on success, all of them on failure. */
  settleWaiters(err: unknown): void {
    if (this.waiters.length === 0) return;
    const keep: DurableWaiter[] = [];
    const run: DurableWaiter[] = [];
    for (const w of this.waiters) (err || w.seq <= this.durableSeq ? run : keep).push(w);
    this.waiters = keep;
    for (const w of run) w.done(err);
  }

  /** Send `frame` to every peer except `skip`. One buffer for all: never re-encoded per socket. */
  sendToPeers(frame: Uint8Array, skip: unknown = null): void {
    for (const p of this.peers) if (p !== skip) p.send(frame);
  }

  /** Free memory: timers of awareness, observers of the Y.Doc. */
  destroy(): void {
    this.awareness.off('update', this.onAwareness);
    this.ydoc.off('update', this.onUpdate);
    this.awareness.destroy();
    this.ydoc.destroy();
  }
}

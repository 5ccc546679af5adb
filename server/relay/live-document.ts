import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { serverRootsOf } from '#shared/model/authority';
import { docIdOf, type DocKey } from '../store/types.ts';
import type { WriteScope } from '#shared/model/authority';
import { Admission, DEFAULT_ADMISSION_LIMITS, type AdmissionLimits, type AdmissionResult } from './admission.ts';
import { awarenessFrame, writeAwarenessFrame } from './messages.ts';
import type { PresenceOwners } from './presence.ts';
import { StepTwoAnswers } from './step-two-answers.ts';

/** One socket's view of a document, as the document needs it. Implemented by the relay's connection. */
export interface DocumentPeer {
  /** Queue a frame to this peer; must not throw. */
  send(frame: Uint8Array): void;
  /** Close this peer's socket; must not throw. */
  close(code: number, reason: string): void;
  /** Awareness client ids this peer controls (removed from presence when it leaves). */
  readonly awarenessClients: Set<number>;
  /** The member behind the socket (from its token): whose ballots and log entries it may write. */
  readonly memberId: string;
  /** True once the socket is closed or closing. */
  readonly closed: boolean;
  /** What its updates may change now (admission.ts's Writer); default `all`. */
  readonly writeScope?: WriteScope;
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
  /** Its answers to sync step 1 (the delete set kept between changes). */
  readonly answers: StepTwoAnswers;
  /** Presence id → the local socket that set it (ids set through other instances are not here). */
  private readonly presenceOwners = new Map<number, DocumentPeer>();

  /** Writers' updates received this turn and held ones, inspected before Yjs sees them. */
  private readonly admission: Admission<DocumentPeer>;
  /** Step-1 answers waiting for their socket's earlier updates to be admitted. */
  private writerWaiters: { peer: DocumentPeer; fn: () => void }[] = [];
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
  /** Size of the stored snapshot (with logBytes: the document's stored size, for the quota). */
  baseBytes: number;
  /** Wakes the document to time out held updates when nothing else arrives. */
  heldTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    readonly key: DocKey,
    readonly ydoc: Y.Doc,
    loadedLog: { count: number; bytes: number; snapshotBytes?: number },
    /** Called when this document has work for the end of the turn. */
    private readonly markDirty: (doc: LiveDocument) => void,
    /** Called with a remote (already durable) update to forward to local peers. */
    private readonly forwardRemote: (doc: LiveDocument, update: Uint8Array) => void,
    /** Called with a local peer's accepted awareness frame, for other relay instances. */
    private readonly publishAwareness: (doc: LiveDocument, frame: Uint8Array) => void,
    admissionLimits: AdmissionLimits = DEFAULT_ADMISSION_LIMITS
  ) {
    this.logCount = loadedLog.count;
    this.logBytes = loadedLog.bytes;
    this.baseBytes = loadedLog.snapshotBytes ?? 0;
    this.admission = new Admission<DocumentPeer>(ydoc, serverRootsOf(docIdOf(key)), () => this.baseBytes + this.logBytes, admissionLimits);
    this.awareness = new awarenessProtocol.Awareness(ydoc);
    this.answers = new StepTwoAnswers(ydoc);
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
    for (const id of [...added, ...updated]) {
      if (peer) this.ownPresence(id, peer);
      this.awarenessDirty.add(id);
    }
    for (const id of removed) {
      const owner = this.presenceOwners.get(id);
      owner?.awarenessClients.delete(id);
      this.presenceOwners.delete(id);
      this.awarenessDirty.add(id);
    }
    if (this.awarenessDirty.size > 0) this.markDirty(this);
    // Origin null: a local socket closed and its cursors were removed. Other instances must
    // drop them too, or their readers see a ghost cursor until presence times out (30 s).
    if (origin === null && removed.length > 0) this.publishAwareness(this, writeAwarenessFrame(this.awareness, removed));
  };

  /** Queue a writer's update for the end of the turn (inspected and applied by {@link applyIncoming}). */
  queuePeerUpdate(peer: DocumentPeer, update: Uint8Array): void {
    this.admission.queue(peer, update);
    this.markDirty(this);
  }

  /** Apply each writer's update in its own transaction (after a failure nobody could be blamed for). */
  isolateUpdates(): void {
    this.admission.isolate = true;
  }

  /** Updates held now, waiting for what they depend on (metrics). */
  get heldUpdates(): number {
    return this.admission.heldCount;
  }

  /** Whether updates wait to be admitted (this turn's or held ones). */
  get admissionWaiting(): boolean {
    return this.admission.waiting;
  }

  /**
   * Inspect and apply this turn's queued updates (and held ones that can now integrate) in
   * ONE transaction: one state-vector scan, one encoded update event. Returns the writers
   * to close, and a failure when applying threw (the caller reloads the document).
   */
  applyIncoming(): AdmissionResult<DocumentPeer> {
    // The origin decides who the broadcast skips: a turn with one writer skips that writer.
    // Y.mergeUpdates before applying cost more than everything else together under load (it
    // grows super-linearly with the batch), so updates are applied one by one in one transaction.
    return this.admission.admit(this.admission.singleWriter() ?? MIXED);
  }

  /**
   * Run `fn` once `peer` has no update waiting to be admitted (at once if it has none). A
   * closed peer's callbacks are dropped.
   */
  afterWriterSettled(peer: DocumentPeer, fn: () => void): void {
    if (!this.admission.waitingFrom(peer)) return fn();
    this.writerWaiters.push({ peer, fn });
  }

  /** Run the callbacks of writers with nothing left to admit (after refused writers were closed). */
  runSettledWriters(): void {
    if (this.writerWaiters.length === 0) return;
    const waiting = this.writerWaiters;
    this.writerWaiters = [];
    for (const w of waiting) {
      if (w.peer.closed) continue;
      if (this.admission.waitingFrom(w.peer)) this.writerWaiters.push(w);
      else w.fn();
    }
  }

  /** Record that `peer` set presence id `id` (taking it over from another socket of the same member). */
  private ownPresence(id: number, peer: DocumentPeer): void {
    const previous = this.presenceOwners.get(id);
    if (previous === peer) return;
    previous?.awarenessClients.delete(id);
    this.presenceOwners.set(id, peer);
    peer.awarenessClients.add(id);
  }

  /** Who owns presence ids here, for {@link filterPresence}. */
  readonly owners: PresenceOwners<DocumentPeer> = {
    ownerOf: (id) => this.presenceOwners.get(id),
    heldElsewhere: (id) => !this.presenceOwners.has(id) && this.awareness.getStates().has(id),
    memberOf: (peer) => peer.memberId,
    countOf: (peer) => peer.awarenessClients.size,
    countOfMember: (memberId) => {
      let n = 0;
      for (const owner of this.presenceOwners.values()) if (owner.memberId === memberId) n++;
      return n;
    }
  };

  /** Apply a peer's (already filtered and stamped) presence update and pass it to other instances. */
  applyPeerAwareness(peer: DocumentPeer, update: Uint8Array): void {
    awarenessProtocol.applyAwarenessUpdate(this.awareness, update, peer);
    this.publishAwareness(this, awarenessFrame(update));
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
    this.admission.clear();
    this.writerWaiters = [];
    if (this.heldTimer) clearTimeout(this.heldTimer);
    this.heldTimer = null;
    this.awareness.off('update', this.onAwareness);
    this.ydoc.off('update', this.onUpdate);
    this.awareness.destroy();
    this.answers.destroy();
    this.ydoc.destroy();
  }
}

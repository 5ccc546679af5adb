import type WebSocket from 'ws';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { CloseCode, Limits } from '#shared/protocol';
import type { WriteScope } from '#shared/model/authority';
import { ownerOfMemberPrivateDoc } from '#shared/model/private-answers';
import { mayWrite, viewersMayCommentIn } from '../auth/auth.ts';
import type { AuthenticatedMember } from '../auth/types.ts';
import { errorMessage, type Logger } from '../log.ts';
import type { DocumentPeer, LiveDocument } from './live-document.ts';
import { MalformedFrameError, readClientFrame, writeAwarenessFrame, writeSyncStep1Frame, writeSyncStep2Frame } from './messages.ts';
import { filterPresence, readPresenceUpdate, restampPresence, writePresenceUpdate } from './presence.ts';
import { FlowControl, type FlowBudget } from './flow-control.ts';
import { DeleteSetSchedule } from './served-state.ts';

/**
 * Frames kept for a socket whose document is not ready yet (the client's step 1, presence, a
 * few edits); past this the relay stops reading the socket until the document is ready.
 */
const MAX_EARLY_FRAMES = 64;
/** A peer this far behind on reading is dropped rather than buffered without bound. */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;
/**
 * Presence ids one socket may set (a client sets one: its own). Echoes of other people's
 * states are dropped, not counted: the stock client forwards every presence change it sees.
 */
const MAX_PRESENCE_IDS_PER_SOCKET = 4;
/** …and one member across their sockets in one document (a phone, a laptop, a few tabs). */
const MAX_PRESENCE_IDS_PER_MEMBER = 16;
const SEND_OPTIONS = Object.freeze({ binary: true, compress: false });
/** An answer (a sync step 2, every presence state) costs one extra rate-limit token per this many bytes (a 1 MiB document: 64). */
const ANSWER_BYTES_PER_TOKEN = 16 * 1024;

/** Where a connection is: refusals only ever happen in `pending`, before any byte was sent. */
type ConnectionState = 'pending' | 'open' | 'closed';
/** Why the relay is not reading a socket: over its budget, or its document is not ready for more early frames. */
type ReadHold = 'budget' | 'not-ready';

/** Who and what a connection is for (log fields). */
export interface ConnectionTarget {
  workspaceId: string;
  docId: string;
}

/**
 * One websocket on one document: flow control, frame decoding, and the y-websocket
 * message handlers. Frames that arrive before the document is ready are queued.
 */
export class Connection implements DocumentPeer {
  state: ConnectionState = 'pending';
  member: AuthenticatedMember | null = null;
  doc: LiveDocument | null = null;
  readonly awarenessClients = new Set<number>();
  /** Cleared by each keepalive round, set by the peer's pong. */
  alive = true;
  private early: Buffer[] = [];
  /** Frames read but not yet paid for: after a pause, ws still emits the rest of the chunk it read. */
  private readonly inbox = new FrameQueue();
  private readonly flow: FlowControl;
  /** Reasons the socket is not being read now; it is read again once there are none. */
  private readonly holds = new Set<ReadHold>();
  private readonly openedAt = Date.now();
  /** Which of this socket's sync step 2 answers carry the document's whole delete set. */
  private readonly deleteSets = new DeleteSetSchedule();
  /** Set when we close, so the log says why. */
  private closeReason: { code: number; reason: string } | null = null;

  constructor(
    readonly ws: WebSocket,
    readonly target: ConnectionTarget,
    private readonly logger: Logger,
    budget: FlowBudget,
    private readonly onClosed: (conn: Connection) => void
  ) {
    this.flow = new FlowControl(budget, {
      pause: () => this.hold('budget'),
      resume: () => {
        // Frames that arrived after the pause go first; they may overdraw again.
        this.drainInbox();
        if (!this.flow.paused) this.unhold('budget');
      },
      refuse: (reason) => this.close(CloseCode.rateLimited, reason)
    });
    ws.on('message', (data, isBinary) => this.guarded(() => this.onMessage(data as Buffer, isBinary)));
    ws.on('close', (code, reason) => this.onClose(code, reason.toString()));
    ws.on('pong', () => (this.alive = true));
    // Socket errors (resets, protocol violations) end in 'close'; an unhandled 'error' would crash.
    ws.on('error', () => {});
  }

  /** True once the socket is closed or a close was requested. */
  get closing(): boolean {
    return this.state === 'closed' || this.closeReason !== null;
  }

  /** {@link DocumentPeer.closed}. */
  get closed(): boolean {
    return this.closing;
  }

  /** Whether flow control stopped reading this socket now (over its budget). */
  get paused(): boolean {
    return this.flow.paused;
  }

  /** How often flow control paused this socket so far. */
  get pauses(): number {
    return this.flow.stats.pauses;
  }

  /** How the socket closed (set once closed): the close code and who closed it. */
  closedWith: { code: number; by: 'server' | 'client'; wasOpen: boolean } | null = null;

  /** The member behind the token ('' before authentication; no update is accepted then). */
  get memberId(): string {
    return this.member?.memberId ?? '';
  }

  /**
   * For a viewer's socket: reads whether their workspace lets viewers comment now (the
   * index's settings, kept loaded by the relay while the socket is open). Null: not known.
   */
  viewersMayComment: { read: () => boolean; release: () => void } | null = null;

  /** What this socket's updates may change now (authority.ts), read at each admission. */
  get writeScope(): WriteScope {
    if (!this.member) return 'none';
    if (mayWrite(this.member)) return 'all';
    // A viewer's own private document: their check-ins (issue 24), nothing else.
    if (ownerOfMemberPrivateDoc(this.target.docId) === this.member.memberId) return 'answers';
    return viewersMayCommentIn(this.target.docId) && this.viewersMayComment?.read() === true ? 'comments' : 'none';
  }

  /** Log fields describing this connection (never the token). */
  fields() {
    return { workspace: this.target.workspaceId, doc: this.target.docId, member: this.member?.memberId, role: this.member?.role };
  }

  /** The document is loaded and the member allowed: start syncing. */
  open(doc: LiveDocument): void {
    this.doc = doc;
    this.state = 'open';
    doc.peers.add(this);
    this.logger.info('connection-open', this.fields());
    this.send(writeSyncStep1Frame(doc.ydoc));
    if (doc.awareness.getStates().size > 0) this.send(writeAwarenessFrame(doc.awareness, [...doc.awareness.getStates().keys()]));
    const early = this.early;
    this.early = [];
    for (const data of early) {
      if (this.state !== 'open') break;
      this.guarded(() => this.handle(data));
    }
    this.unhold('not-ready');
  }

  send(frame: Uint8Array): void {
    const ws = this.ws;
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.close(CloseCode.goingAway, 'connection too slow to keep up; reconnect');
      return;
    }
    ws.send(frame, SEND_OPTIONS);
  }

  close(code: number, reason: string): void {
    if (this.state === 'closed' || this.closeReason) return;
    this.closeReason = { code, reason };
    // Read again, so the client's close frame (behind whatever it sent meanwhile, which is
    // dropped now) completes the close handshake instead of ws's 30 s close timer.
    if (this.holds.size > 0) {
      this.holds.clear();
      this.ws.resume();
    }
    try {
      this.ws.close(code, reason);
    } catch {
      this.ws.terminate();
    }
  }

  /**
   * Keepalive round: a peer that did not answer the previous ping is gone (half-open TCP,
   * a laptop lid closed); drop it so its document can unload.
   */
  keepalive(): void {
    if (this.state === 'closed') return;
    // A socket we are not reading cannot show us its pong: it is slowed, not dead.
    if (this.holds.size > 0) this.alive = true;
    if (!this.alive) return this.ws.terminate();
    this.alive = false;
    try {
      this.ws.ping();
    } catch {
      this.ws.terminate();
    }
  }

  /**
   * Input never crashes the process: an exception escaping a handler would be thrown inside
   * ws's receiver and take every workspace down. Log it and close only this socket (1011:
   * the client reconnects).
   */
  private guarded(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.logger.error('frame-handler-failed', { ...this.fields(), error: errorMessage(err) });
      this.close(1011, 'the server could not handle a message; reconnecting');
    }
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    this.alive = true;
    if (this.state === 'closed' || this.closeReason) return;
    this.inbox.push(data, isBinary);
    this.drainInbox();
  }

  /** Handle queued frames while the budget allows: a socket over it is read no faster than its budget. */
  private drainInbox(): void {
    while (!this.closing && !this.flow.paused) {
      const next = this.inbox.shift();
      if (!next) return;
      if (!this.flow.onFrame(next.data.byteLength)) return;
      this.guarded(() => this.accept(next.data, next.binary));
    }
  }

  private accept(data: Buffer, isBinary: boolean): void {
    if (!isBinary) return this.close(CloseCode.badRequest, 'expected binary frames');
    if (this.state === 'pending') {
      // Kept, never dropped: frames of a chunk ws already read still arrive after the hold.
      this.early.push(data);
      if (this.early.length >= MAX_EARLY_FRAMES) this.hold('not-ready');
      return;
    }
    this.handle(data);
  }

  private hold(reason: ReadHold): void {
    if (this.holds.has(reason)) return;
    if (this.holds.size === 0) this.ws.pause();
    this.holds.add(reason);
  }

  private unhold(reason: ReadHold): void {
    if (!this.holds.delete(reason) || this.holds.size > 0) return;
    this.ws.resume();
  }

  private handle(data: Uint8Array): void {
    const doc = this.doc;
    if (!doc || doc.state !== 'ready') return;
    let frame;
    try {
      frame = readClientFrame(data);
    } catch (err) {
      return this.close(CloseCode.badRequest, err instanceof MalformedFrameError ? err.message : 'malformed message');
    }
    this.logger.debug?.('message', { ...this.fields(), type: frame.type, bytes: data.byteLength });
    switch (frame.type) {
      case 'sync-step1': {
        // Answered once this socket's earlier updates are admitted (applied, or refused and
        // the socket closed): a device reads the answer as "the relay has what I sent".
        const { stateVector } = frame;
        doc.afterWriterSettled(this, () => this.answerStepOne(doc, stateVector));
        return;
      }
      case 'sync-update':
        // Viewers' updates too: admission applies only what their write scope allows (their
        // comments, when the workspace lets viewers comment) and drops or refuses the rest.
        if (!this.member) return;
        doc.queuePeerUpdate(this, frame.update);
        return;
      case 'awareness':
        return this.handlePresence(doc, frame.update);
      case 'query-awareness': {
        // Every presence state of the document (up to 16 KiB each): an answer of a few bytes'
        // ask, charged by its size as a step 2 is, or repeating it would be free amplification.
        const answer = writeAwarenessFrame(doc.awareness, [...doc.awareness.getStates().keys()]);
        this.flow.charge(Math.floor(answer.byteLength / ANSWER_BYTES_PER_TOKEN));
        this.send(answer);
        return;
      }
      case 'auth':
        return;
    }
  }

  /** Answer a sync step 1 with a step 2, sent once everything in it is durable. */
  private answerStepOne(doc: LiveDocument, stateVector: Uint8Array): void {
    if (this.closing || doc.state !== 'ready') return;
    try {
      Y.decodeStateVector(stateVector);
    } catch {
      return this.close(CloseCode.badRequest, 'malformed state vector');
    }
    let reply: Uint8Array;
    let encodedBytes: number;
    try {
      ({ frame: reply, encodedBytes } = writeSyncStep2Frame(doc.answers, stateVector, this.deleteSets.next(Date.now())));
    } catch (err) {
      // The relay's own encoding failed: not the client's fault. It reconnects and asks again.
      this.logger.error('step2-encode-failed', { ...this.fields(), error: errorMessage(err) });
      return this.close(CloseCode.retryLater, 'the server could not answer; reconnecting');
    }
    // A step 1 of a few bytes asks for the whole document: charge what was encoded for the
    // answer (not what is sent: a later answer drops the delete set it encoded), or one socket
    // repeating it could keep the relay busy encoding megabytes for nobody.
    this.flow.charge(Math.floor(encodedBytes / ANSWER_BYTES_PER_TOKEN));
    // Encoded now, sent once everything it contains is durable: nothing reaches
    // anyone before it is on disk.
    doc.afterDurable((err) => {
      if (!err) this.send(reply);
    });
  }

  /** Presence: only this socket's own ids, stamped with the member id and name of its token. */
  private handlePresence(doc: LiveDocument, update: Uint8Array): void {
    if (!this.member) return;
    const read = readPresenceUpdate(update, Limits.maxAwarenessStateBytes);
    if ('code' in read) return this.close(read.code === 'large' ? CloseCode.tooLarge : CloseCode.badRequest, read.reason);
    const author = { memberId: this.member.memberId, name: this.member.name };
    const kept = filterPresence(read.entries, this as DocumentPeer, author, doc.owners, { perSocket: MAX_PRESENCE_IDS_PER_SOCKET, perMember: MAX_PRESENCE_IDS_PER_MEMBER });
    if ('reason' in kept) return this.close(CloseCode.badRequest, kept.reason);
    if (kept.entries.length === 0) return;
    // Echoes of other people's presence are free; this socket's own changes have a budget.
    if (!this.flow.onPresence()) return;
    try {
      doc.applyPeerAwareness(this, writePresenceUpdate(kept.entries));
    } catch {
      this.close(CloseCode.badRequest, 'malformed presence update');
    }
  }

  /** Stamp this socket's presence again with its member's current name (after they renamed themselves). */
  restampPresence(): void {
    const doc = this.doc;
    if (!doc || doc.state !== 'ready' || !this.member || this.awarenessClients.size === 0) return;
    const author = { memberId: this.member.memberId, name: this.member.name };
    const entries = restampPresence(this.awarenessClients, doc.awareness.getStates(), doc.awareness.meta, author);
    if (entries.length > 0) doc.applyPeerAwareness(this, writePresenceUpdate(entries));
  }

  private onClose(code: number, reason: string): void {
    if (this.state === 'closed') return;
    const wasOpen = this.state === 'open';
    this.state = 'closed';
    this.early = [];
    this.inbox.clear();
    this.flow.close();
    const doc = this.doc;
    if (doc) {
      doc.peers.delete(this);
      if (this.awarenessClients.size > 0 && doc.state === 'ready') {
        awarenessProtocol.removeAwarenessStates(doc.awareness, [...this.awarenessClients], null);
      }
    }
    const ours = this.closeReason;
    this.closedWith = { code: ours?.code ?? code, by: ours ? 'server' : 'client', wasOpen };
    if (wasOpen || ours) {
      const event = wasOpen ? 'connection-close' : 'connection-refused';
      const { pauses, pausedMs } = this.flow.stats;
      const slowed = pauses > 0 ? { pauses, pausedMs } : {};
      const fields = { ...this.fields(), code: ours?.code ?? code, reason: ours?.reason ?? (reason || 'closed by client'), by: ours ? 'server' : 'client', ms: Date.now() - this.openedAt, ...slowed };
      if (wasOpen) this.logger.info(event, fields);
      else this.logger.warn(event, fields);
    }
    this.onClosed(this);
  }
}

/** A FIFO of received frames (head index instead of Array.shift: a chunk may hold thousands). */
class FrameQueue {
  private items: { data: Buffer; binary: boolean }[] = [];
  private head = 0;

  push(data: Buffer, binary: boolean): void {
    this.items.push({ data, binary });
  }

  shift(): { data: Buffer; binary: boolean } | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head++];
    if (this.head === this.items.length) this.clear();
    return item;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }
}

import type WebSocket from 'ws';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { CloseCode, Limits } from '#shared/protocol';
import { mayWrite } from '../auth/auth.ts';
import type { AuthenticatedMember } from '../auth/types.ts';
import { errorMessage, type Logger } from '../log.ts';
import type { DocumentPeer, LiveDocument } from './live-document.ts';
import { MalformedFrameError, readClientFrame, writeAwarenessFrame, writeSyncStep1Frame, writeSyncStep2Frame } from './messages.ts';
import { filterPresence, readPresenceUpdate, writePresenceUpdate } from './presence.ts';
import { TokenBucket } from './rate-limit.ts';

/** Frames a socket may send before its document is ready (the client's step 1 and presence). */
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
/** A sync step 2 answer costs one extra rate-limit token per this many bytes (a 1 MiB document: 64). */
const STEP2_BYTES_PER_TOKEN = 16 * 1024;

/** Where a connection is: refusals only ever happen in `pending`, before any byte was sent. */
type ConnectionState = 'pending' | 'open' | 'closed';

/** Who and what a connection is for (log fields). */
export interface ConnectionTarget {
  workspaceId: string;
  docId: string;
}

/**
 * One websocket on one document: rate limit, frame decoding, and the y-websocket
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
  private readonly bucket: TokenBucket;
  private readonly openedAt = Date.now();
  /** Set when we close, so the log says why. */
  private closeReason: { code: number; reason: string } | null = null;

  constructor(
    readonly ws: WebSocket,
    readonly target: ConnectionTarget,
    private readonly logger: Logger,
    rate: { perSecond: number; burst: number },
    private readonly onClosed: (conn: Connection) => void
  ) {
    this.bucket = new TokenBucket(rate.perSecond, rate.burst);
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

  /** The member behind the token ('' before authentication; no update is accepted then). */
  get memberId(): string {
    return this.member?.memberId ?? '';
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
    if (!this.bucket.take()) return this.close(CloseCode.rateLimited, 'too many messages; slow down');
    if (!isBinary) return this.close(CloseCode.badRequest, 'expected binary frames');
    if (this.state === 'pending') {
      if (this.early.length >= MAX_EARLY_FRAMES) return this.close(CloseCode.rateLimited, 'too many messages before the document was ready');
      this.early.push(data);
      return;
    }
    this.handle(data);
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
    switch (frame.type) {
      case 'sync-step1': {
        // Answered once this socket's earlier updates are admitted (applied, or refused and
        // the socket closed): a device reads the answer as "the relay has what I sent".
        const { stateVector } = frame;
        doc.afterWriterSettled(this, () => this.answerStepOne(doc, stateVector));
        return;
      }
      case 'sync-update':
        // Viewers' sync steps and updates are dropped: never applied, stored or relayed.
        if (!this.member || !mayWrite(this.member)) return;
        doc.queuePeerUpdate(this, frame.update);
        return;
      case 'awareness':
        return this.handlePresence(doc, frame.update);
      case 'query-awareness':
        this.send(writeAwarenessFrame(doc.awareness, [...doc.awareness.getStates().keys()]));
        return;
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
    try {
      reply = writeSyncStep2Frame(doc.ydoc, stateVector);
    } catch (err) {
      // The relay's own encoding failed: not the client's fault. It reconnects and asks again.
      this.logger.error('step2-encode-failed', { ...this.fields(), error: errorMessage(err) });
      return this.close(CloseCode.retryLater, 'the server could not answer; reconnecting');
    }
    // A step 1 of a few bytes asks for the whole document: charge the answer's size, or
    // one socket repeating it could keep the relay busy encoding megabytes for nobody.
    this.bucket.charge(Math.floor(reply.byteLength / STEP2_BYTES_PER_TOKEN));
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
    try {
      doc.applyPeerAwareness(this, writePresenceUpdate(kept.entries));
    } catch {
      this.close(CloseCode.badRequest, 'malformed presence update');
    }
  }

  private onClose(code: number, reason: string): void {
    if (this.state === 'closed') return;
    const wasOpen = this.state === 'open';
    this.state = 'closed';
    this.early = [];
    const doc = this.doc;
    if (doc) {
      doc.peers.delete(this);
      if (this.awarenessClients.size > 0 && doc.state === 'ready') {
        awarenessProtocol.removeAwarenessStates(doc.awareness, [...this.awarenessClients], null);
      }
    }
    const ours = this.closeReason;
    if (wasOpen || ours) {
      const event = wasOpen ? 'connection-close' : 'connection-refused';
      const fields = { ...this.fields(), code: ours?.code ?? code, reason: ours?.reason ?? (reason || 'closed by client'), by: ours ? 'server' : 'client', ms: Date.now() - this.openedAt };
      if (wasOpen) this.logger.info(event, fields);
      else this.logger.warn(event, fields);
    }
    this.onClosed(this);
  }
}

/**
 * Admission of writers' updates into a live document: every update is inspected
 * (server/relay/inspect.ts) before Yjs sees it, then applied with the others of its turn in
 * one transaction. An update that depends on something not here yet is held (bounded in
 * count, bytes and time); one that breaks a rule is refused; an exception while applying
 * means the in-memory state can no longer be trusted, which the caller turns into a reload
 * from storage.
 */
import * as Y from 'yjs';
import type { WriteScope } from '#shared/model/authority';
import { CloseCode } from '#shared/protocol';
import { DEFAULT_INSPECT_LIMITS, inspectUpdate, type InspectLimits, type Verdict } from './inspect.ts';
import { TokenBucket } from './rate-limit.ts';

/** Who sent an update, as admission needs them. */
export interface Writer {
  /** The member behind the socket (from its token). */
  readonly memberId: string;
  /** Whether the socket is still open (held updates of a closed socket are dropped on timeout). */
  readonly closed: boolean;
  /**
   * What the writer may write now (authority.ts), read at admission: `all` (the default) for
   * editors and admins; for a viewer `comments` when their workspace lets viewers comment,
   * else `none`.
   */
  readonly writeScope?: WriteScope;
}

/** Why a viewer's comments are refused when viewers may not comment (the device tells its person). */
export const VIEWER_COMMENTS_OFF = 'viewers can read but not comment in this workspace now, so your comments were not sent';

/** Bounds of admission (docs/security.md). */
export interface AdmissionLimits extends InspectLimits {
  /** Client ids a document may have in all; past it, new editing sessions are refused. */
  maxDocumentClients: number;
  /** New client ids per member and document: burst… */
  newClientsBurst: number;
  /** …and refill per minute (an honest device adds one per page load that edits). */
  newClientsPerMinute: number;
  /** Updates held per writer, and their bytes. */
  maxHeldPerWriter: number;
  maxHeldBytesPerWriter: number;
  /** Updates held per document. */
  maxHeldPerDocument: number;
  /** How long an update may wait for what it depends on. */
  maxHoldMs: number;
  /** Largest stored size of the document (bytes); updates that add content past it are refused. */
  maxDocumentBytes: number;
}

export const DEFAULT_ADMISSION_LIMITS: Readonly<AdmissionLimits> = Object.freeze({
  ...DEFAULT_INSPECT_LIMITS,
  maxDocumentClients: 20_000,
  newClientsBurst: 256,
  newClientsPerMinute: 60,
  maxHeldPerWriter: 32,
  maxHeldBytesPerWriter: 4 * 1024 * 1024,
  maxHeldPerDocument: 256,
  maxHoldMs: 10_000,
  maxDocumentBytes: 64 * 1024 * 1024
});

/** A writer to close, with the code and the reason in plain words. */
export interface Rejection<W extends Writer> {
  writer: W;
  code: number;
  reason: string;
}

/** The outcome of one admission round. */
export interface AdmissionResult<W extends Writer> {
  rejections: Rejection<W>[];
  /** Set when applying threw: the document's memory state is suspect and must be reloaded. */
  failure: { error: unknown; writer: W | null } | null;
  /** Updates still held after the round. */
  held: number;
}

interface Queued<W> {
  writer: W;
  update: Uint8Array;
  since: number;
}

const REFUSAL_CODES: Record<Extract<Verdict, { kind: 'refuse' }>['code'], number> = {
  malformed: CloseCode.badRequest,
  'too-large': CloseCode.tooLarge,
  forbidden: CloseCode.changeRefused
};

/** Thrown when Yjs kept part of an update for later although inspection found it complete. */
export class IncompleteApplyError extends Error {
  constructor() {
    super('an update left pending structs or deletes after inspection');
    this.name = 'IncompleteApplyError';
  }
}

/** One admission round's bookkeeping. */
class Round<W extends Writer> {
  readonly rejections: Rejection<W>[] = [];
  readonly refused = new Set<W>();
  /** Writers whose updates were applied this round. */
  readonly applied = new Set<W>();
  /** The update being applied right now. */
  current: Queued<W> | null = null;
  constructor(public queue: Queued<W>[]) {}

  /** Who a failure is blamed on: the update being applied, or the round's only writer. */
  culprit(): W | null {
    if (this.current) return this.current.writer;
    return this.applied.size === 1 ? [...this.applied][0] : null;
  }
}

/** The queue of one document's incoming updates. */
export class Admission<W extends Writer> {
  /** Apply each update in its own transaction (set after a failure nobody could be blamed for). */
  isolate = false;
  private incoming: Queued<W>[] = [];
  private held: Queued<W>[] = [];
  private readonly newClientBudget = new Map<string, TokenBucket>();

  constructor(
    private readonly ydoc: Y.Doc,
    /** Root types of this document only the server writes. */
    private readonly serverRoots: ReadonlySet<string>,
    /** The document's stored size now (snapshot and log), for the size quota. */
    private readonly storedBytes: () => number,
    private readonly limits: AdmissionLimits = DEFAULT_ADMISSION_LIMITS,
    private readonly now: () => number = () => performance.now()
  ) {}

  /** Queue a writer's update for the end of the turn. */
  queue(writer: W, update: Uint8Array): void {
    this.incoming.push({ writer, update, since: this.now() });
  }

  /** Whether anything waits to be admitted (queued this turn or held). */
  get waiting(): boolean {
    return this.incoming.length > 0 || this.held.length > 0;
  }

  /** The one writer of everything waiting, or null when there are several (or none). */
  singleWriter(): W | null {
    let writer: W | null = null;
    for (const q of [...this.held, ...this.incoming]) {
      if (writer !== null && q.writer !== writer) return null;
      writer = q.writer;
    }
    return writer;
  }

  /** Whether `writer` has updates queued or held. */
  waitingFrom(writer: W): boolean {
    return this.incoming.some((q) => q.writer === writer) || this.held.some((q) => q.writer === writer);
  }

  /** Number of held updates. */
  get heldCount(): number {
    return this.held.length;
  }

  /**
   * Admit what can be admitted: inspect and apply, in arrival order, inside ONE transaction
   * with `origin` (so Yjs emits one update event for the turn). Held updates are retried
   * while anything else gets applied, since that may be what they wait for.
   *
   * An exception while applying, or in the transaction's clean-up (Yjs's garbage collection,
   * observers), is a failure. It names the writer when it can: the update being applied, or
   * the only writer whose updates were applied this turn. After a failure naming nobody the
   * caller sets {@link isolate}, and each update then gets its own transaction, so a repeat
   * names its writer.
   */
  admit(origin: unknown): AdmissionResult<W> {
    const round = new Round<W>([...this.held, ...this.incoming]);
    this.held = [];
    this.incoming = [];
    if (round.queue.length === 0) return { rejections: [], failure: null, held: 0 };
    try {
      if (this.isolate) this.admitIsolated(round, origin);
      else this.ydoc.transact(() => this.admitAll(round, (q) => this.admitOne(q)), origin);
    } catch (error) {
      this.held = [];
      return { rejections: round.rejections, failure: { error, writer: round.culprit() }, held: 0 };
    }
    round.rejections.push(...this.keepHeld(round.queue.filter((q) => !round.refused.has(q.writer))));
    return { rejections: round.rejections, failure: null, held: this.held.length };
  }

  /** Apply updates one transaction each (after a failure nobody could be blamed for). */
  private admitIsolated(round: Round<W>, origin: unknown): void {
    this.admitAll(round, (q) => {
      let outcome: ReturnType<typeof this.admitOne> = 'hold';
      this.ydoc.transact(() => (outcome = this.admitOne(q)), origin);
      return outcome;
    });
  }

  /** Passes over the queue until nothing more applies. */
  private admitAll(round: Round<W>, admitOne: (q: Queued<W>) => 'applied' | 'hold' | 'dropped' | Rejection<W>): void {
    for (let progress = true; progress && round.queue.length > 0; ) {
      progress = false;
      const waiting: Queued<W>[] = [];
      for (const q of round.queue) {
        if (round.refused.has(q.writer)) continue;
        round.current = q;
        const outcome = admitOne(q);
        round.current = null;
        if (outcome === 'applied') {
          progress = true;
          round.applied.add(q.writer);
        } else if (outcome === 'hold') waiting.push(q);
        else if (outcome === 'dropped') continue;
        else {
          round.rejections.push(outcome);
          round.refused.add(q.writer);
        }
      }
      round.queue = waiting;
    }
  }

  private admitOne(q: Queued<W>): 'applied' | 'hold' | 'dropped' | Rejection<W> {
    const scope = q.writer.writeScope ?? 'all';
    if (scope === 'none') return this.judgeReader(q);
    const verdict = inspectUpdate(this.ydoc, q.update, { memberId: q.writer.memberId, serverRoots: this.serverRoots, scope }, this.limits);
    if (verdict.kind === 'hold') return 'hold';
    if (verdict.kind === 'refuse') return { writer: q.writer, code: REFUSAL_CODES[verdict.code], reason: verdict.reason };
    if (verdict.newItems > 0 && this.storedBytes() + q.update.byteLength > this.limits.maxDocumentBytes) {
      const mb = Math.round(this.limits.maxDocumentBytes / (1024 * 1024));
      return { writer: q.writer, code: CloseCode.tooLarge, reason: `this document is full (${mb} MB); start a new document for more` };
    }
    const budget = this.chargeNewClients(q.writer.memberId, verdict.newClients.length);
    if (budget) return { writer: q.writer, code: CloseCode.tooLarge, reason: budget };
    Y.applyUpdate(this.ydoc, q.update);
    // Inspection promised a complete integration; anything kept back means it was wrong.
    if (this.ydoc.store.pendingStructs !== null || this.ydoc.store.pendingDs !== null) throw new IncompleteApplyError();
    return 'applied';
  }

  /**
   * A viewer who may not write anything: nothing of theirs is ever applied. An update that
   * only repeats what the document has, or holds more than comments (a device that holds text
   * the relay lost, say), is dropped as it always was; one holding comments they wrote is
   * refused, so their device says which comments were not sent instead of losing them quietly.
   */
  private judgeReader(q: Queued<W>): 'dropped' | Rejection<W> {
    const verdict = inspectUpdate(this.ydoc, q.update, { memberId: q.writer.memberId, serverRoots: this.serverRoots, scope: 'comments' }, this.limits);
    const comments = verdict.kind === 'apply' && verdict.newItems + verdict.deletes > 0;
    return comments ? { writer: q.writer, code: CloseCode.changeRefused, reason: VIEWER_COMMENTS_OFF } : 'dropped';
  }

  /** Charge a member's budget of new editing sessions; the refusal in plain words, or null. */
  private chargeNewClients(memberId: string, n: number): string | null {
    if (n === 0) return null;
    if (this.ydoc.store.clients.size + n > this.limits.maxDocumentClients) {
      return 'this document has been edited from too many sessions; ask an admin to make a fresh copy of it';
    }
    let bucket = this.newClientBudget.get(memberId);
    if (!bucket) {
      bucket = new TokenBucket(this.limits.newClientsPerMinute / 60, this.limits.newClientsBurst, this.now);
      this.newClientBudget.set(memberId, bucket);
    }
    return bucket.takeMany(n) ? null : 'too many new editing sessions from one member; try again in a few minutes';
  }

  /** Keep what still waits, within bounds; writers past a bound or a deadline are told to reconnect. */
  private keepHeld(waiting: Queued<W>[]): Rejection<W>[] {
    const rejections: Rejection<W>[] = [];
    const perWriter = new Map<W, { count: number; bytes: number }>();
    const t = this.now();
    const retry = (writer: W) =>
      rejections.push({ writer, code: CloseCode.retryLater, reason: 'some changes arrived before what they build on; reconnecting to send them again' });
    for (const q of waiting) {
      const mine = perWriter.get(q.writer) ?? { count: 0, bytes: 0 };
      perWriter.set(q.writer, mine);
      mine.count += 1;
      mine.bytes += q.update.byteLength;
      const over = mine.count > this.limits.maxHeldPerWriter || mine.bytes > this.limits.maxHeldBytesPerWriter || this.held.length >= this.limits.maxHeldPerDocument;
      if (q.writer.closed) {
        if (t - q.since < this.limits.maxHoldMs && !over) this.held.push(q);
      } else if (over || t - q.since >= this.limits.maxHoldMs) retry(q.writer);
      else this.held.push(q);
    }
    // A writer told to reconnect resends everything on its next sync: drop the rest of its updates.
    const dropped = new Set(rejections.map((r) => r.writer));
    if (dropped.size > 0) this.held = this.held.filter((q) => !dropped.has(q.writer));
    return dedupe(rejections);
  }

  /** Forget everything queued and held (the document is being reloaded or closed). */
  clear(): void {
    this.incoming = [];
    this.held = [];
  }
}

function dedupe<W extends Writer>(rejections: Rejection<W>[]): Rejection<W>[] {
  const seen = new Set<W>();
  return rejections.filter((r) => (seen.has(r.writer) ? false : (seen.add(r.writer), true)));
}

/**
 * Flow control of one socket: a client sending faster than its budget is slowed down, not
 * cut off. The relay stops reading the socket (ws `pause()`, which pauses the net.Socket)
 * until the budget has refilled; TCP's window then pushes back on the sender, whose own
 * buffer holds what it has not sent yet. Nothing is dropped and nothing is closed, so an
 * importer or a stock client replaying edits at thousands per second just takes longer.
 * (A 44xx close would be worse than slow: the stock y-websocket client never reconnects
 * after one, and every later edit of that client is lost.)
 *
 * Budgets are token buckets in messages and in bytes per second. The frame that empties a
 * bucket takes it into debt (a frame larger than the byte burst still passes, in time), and
 * the pause lasts until both are out of debt. Frames ws had already read when the socket was
 * paused wait in the connection's inbox and are paid for in turn (connection.ts), so a
 * socket is never more than one frame ahead of its budget. 4429 remains for what no legitimate client does:
 * presence changes faster than a person makes them, or a socket kept over budget without a
 * break for {@link FlowBudget.maxOverBudgetMs} (ten minutes by default: 300,000 messages).
 *
 * The socket's states and what moves it between them are the pure function {@link nextFlow};
 * {@link FlowControl} holds the buckets and the timer and carries out the effects.
 */
import { TokenBucket } from './rate-limit.ts';

/** Per-socket budgets (RATE_LIMIT_* settings). */
export interface FlowBudget {
  messagesPerSecond: number;
  messageBurst: number;
  bytesPerSecond: number;
  byteBurst: number;
  presencePerSecond: number;
  presenceBurst: number;
  /** A socket over budget without a break for this long is closed with 4429. */
  maxOverBudgetMs: number;
}

/**
 * Where a socket is. `overSince`: when its current stretch over budget began (null: within
 * budget). A stretch ends once the buckets are back to half full before a frame, i.e. the
 * client was slower than its budget for a while.
 */
export type FlowState =
  | { kind: 'reading'; overSince: number | null }
  | { kind: 'paused'; overSince: number }
  | { kind: 'refused' }
  | { kind: 'closed' };

export type FlowEvent =
  /** A frame was read and paid for: `waitMs` until the buckets are out of debt; `rested`: they were half full before it. */
  | { type: 'frame'; at: number; waitMs: number; rested: boolean }
  /** The pause timer fired: `waitMs` still to wait (0: out of debt). */
  | { type: 'wake'; at: number; waitMs: number }
  /** A presence change past the presence budget. */
  | { type: 'presenceFlood' }
  | { type: 'close' };

export type FlowEffect =
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'armWake'; ms: number }
  | { type: 'cancelWake' }
  | { type: 'refuse'; reason: string };

/** A transition: the next state and what to do. */
export interface FlowTransition {
  state: FlowState;
  effects: FlowEffect[];
}

const OVER_TOO_LONG = 'over the message budget for too long; slow down';
const PRESENCE_FLOOD = 'too many presence updates; slow down';

/** The state machine of a socket's flow control (pure; exhaustive over states and events). */
export function nextFlow(state: FlowState, event: FlowEvent, maxOverBudgetMs: number): FlowTransition {
  if (state.kind === 'closed') return { state, effects: [] };
  if (event.type === 'close') return { state: { kind: 'closed' }, effects: state.kind === 'paused' ? [{ type: 'cancelWake' }] : [] };
  if (state.kind === 'refused') return { state, effects: [] };
  if (event.type === 'presenceFlood') {
    const cancel: FlowEffect[] = state.kind === 'paused' ? [{ type: 'cancelWake' }] : [];
    return { state: { kind: 'refused' }, effects: [...cancel, { type: 'refuse', reason: PRESENCE_FLOOD }] };
  }
  switch (state.kind) {
    case 'reading': {
      // A stale wake (it fired after a frame resumed us some other way) changes nothing.
      if (event.type === 'wake') return { state, effects: [] };
      const overSince = event.rested ? null : state.overSince;
      if (event.waitMs <= 0) return { state: { kind: 'reading', overSince }, effects: [] };
      const since = overSince ?? event.at;
      if (event.at - since >= maxOverBudgetMs) return { state: { kind: 'refused' }, effects: [{ type: 'refuse', reason: OVER_TOO_LONG }] };
      return { state: { kind: 'paused', overSince: since }, effects: [{ type: 'pause' }, { type: 'armWake', ms: event.waitMs }] };
    }
    case 'paused':
      // Frames of a chunk ws had already read still arrive after the pause: paid for, kept.
      if (event.type === 'frame') return { state, effects: [] };
      if (event.waitMs > 0) return { state, effects: [{ type: 'armWake', ms: event.waitMs }] };
      return { state: { kind: 'reading', overSince: state.overSince }, effects: [{ type: 'resume' }] };
  }
}

/** What flow control does to its socket. */
export interface FlowIo {
  pause(): void;
  resume(): void;
  /** Close with 4429 and this reason. */
  refuse(reason: string): void;
  now?: () => number;
}

/** Counters of one socket (logged when it closes). */
export interface FlowStats {
  pauses: number;
  pausedMs: number;
}

/** A socket's buckets, state and pause timer. */
export class FlowControl {
  private state: FlowState = { kind: 'reading', overSince: null };
  private readonly messages: TokenBucket;
  private readonly bytes: TokenBucket;
  private readonly presence: TokenBucket;
  private readonly now: () => number;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private pausedAt = 0;
  readonly stats: FlowStats = { pauses: 0, pausedMs: 0 };

  constructor(
    private readonly budget: FlowBudget,
    private readonly io: FlowIo
  ) {
    this.now = io.now ?? (() => performance.now());
    this.messages = new TokenBucket(budget.messagesPerSecond, budget.messageBurst, this.now);
    this.bytes = new TokenBucket(budget.bytesPerSecond, budget.byteBurst, this.now);
    this.presence = new TokenBucket(budget.presencePerSecond, budget.presenceBurst, this.now);
  }

  /** The state (tests, diagnostics). */
  get current(): FlowState {
    return this.state;
  }

  /** True while the relay is not reading this socket because of its budget. */
  get paused(): boolean {
    return this.state.kind === 'paused';
  }

  /** Pay for a frame of `byteLength` bytes; false when the socket was refused (drop the frame). */
  onFrame(byteLength: number): boolean {
    const rested = this.messages.atLeast(0.5) && this.bytes.atLeast(0.5);
    this.messages.spend(1);
    this.bytes.spend(byteLength);
    this.dispatch({ type: 'frame', at: this.now(), waitMs: this.waitMs(), rested });
    return this.state.kind !== 'refused';
  }

  /** Charge extra message tokens for an expensive answer (a sync step 2 of a big document). */
  charge(tokens: number): void {
    this.messages.charge(tokens);
  }

  /** Pay for one presence change; false when it is a flood (the socket was refused). */
  onPresence(): boolean {
    if (!this.presence.take()) this.dispatch({ type: 'presenceFlood' });
    return this.state.kind !== 'refused';
  }

  /** The socket closed: stop the timer. */
  close(): void {
    this.dispatch({ type: 'close' });
  }

  private waitMs(): number {
    return Math.max(this.messages.msUntilRepaid(), this.bytes.msUntilRepaid());
  }

  private dispatch(event: FlowEvent): void {
    const t = nextFlow(this.state, event, this.budget.maxOverBudgetMs);
    this.state = t.state;
    for (const effect of t.effects) this.perform(effect);
  }

  private perform(effect: FlowEffect): void {
    switch (effect.type) {
      case 'pause':
        this.stats.pauses++;
        this.pausedAt = this.now();
        return this.io.pause();
      case 'resume':
        this.stats.pausedMs += Math.round(this.now() - this.pausedAt);
        return this.io.resume();
      case 'armWake':
        if (this.timer) clearTimeout(this.timer);
        // The socket may be closed by the time this fires: the machine ignores wakes then.
        this.timer = setTimeout(() => {
          this.timer = null;
          this.dispatch({ type: 'wake', at: this.now(), waitMs: this.waitMs() });
        }, effect.ms);
        this.timer.unref?.();
        return;
      case 'cancelWake':
        if (this.timer) clearTimeout(this.timer);
        this.timer = null;
        return;
      case 'refuse':
        return this.io.refuse(effect.reason);
    }
  }
}

/**
 * The lifecycle of one document on the relay, as a pure state machine. The document
 * manager (documents.ts) keeps one state per document in memory, feeds it events and
 * carries out the effects each transition names; everything asynchronous (store reads and
 * writes, timers) happens there, and ends in another event.
 *
 * ```
 *   gone ─acquire─▶ loading ─loaded─▶ ready ◀──────────acquire──────────┐
 *                      │                │ release (the last holder)      │
 *                 loadFailed            ▼                                │
 *                      │              idle ─graceOver (writes in flight)─▶ unloading
 *                      ▼                │ graceOver (quiet)               │ settled
 *                    failed             ▼                                 ▼
 *                                      gone ◀─────────────────────────────┘
 *   ready | idle | unloading ─storageFailed | applyFailed─▶ failed
 *   ready | idle | unloading ─shutdown─▶ gone
 * ```
 *
 * `gone` and `failed` end a document's stay in memory: the manager forgets it, and the
 * next acquire starts over from the store (a failure may be transient; an apply error
 * reloads the last durable state). Every path out of loading and unloading ends in ready,
 * failed or gone: loading waits only for the store's answer, unloading only for writes in
 * flight, which either land (`settled`) or fail (`storageFailed`).
 */

/** Why a document stopped being served. */
export type FailureCause =
  /** Its stored data could not be read: refused (1011), never served empty. */
  | 'load'
  /** A write to the store failed: what is in memory is no longer what is on disk. */
  | 'storage'
  /** Applying something to it failed half-way (a hostile update): the in-memory state is
   * suspect; it is dropped and reloaded from storage. */
  | 'apply';

export type LifecycleState =
  /** Not in memory (before the first acquire, or after an unload). */
  | { readonly kind: 'gone' }
  /** The store is being read; `waiters` holders wait for it (each will hold a reference). */
  | { readonly kind: 'loading'; readonly waiters: number }
  /** Served, with `refs` ≥ 1 holders (sockets and server-side operations). */
  | { readonly kind: 'ready'; readonly refs: number }
  /** Served, nobody holds it: it unloads after the grace period unless acquired again. */
  | { readonly kind: 'idle' }
  /** Grace period over, but a write is still on its way to the store: unloads once it lands. */
  | { readonly kind: 'unloading' }
  /** No longer served: peers were closed with 1011 and retry; the next acquire reloads. */
  | { readonly kind: 'failed'; readonly cause: FailureCause };

export type LifecycleEvent =
  | { readonly type: 'acquire' }
  | { readonly type: 'loaded' }
  | { readonly type: 'loadFailed' }
  | { readonly type: 'release' }
  /** The unload timer fired; `busy`: a write is in flight or waiting to be made. */
  | { readonly type: 'graceOver'; readonly busy: boolean }
  /** The write pipeline is empty (the last write landed). */
  | { readonly type: 'settled' }
  | { readonly type: 'storageFailed' }
  /** Issue 27's "apply failed → reload from storage". */
  | { readonly type: 'applyFailed' }
  | { readonly type: 'shutdown' };

/** What the manager must do after a transition, in order. */
export type LifecycleEffect =
  /** Read the store; ends in `loaded` or `loadFailed`. */
  | 'startLoad'
  /** Hand the document to the waiters; apply frames other instances published meanwhile. */
  | 'serve'
  /** Reject the waiters with the load error (their sockets close with 1011). */
  | 'refuseWaiters'
  /** Start the grace period; ends in `graceOver`. */
  | 'armUnloadTimer'
  | 'cancelUnloadTimer'
  /** Replace the store's log by a snapshot of the document (if the log holds anything). */
  | 'compact'
  /** Close every peer with 1011 (retryable) and fail whoever waits for durability. */
  | 'closePeers'
  /** Free the document's memory. */
  | 'free';

export interface Transition {
  readonly state: LifecycleState;
  readonly effects: readonly LifecycleEffect[];
}

/** States a document's stay in memory ends in. */
export function isFinal(state: LifecycleState): boolean {
  return state.kind === 'gone' || state.kind === 'failed';
}

const stay = (state: LifecycleState): Transition => ({ state, effects: [] });
const to = (state: LifecycleState, ...effects: LifecycleEffect[]): Transition => ({ state, effects });
const failed = (cause: FailureCause): LifecycleState => ({ kind: 'failed', cause });
const GONE: LifecycleState = { kind: 'gone' };

/**
 * The transition for `event` in `state`, or null when the event cannot happen there (a bug
 * in the caller: the manager logs it and keeps the state).
 */
export function next(state: LifecycleState, event: LifecycleEvent): Transition | null {
  switch (state.kind) {
    case 'gone':
      return fromGone(state, event);
    case 'loading':
      return fromLoading(state, event);
    case 'ready':
      return fromReady(state, event);
    case 'idle':
      return fromIdle(state, event);
    case 'unloading':
      return fromUnloading(state, event);
    case 'failed':
      return fromFailed(state, event);
    default:
      return unreachable(state);
  }
}

function fromGone(state: LifecycleState, event: LifecycleEvent): Transition | null {
  switch (event.type) {
    case 'acquire':
      return to({ kind: 'loading', waiters: 1 }, 'startLoad');
    // Late news of a stay that ended (a holder closing after shutdown): nothing left to do.
    case 'release':
    case 'graceOver':
    case 'settled':
    case 'storageFailed':
    case 'applyFailed':
    case 'shutdown':
      return stay(state);
    case 'loaded':
    case 'loadFailed':
      return null;
    default:
      return unreachable(event);
  }
}

function fromLoading(state: { kind: 'loading'; waiters: number }, event: LifecycleEvent): Transition | null {
  switch (event.type) {
    case 'acquire':
      return stay({ kind: 'loading', waiters: state.waiters + 1 });
    case 'loaded':
      return to({ kind: 'ready', refs: state.waiters }, 'serve');
    case 'loadFailed':
      return to(failed('load'), 'refuseWaiters');
    // Nobody holds the document yet, nothing is written, and shutdown waits for loads to end.
    case 'release':
    case 'graceOver':
    case 'settled':
    case 'storageFailed':
    case 'applyFailed':
    case 'shutdown':
      return null;
    default:
      return unreachable(event);
  }
}

function fromReady(state: { kind: 'ready'; refs: number }, event: LifecycleEvent): Transition | null {
  switch (event.type) {
    case 'acquire':
      return stay({ kind: 'ready', refs: state.refs + 1 });
    case 'release':
      return state.refs > 1 ? stay({ kind: 'ready', refs: state.refs - 1 }) : to({ kind: 'idle' }, 'armUnloadTimer');
    case 'settled':
      return stay(state);
    case 'storageFailed':
      return to(failed('storage'), 'closePeers', 'free');
    case 'applyFailed':
      return to(failed('apply'), 'closePeers', 'free');
    case 'shutdown':
      return to(GONE, 'free');
    // The timer runs only while idle; loads happen only from gone.
    case 'graceOver':
    case 'loaded':
    case 'loadFailed':
      return null;
    default:
      return unreachable(event);
  }
}

function fromIdle(state: LifecycleState, event: LifecycleEvent): Transition | null {
  switch (event.type) {
    case 'acquire':
      return to({ kind: 'ready', refs: 1 }, 'cancelUnloadTimer');
    case 'graceOver':
      return event.busy ? stay({ kind: 'unloading' }) : to(GONE, 'compact', 'free');
    case 'settled':
      return stay(state);
    case 'storageFailed':
      return to(failed('storage'), 'cancelUnloadTimer', 'closePeers', 'free');
    case 'applyFailed':
      return to(failed('apply'), 'cancelUnloadTimer', 'closePeers', 'free');
    case 'shutdown':
      return to(GONE, 'cancelUnloadTimer', 'free');
    // Nobody holds it, so nobody can let go of it.
    case 'release':
    case 'loaded':
    case 'loadFailed':
      return null;
    default:
      return unreachable(event);
  }
}

function fromUnloading(state: LifecycleState, event: LifecycleEvent): Transition | null {
  switch (event.type) {
    // Still whole in memory with its pipeline running: serve it again rather than reload.
    case 'acquire':
      return to({ kind: 'ready', refs: 1 });
    case 'settled':
      return to(GONE, 'compact', 'free');
    case 'storageFailed':
      return to(failed('storage'), 'closePeers', 'free');
    case 'applyFailed':
      return to(failed('apply'), 'closePeers', 'free');
    case 'shutdown':
      return to(GONE, 'free');
    case 'release':
    case 'graceOver':
    case 'loaded':
    case 'loadFailed':
      return null;
    default:
      return unreachable(event);
  }
}

function fromFailed(state: LifecycleState, event: LifecycleEvent): Transition | null {
  switch (event.type) {
    // Late news from holders and writes of the failed stay: it already ended.
    case 'release':
    case 'graceOver':
    case 'settled':
    case 'storageFailed':
    case 'applyFailed':
    case 'shutdown':
      return stay(state);
    // The manager forgets a failed document; acquiring the key starts a new stay from gone.
    case 'acquire':
    case 'loaded':
    case 'loadFailed':
      return null;
    default:
      return unreachable(event);
  }
}

function unreachable(value: never): never {
  throw new Error(`unhandled lifecycle case ${JSON.stringify(value)}`);
}

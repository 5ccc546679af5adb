/**
 * The life of one document on this device, as an explicit state machine.
 *
 * A {@link DocHandle} owns a document from the moment something on the page needs it until
 * nothing does: load from the device store → apply → persist local changes → sync with the
 * relay → release. Every change of its state goes through {@link next}, a pure function of
 * the state and one event, so the rules fit on one screen and each is unit-tested
 * (machine.test.ts); the handle only performs the effects (reading IndexedDB, opening the
 * socket) and turns what happened into events.
 *
 * ```
 *   idle ─load→ loading ─loaded→ ready ⇄ connecting ─handshake→ synced ⇄ unsynced
 *                                  ↑          │                   │   edited/receipt
 *                                  └──────────┴── disconnect/dropped ┘
 *   any 44xx close (not 4429) → refused          release (from anywhere) → released
 * ```
 *
 * `pending` says local edits may not have reached the relay: the relay has not *confirmed*
 * them (see receipts.ts). It survives going offline and coming back; only a handshake or a
 * receipt, which carry what the bookkeeping computed, can clear it.
 */
import { CloseCode, DEVICE_REVOKED_MESSAGE, DEVICE_REVOKED_REASON, describeCloseCode, isPermanentRefusal } from '#shared/protocol';
import type { Refusal } from '../store.ts';

/** Where one document's life stands. */
export type HandleState =
  /** Created; nothing read yet. */
  | { readonly tag: 'idle' }
  /** Reading the device store. Edits made meanwhile are kept (and counted as pending). */
  | { readonly tag: 'loading'; readonly pending: boolean }
  /** On the device, not connected (offline, not asked to sync, or waiting to retry). */
  | { readonly tag: 'ready'; readonly pending: boolean; readonly notice?: string }
  /** A socket to the relay is opening; the handshake has not finished. */
  | { readonly tag: 'connecting'; readonly pending: boolean }
  /** Live, and the relay has confirmed every edit made here. */
  | { readonly tag: 'synced' }
  /** Live, with edits the relay has not confirmed yet. */
  | { readonly tag: 'unsynced' }
  /** The relay refused this document for good (4400–4499 but 4429): never retried. */
  | { readonly tag: 'refused'; readonly pending: boolean; readonly refusal: Refusal }
  /** Nothing needs it any more: persisted, disconnected, its Y.Doc destroyed. */
  | { readonly tag: 'released' };

/** Something that happened to a handle. */
export type HandleEvent =
  | { readonly type: 'load' }
  /** Stored content applied; `pending`: the store remembers edits the relay never confirmed. */
  | { readonly type: 'loaded'; readonly pending: boolean }
  /** A change made on this device (typed, or by a model function). */
  | { readonly type: 'edited' }
  /** Open a socket (someone wants the document live, and the device is online). */
  | { readonly type: 'connect' }
  /** The sync handshake finished; `pending` as the bookkeeping computed it then. */
  | { readonly type: 'handshake'; readonly pending: boolean }
  /** The relay answered a request for a receipt. */
  | { readonly type: 'receipt'; readonly pending: boolean }
  /** Close the socket on purpose (offline, nobody needs it live, a workspace-wide refusal). */
  | { readonly type: 'disconnect' }
  /** The socket closed; `code` and the server's `reason` say why. */
  | { readonly type: 'dropped'; readonly code?: number; readonly reason?: string }
  | { readonly type: 'release' };

/** Tags of {@link HandleState}. */
export type HandleTag = HandleState['tag'];

/** Every tag, in the order of a document's life (tests walk them all). */
export const HANDLE_TAGS: readonly HandleTag[] = ['idle', 'loading', 'ready', 'connecting', 'synced', 'unsynced', 'refused', 'released'];

/** Whether edits made here may not have reached the relay. */
export function isPending(state: HandleState): boolean {
  switch (state.tag) {
    case 'unsynced':
      return true;
    case 'loading':
    case 'ready':
    case 'connecting':
    case 'refused':
      return state.pending;
    default:
      return false;
  }
}

/** Whether stored content has been applied (the document can be shown). */
export function isLoaded(state: HandleState): boolean {
  return state.tag !== 'idle' && state.tag !== 'loading' && state.tag !== 'released';
}

/** Whether a live connection to the relay is established. */
export function isLive(state: HandleState): boolean {
  return state.tag === 'synced' || state.tag === 'unsynced';
}

/** The state after `event`. Events that do not apply in a state leave it unchanged (same object). */
export function next(state: HandleState, event: HandleEvent): HandleState {
  if (event.type === 'release') return state.tag === 'released' ? state : { tag: 'released' };
  switch (state.tag) {
    case 'idle':
      return event.type === 'load' ? { tag: 'loading', pending: false } : state;
    case 'loading':
      if (event.type === 'edited') return state.pending ? state : { tag: 'loading', pending: true };
      if (event.type === 'loaded') return { tag: 'ready', pending: state.pending || event.pending };
      return state;
    case 'ready':
    case 'connecting':
    case 'synced':
    case 'unsynced':
      return nextWhileLoaded(state, event);
    case 'refused':
      return event.type === 'edited' && !state.pending ? { ...state, pending: true } : state;
    case 'released':
      return state;
    default:
      return assertNever(state);
  }
}

type LoadedState = Extract<HandleState, { tag: 'ready' | 'connecting' | 'synced' | 'unsynced' }>;

function nextWhileLoaded(state: LoadedState, event: HandleEvent): HandleState {
  const pending = isPending(state);
  switch (event.type) {
    case 'edited':
      if (state.tag === 'synced') return { tag: 'unsynced' };
      if (state.tag === 'unsynced' || state.pending) return state;
      return { ...state, pending: true };
    case 'connect':
      return state.tag === 'ready' ? { tag: 'connecting', pending } : state;
    case 'handshake':
      // From `ready` too: after a drop the provider reconnects by itself.
      return { tag: event.pending ? 'unsynced' : 'synced' };
    case 'receipt':
      if (state.tag !== 'synced' && state.tag !== 'unsynced') return state;
      return event.pending === (state.tag === 'unsynced') ? state : { tag: event.pending ? 'unsynced' : 'synced' };
    case 'disconnect':
      return state.tag === 'ready' ? state : { tag: 'ready', pending };
    case 'dropped':
      return dropped(state, pending, event.code, event.reason);
    case 'load':
    case 'loaded':
    case 'release':
      return state;
    default:
      return assertNever(event);
  }
}

/**
 * The socket closed. 4400–4499 are permanent (the stock client stops too) except 4429, which
 * says "too fast": the handle waits and tries again, and people are told so. Anything else
 * (a network drop, 1011, 1013) is temporary and the provider reconnects: while it retries the
 * document reads as on-the-device-only, not as "connecting", so it does not flicker.
 */
function dropped(state: LoadedState, pending: boolean, code: number | undefined, reason: string | undefined): HandleState {
  if (code === CloseCode.rateLimited) return { tag: 'ready', pending, notice: describeCloseCode(code) };
  if (code !== undefined && isPermanentRefusal(code)) return { tag: 'refused', pending, refusal: refusalOf(code, reason) };
  if (state.tag === 'ready' && state.notice === undefined) return state;
  return { tag: 'ready', pending };
}

/** A permanent refusal in plain words; a refused change also quotes the relay's own reason. */
export function refusalOf(code: number, serverReason = ''): Refusal {
  if (code === CloseCode.unauthorized && serverReason === DEVICE_REVOKED_REASON) return { code, reason: DEVICE_REVOKED_MESSAGE };
  const why = code === CloseCode.changeRefused && serverReason ? ` It said: “${serverReason}”.` : '';
  return { code, reason: describeCloseCode(code) + why };
}

function assertNever(value: never): never {
  throw new Error(`unexpected handle state or event: ${JSON.stringify(value)}`);
}

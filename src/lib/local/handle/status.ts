/**
 * A handle's state in the words the UI uses: connecting · live · offline · refused, whether
 * edits made here wait for the relay, and whether people should be told so (`waiting`).
 */
import { isLive, isPending, type HandleState } from './machine.ts';
import type { Refusal } from '../store.ts';

/** Connection state of one document. */
export type DocSyncState = 'connecting' | 'live' | 'offline' | 'refused';

/** What the UI shows for one document. */
export interface DocSyncStatus {
  state: DocSyncState;
  /** Local edits may not have reached the relay yet (the relay has not confirmed them). */
  unsynced: boolean;
  /**
   * What people are told, in the document's header and the top bar's count: edits made here
   * are waiting for the relay. At once while not live; while live only when no receipt came
   * for `waitingAfterMs` — a keystroke is confirmed within a round trip (asked for at most
   * once a second while edits keep coming), so only a lasting silence is news.
   */
  waiting: boolean;
  /** Set when state is 'refused': the close code and plain words. */
  refused?: Refusal;
  /** A temporary condition in plain words (e.g. rate limited, reconnecting later). */
  notice?: string;
  /** When the relay last confirmed this device's edits (ms since epoch). */
  lastSyncedAt?: number;
}

/** The UI's connection state of a handle state. */
export function syncStateOf(state: HandleState): DocSyncState {
  switch (state.tag) {
    case 'idle':
    case 'loading':
    case 'connecting':
      return 'connecting';
    case 'synced':
    case 'unsynced':
      return 'live';
    case 'refused':
      return 'refused';
    case 'ready':
    case 'released':
      return 'offline';
  }
}

/**
 * When a live document's unconfirmed edits become news: `waitingAfterMs` after the later of
 * "edits started waiting" and "the relay last confirmed anything".
 */
export class WaitingClock {
  private pendingSince: number | undefined;
  private lastReceiptAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly waitingAfterMs: number,
    private readonly now: () => number
  ) {}

  receipt(at: number): void {
    this.lastReceiptAt = at;
  }

  /** The status of `state`; `due` is when `waiting` would turn true if nothing changes (or null). */
  status(state: HandleState, extra: { lastSyncedAt?: number }): { status: DocSyncStatus; due: number | null } {
    const unsynced = isPending(state);
    if (!unsynced) this.pendingSince = undefined;
    else this.pendingSince ??= this.now();
    const silentSince = Math.max(this.pendingSince ?? this.now(), this.lastReceiptAt);
    const live = isLive(state);
    const waiting = unsynced && (!live || this.now() - silentSince >= this.waitingAfterMs);
    const status: DocSyncStatus = {
      state: syncStateOf(state),
      unsynced,
      waiting,
      ...(state.tag === 'refused' ? { refused: state.refusal } : {}),
      ...(state.tag === 'ready' && state.notice ? { notice: state.notice } : {}),
      ...(extra.lastSyncedAt !== undefined ? { lastSyncedAt: extra.lastSyncedAt } : {})
    };
    return { status, due: unsynced && live && !waiting ? silentSince + this.waitingAfterMs : null };
  }
}

import { describe, expect, it } from 'vitest';
import { CloseCode, describeCloseCode } from '#shared/protocol';
import { HANDLE_TAGS, isLive, isLoaded, isPending, next, type HandleEvent, type HandleState } from './machine.ts';

const refusal = { code: CloseCode.forbidden, reason: describeCloseCode(CloseCode.forbidden) };
const rateNotice = describeCloseCode(CloseCode.rateLimited);

const S = {
  idle: { tag: 'idle' },
  loading: { tag: 'loading', pending: false },
  loadingPending: { tag: 'loading', pending: true },
  ready: { tag: 'ready', pending: false },
  readyPending: { tag: 'ready', pending: true },
  readyRateLimited: { tag: 'ready', pending: true, notice: rateNotice },
  connecting: { tag: 'connecting', pending: false },
  connectingPending: { tag: 'connecting', pending: true },
  synced: { tag: 'synced' },
  unsynced: { tag: 'unsynced' },
  refused: { tag: 'refused', pending: false, refusal },
  released: { tag: 'released' }
} as const satisfies Record<string, HandleState>;

const E = {
  load: { type: 'load' },
  loaded: { type: 'loaded', pending: false },
  loadedPending: { type: 'loaded', pending: true },
  edited: { type: 'edited' },
  connect: { type: 'connect' },
  handshake: { type: 'handshake', pending: false },
  handshakePending: { type: 'handshake', pending: true },
  receipt: { type: 'receipt', pending: false },
  receiptPending: { type: 'receipt', pending: true },
  disconnect: { type: 'disconnect' },
  droppedNetwork: { type: 'dropped' },
  droppedRetry: { type: 'dropped', code: CloseCode.retryLater },
  droppedRateLimited: { type: 'dropped', code: CloseCode.rateLimited },
  droppedForbidden: { type: 'dropped', code: CloseCode.forbidden },
  droppedChange: { type: 'dropped', code: CloseCode.changeRefused, reason: 'only your own ballot' },
  release: { type: 'release' }
} as const satisfies Record<string, HandleEvent>;

type StateName = keyof typeof S;
type EventName = keyof typeof E;
const SAME = 'same' as const;

/**
 * Every state × every event: the expected next state, or SAME (unchanged, the very same
 * object). One row per state; a new state or event fails the completeness check below.
 */
const table: Record<StateName, Record<EventName, HandleState | typeof SAME>> = {
  idle: {
    load: S.loading, loaded: SAME, loadedPending: SAME, edited: SAME, connect: SAME, handshake: SAME, handshakePending: SAME,
    receipt: SAME, receiptPending: SAME, disconnect: SAME, droppedNetwork: SAME, droppedRetry: SAME, droppedRateLimited: SAME,
    droppedForbidden: SAME, droppedChange: SAME, release: S.released
  },
  loading: {
    load: SAME, loaded: S.ready, loadedPending: S.readyPending, edited: S.loadingPending, connect: SAME, handshake: SAME,
    handshakePending: SAME, receipt: SAME, receiptPending: SAME, disconnect: SAME, droppedNetwork: SAME, droppedRetry: SAME,
    droppedRateLimited: SAME, droppedForbidden: SAME, droppedChange: SAME, release: S.released
  },
  loadingPending: {
    load: SAME, loaded: S.readyPending, loadedPending: S.readyPending, edited: SAME, connect: SAME, handshake: SAME,
    handshakePending: SAME, receipt: SAME, receiptPending: SAME, disconnect: SAME, droppedNetwork: SAME, droppedRetry: SAME,
    droppedRateLimited: SAME, droppedForbidden: SAME, droppedChange: SAME, release: S.released
  },
  ready: {
    load: SAME, loaded: SAME, loadedPending: SAME, edited: S.readyPending, connect: S.connecting, handshake: S.synced,
    handshakePending: S.unsynced, receipt: SAME, receiptPending: SAME, disconnect: SAME, droppedNetwork: SAME, droppedRetry: SAME,
    droppedRateLimited: { tag: 'ready', pending: false, notice: rateNotice }, droppedForbidden: S.refused,
    droppedChange: { tag: 'refused', pending: false, refusal: { code: 4422, reason: `${describeCloseCode(4422)} It said: “only your own ballot”.` } },
    release: S.released
  },
  readyPending: {
    load: SAME, loaded: SAME, loadedPending: SAME, edited: SAME, connect: S.connectingPending, handshake: S.synced,
    handshakePending: S.unsynced, receipt: SAME, receiptPending: SAME, disconnect: SAME, droppedNetwork: SAME, droppedRetry: SAME,
    droppedRateLimited: S.readyRateLimited, droppedForbidden: { ...S.refused, pending: true },
    droppedChange: { tag: 'refused', pending: true, refusal: { code: 4422, reason: `${describeCloseCode(4422)} It said: “only your own ballot”.` } },
    release: S.released
  },
  readyRateLimited: {
    load: SAME, loaded: SAME, loadedPending: SAME, edited: SAME, connect: S.connectingPending, handshake: S.synced,
    handshakePending: S.unsynced, receipt: SAME, receiptPending: SAME, disconnect: SAME, droppedNetwork: S.readyPending,
    droppedRetry: S.readyPending, droppedRateLimited: S.readyRateLimited, droppedForbidden: { ...S.refused, pending: true },
    droppedChange: { tag: 'refused', pending: true, refusal: { code: 4422, reason: `${describeCloseCode(4422)} It said: “only your own ballot”.` } },
    release: S.released
  },
  connecting: {
    load: SAME, loaded: SAME, loadedPending: SAME, edited: S.connectingPending, connect: SAME, handshake: S.synced,
    handshakePending: S.unsynced, receipt: SAME, receiptPending: SAME, disconnect: S.ready, droppedNetwork: S.ready,
    droppedRetry: S.ready, droppedRateLimited: { tag: 'ready', pending: false, notice: rateNotice }, droppedForbidden: S.refused,
    droppedChange: { tag: 'refused', pending: false, refusal: { code: 4422, reason: `${describeCloseCode(4422)} It said: “only your own ballot”.` } },
    release: S.released
  },
  connectingPending: {
    load: SAME, loaded: SAME, loadedPending: SAME, edited: SAME, connect: SAME, handshake: S.synced, handshakePending: S.unsynced,
    receipt: SAME, receiptPending: SAME, disconnect: S.readyPending, droppedNetwork: S.readyPending, droppedRetry: S.readyPending,
    droppedRateLimited: S.readyRateLimited, droppedForbidden: { ...S.refused, pending: true },
    droppedChange: { tag: 'refused', pending: true, refusal: { code: 4422, reason: `${describeCloseCode(4422)} It said: “only your own ballot”.` } },
    release: S.released
  },
  synced: {
    load: SAME, loaded: SAME, loadedPending: SAME, edited: S.unsynced, connect: SAME, handshake: S.synced, handshakePending: S.unsynced,
    receipt: SAME, receiptPending: S.unsynced, disconnect: S.ready, droppedNetwork: S.ready, droppedRetry: S.ready,
    droppedRateLimited: { tag: 'ready', pending: false, notice: rateNotice }, droppedForbidden: S.refused,
    droppedChange: { tag: 'refused', pending: false, refusal: { code: 4422, reason: `${describeCloseCode(4422)} It said: “only your own ballot”.` } },
    release: S.released
  },
  unsynced: {
    load: SAME, loaded: SAME, loadedPending: SAME, edited: SAME, connect: SAME, handshake: S.synced, handshakePending: S.unsynced,
    receipt: S.synced, receiptPending: SAME, disconnect: S.readyPending, droppedNetwork: S.readyPending, droppedRetry: S.readyPending,
    droppedRateLimited: S.readyRateLimited, droppedForbidden: { ...S.refused, pending: true },
    droppedChange: { tag: 'refused', pending: true, refusal: { code: 4422, reason: `${describeCloseCode(4422)} It said: “only your own ballot”.` } },
    release: S.released
  },
  refused: {
    load: SAME, loaded: SAME, loadedPending: SAME, edited: { ...S.refused, pending: true }, connect: SAME, handshake: SAME,
    handshakePending: SAME, receipt: SAME, receiptPending: SAME, disconnect: SAME, droppedNetwork: SAME, droppedRetry: SAME,
    droppedRateLimited: SAME, droppedForbidden: SAME, droppedChange: SAME, release: S.released
  },
  released: {
    load: SAME, loaded: SAME, loadedPending: SAME, edited: SAME, connect: SAME, handshake: SAME, handshakePending: SAME,
    receipt: SAME, receiptPending: SAME, disconnect: SAME, droppedNetwork: SAME, droppedRetry: SAME, droppedRateLimited: SAME,
    droppedForbidden: SAME, droppedChange: SAME, release: SAME
  }
};

describe('the document handle state machine', () => {
  it('the table covers every state tag and every event type', () => {
    expect(new Set(Object.values(S).map((s) => s.tag))).toEqual(new Set(HANDLE_TAGS));
    const types = new Set(Object.values(E).map((e) => e.type));
    expect(types).toEqual(new Set(['load', 'loaded', 'edited', 'connect', 'handshake', 'receipt', 'disconnect', 'dropped', 'release']));
    for (const row of Object.values(table)) expect(Object.keys(row).sort()).toEqual(Object.keys(E).sort());
    expect(Object.keys(table).sort()).toEqual(Object.keys(S).sort());
  });

  for (const [stateName, row] of Object.entries(table) as [StateName, (typeof table)[StateName]][]) {
    for (const [eventName, expected] of Object.entries(row) as [EventName, HandleState | typeof SAME][]) {
      it(`${stateName} + ${eventName} → ${expected === SAME ? 'unchanged' : expected.tag}`, () => {
        const state = S[stateName];
        const result = next(state, E[eventName]);
        if (expected === SAME) expect(result).toBe(state);
        else expect(result).toEqual(expected);
      });
    }
  }

  it('pending, loaded and live read the state as the status shows it', () => {
    expect([S.loadingPending, S.readyPending, S.connectingPending, S.unsynced].every(isPending)).toBe(true);
    expect([S.idle, S.loading, S.ready, S.connecting, S.synced, S.refused, S.released].some(isPending)).toBe(false);
    expect(HANDLE_TAGS.filter((tag) => isLoaded({ ...S.ready, tag } as HandleState))).toEqual(['ready', 'connecting', 'synced', 'unsynced', 'refused']);
    expect([S.synced, S.unsynced].every(isLive)).toBe(true);
    expect([S.ready, S.connecting, S.refused].some(isLive)).toBe(false);
  });

  it('unknown input is a programming error, caught by the exhaustive switch', () => {
    expect(() => next({ tag: 'bogus' } as unknown as HandleState, E.edited)).toThrow(/unexpected handle state/);
    expect(() => next(S.ready, { type: 'bogus' } as unknown as HandleEvent)).toThrow(/unexpected handle state or event/);
  });
});

import { describe, expect, it } from 'vitest';
import { isFinal, next, type LifecycleEvent, type LifecycleState } from './document-lifecycle.ts';

const gone: LifecycleState = { kind: 'gone' };
const loading = (waiters: number): LifecycleState => ({ kind: 'loading', waiters });
const ready = (refs: number): LifecycleState => ({ kind: 'ready', refs });
const idle: LifecycleState = { kind: 'idle' };
const unloading: LifecycleState = { kind: 'unloading' };
const failed = (cause: 'load' | 'storage' | 'apply'): LifecycleState => ({ kind: 'failed', cause });

const EVENTS: Record<string, LifecycleEvent> = {
  acquire: { type: 'acquire' },
  loaded: { type: 'loaded' },
  loadFailed: { type: 'loadFailed' },
  release: { type: 'release' },
  graceQuiet: { type: 'graceOver', busy: false },
  graceBusy: { type: 'graceOver', busy: true },
  settled: { type: 'settled' },
  storageFailed: { type: 'storageFailed' },
  applyFailed: { type: 'applyFailed' },
  shutdown: { type: 'shutdown' }
};
type EventName = keyof typeof EVENTS;
/** Expected outcome: [next state, effects], or null for "cannot happen here". */
type Row = Record<EventName, [LifecycleState, string[]] | null>;

const ignoredAfterTheEnd = (s: LifecycleState): Omit<Row, 'acquire' | 'loaded' | 'loadFailed'> => ({
  release: [s, []],
  graceQuiet: [s, []],
  graceBusy: [s, []],
  settled: [s, []],
  storageFailed: [s, []],
  applyFailed: [s, []],
  shutdown: [s, []]
});

/** Every state kind (ready twice: the last holder and not) against every event. */
const TABLE: [string, LifecycleState, Row][] = [
  ['gone', gone, { acquire: [loading(1), ['startLoad']], loaded: null, loadFailed: null, ...ignoredAfterTheEnd(gone) }],
  [
    'loading',
    loading(2),
    {
      acquire: [loading(3), []],
      loaded: [ready(2), ['serve']],
      loadFailed: [failed('load'), ['refuseWaiters']],
      release: null,
      graceQuiet: null,
      graceBusy: null,
      settled: null,
      storageFailed: null,
      applyFailed: null,
      shutdown: null
    }
  ],
  [
    'ready (last holder)',
    ready(1),
    {
      acquire: [ready(2), []],
      loaded: null,
      loadFailed: null,
      release: [idle, ['armUnloadTimer']],
      graceQuiet: null,
      graceBusy: null,
      settled: [ready(1), []],
      storageFailed: [failed('storage'), ['closePeers', 'free']],
      applyFailed: [failed('apply'), ['closePeers', 'free']],
      shutdown: [gone, ['free']]
    }
  ],
  [
    'ready (several holders)',
    ready(3),
    {
      acquire: [ready(4), []],
      loaded: null,
      loadFailed: null,
      release: [ready(2), []],
      graceQuiet: null,
      graceBusy: null,
      settled: [ready(3), []],
      storageFailed: [failed('storage'), ['closePeers', 'free']],
      applyFailed: [failed('apply'), ['closePeers', 'free']],
      shutdown: [gone, ['free']]
    }
  ],
  [
    'idle',
    idle,
    {
      acquire: [ready(1), ['cancelUnloadTimer']],
      loaded: null,
      loadFailed: null,
      release: null,
      graceQuiet: [gone, ['compact', 'free']],
      graceBusy: [unloading, []],
      settled: [idle, []],
      storageFailed: [failed('storage'), ['cancelUnloadTimer', 'closePeers', 'free']],
      applyFailed: [failed('apply'), ['cancelUnloadTimer', 'closePeers', 'free']],
      shutdown: [gone, ['cancelUnloadTimer', 'free']]
    }
  ],
  [
    'unloading',
    unloading,
    {
      acquire: [ready(1), []],
      loaded: null,
      loadFailed: null,
      release: null,
      graceQuiet: null,
      graceBusy: null,
      settled: [gone, ['compact', 'free']],
      storageFailed: [failed('storage'), ['closePeers', 'free']],
      applyFailed: [failed('apply'), ['closePeers', 'free']],
      shutdown: [gone, ['free']]
    }
  ],
  ['failed', failed('storage'), { acquire: null, loaded: null, loadFailed: null, ...ignoredAfterTheEnd(failed('storage')) }]
];

describe('document lifecycle: next(state, event)', () => {
  for (const [name, state, row] of TABLE) {
    describe(`from ${name}`, () => {
      for (const [event, expected] of Object.entries(row) as [EventName, Row[EventName]][]) {
        it(`${event} → ${expected ? `${expected[0].kind} [${expected[1].join(', ')}]` : 'cannot happen'}`, () => {
          const t = next(state, EVENTS[event]);
          expect(t && { state: t.state, effects: [...t.effects] }).toEqual(expected && { state: expected[0], effects: expected[1] });
        });
      }
    });
  }

  it('the table covers every state kind and every event', () => {
    expect(new Set(TABLE.map(([, s]) => s.kind))).toEqual(new Set(['gone', 'loading', 'ready', 'idle', 'unloading', 'failed']));
    for (const [, , row] of TABLE) expect(Object.keys(row).sort()).toEqual(Object.keys(EVENTS).sort());
  });

  it('is pure: the state given is never changed', () => {
    const state = Object.freeze({ kind: 'loading', waiters: 1 }) as LifecycleState;
    next(state, EVENTS.acquire);
    next(state, EVENTS.loaded);
    expect(state).toEqual(loading(1));
  });

  it('never gets stuck: from every reachable state the store, the timer and the writes alone lead to ready or an end', () => {
    // What happens without any holder acting: loads end, timers fire, writes land or fail.
    const world: EventName[] = ['loaded', 'loadFailed', 'graceQuiet', 'graceBusy', 'settled', 'storageFailed'];
    const key = (s: LifecycleState) => JSON.stringify(s);
    const seen = new Map<string, LifecycleState>([[key(gone), gone]]);
    const queue: LifecycleState[] = [gone];
    while (queue.length > 0) {
      const s = queue.shift()!;
      for (const e of Object.values(EVENTS)) {
        const t = next(s, e);
        // Bounded exploration: at most 3 holders.
        if (!t || (t.state.kind === 'ready' && t.state.refs > 3) || (t.state.kind === 'loading' && t.state.waiters > 3)) continue;
        if (!seen.has(key(t.state))) seen.set(key(t.state), t.state), queue.push(t.state);
      }
    }
    expect([...seen.values()].map((s) => s.kind).sort()).toEqual(['failed', 'failed', 'failed', 'gone', 'idle', 'loading', 'loading', 'loading', 'ready', 'ready', 'ready', 'unloading'].sort());
    for (const s of seen.values()) {
      if (isFinal(s) || s.kind === 'ready') continue;
      const exits = world.map((e) => next(s, EVENTS[e])).filter((t) => t && key(t.state) !== key(s));
      expect(exits.length, `a way out of ${key(s)}`).toBeGreaterThan(0);
      for (const t of exits) expect(['ready', 'idle', 'unloading', 'gone', 'failed']).toContain(t!.state.kind);
    }
  });

  it('every way out of loading and unloading ends in ready, failed or gone', () => {
    for (const s of [loading(1), unloading]) {
      for (const e of Object.values(EVENTS)) {
        const t = next(s, e);
        if (t && t.state.kind !== s.kind) expect(['ready', 'failed', 'gone']).toContain(t.state.kind);
      }
    }
  });
});

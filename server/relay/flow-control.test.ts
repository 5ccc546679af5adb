import { afterEach, describe, expect, it, vi } from 'vitest';
import { FlowControl, nextFlow, type FlowBudget, type FlowEvent, type FlowState } from './flow-control.ts';

const MAX_OVER = 1000;
const frame = (at: number, waitMs: number, rested = false): FlowEvent => ({ type: 'frame', at, waitMs, rested });
const wake = (at: number, waitMs: number): FlowEvent => ({ type: 'wake', at, waitMs });
const reading = (overSince: number | null = null): FlowState => ({ kind: 'reading', overSince });
const types = (t: { effects: { type: string }[] }) => t.effects.map((e) => e.type);

describe('flow control state machine', () => {
  it('a frame within budget keeps reading; one into debt pauses and arms the wake-up', () => {
    expect(nextFlow(reading(), frame(5, 0), MAX_OVER)).toEqual({ state: reading(), effects: [] });
    const t = nextFlow(reading(), frame(5, 40), MAX_OVER);
    expect(t.state).toEqual({ kind: 'paused', overSince: 5 });
    expect(t.effects).toEqual([{ type: 'pause' }, { type: 'armWake', ms: 40 }]);
  });

  it('frames still arriving while paused are kept, not refused', () => {
    const paused: FlowState = { kind: 'paused', overSince: 5 };
    expect(nextFlow(paused, frame(6, 80), MAX_OVER)).toEqual({ state: paused, effects: [] });
  });

  it('the wake-up resumes once out of debt, or waits again', () => {
    const paused: FlowState = { kind: 'paused', overSince: 5 };
    expect(nextFlow(paused, wake(50, 30), MAX_OVER)).toEqual({ state: paused, effects: [{ type: 'armWake', ms: 30 }] });
    expect(nextFlow(paused, wake(80, 0), MAX_OVER)).toEqual({ state: reading(5), effects: [{ type: 'resume' }] });
  });

  it('a stale wake-up while reading does nothing', () => {
    expect(nextFlow(reading(5), wake(10, 0), MAX_OVER)).toEqual({ state: reading(5), effects: [] });
  });

  it('a stretch over budget ends when the client rested; past the limit it is refused (4429)', () => {
    // Resumed, then paused again soon: the stretch goes on.
    expect(nextFlow(reading(5), frame(900, 10), MAX_OVER).state).toEqual({ kind: 'paused', overSince: 5 });
    const refused = nextFlow(reading(5), frame(1005, 10), MAX_OVER);
    expect(refused.state).toEqual({ kind: 'refused' });
    expect(refused.effects).toEqual([{ type: 'refuse', reason: expect.stringMatching(/too long/) }]);
    // The client slowed down in between (buckets half full again): a new stretch starts.
    expect(nextFlow(reading(5), frame(1005, 10, true), MAX_OVER).state).toEqual({ kind: 'paused', overSince: 1005 });
    expect(nextFlow(reading(5), frame(1005, 0, true), MAX_OVER).state).toEqual(reading(null));
  });

  it('a presence flood is refused in any live state; a close ends everything', () => {
    expect(types(nextFlow(reading(), { type: 'presenceFlood' }, MAX_OVER))).toEqual(['refuse']);
    expect(types(nextFlow({ kind: 'paused', overSince: 1 }, { type: 'presenceFlood' }, MAX_OVER))).toEqual(['cancelWake', 'refuse']);
    expect(nextFlow({ kind: 'paused', overSince: 1 }, { type: 'close' }, MAX_OVER)).toEqual({ state: { kind: 'closed' }, effects: [{ type: 'cancelWake' }] });
    expect(nextFlow(reading(), { type: 'close' }, MAX_OVER)).toEqual({ state: { kind: 'closed' }, effects: [] });
    for (const ev of [frame(1, 5), wake(1, 0), { type: 'presenceFlood' } as FlowEvent]) {
      expect(nextFlow({ kind: 'closed' }, ev, MAX_OVER).effects).toEqual([]);
      expect(nextFlow({ kind: 'refused' }, ev, MAX_OVER).effects).toEqual([]);
    }
  });
});

describe('FlowControl', () => {
  afterEach(() => vi.useRealTimers());
  const budget: FlowBudget = { messagesPerSecond: 100, messageBurst: 10, bytesPerSecond: 1000, byteBurst: 500, presencePerSecond: 10, presenceBurst: 3, maxOverBudgetMs: 60_000 };

  const setup = (b = budget) => {
    vi.useFakeTimers();
    let t = 0;
    const calls: string[] = [];
    const flow = new FlowControl(b, { pause: () => calls.push('pause'), resume: () => calls.push('resume'), refuse: (r) => calls.push(`refuse: ${r}`), now: () => t });
    const advance = (ms: number) => {
      t += ms;
      vi.advanceTimersByTime(ms);
    };
    return { flow, calls, advance };
  };

  it('pauses past the message burst, keeps every frame, and resumes once refilled', () => {
    const { flow, calls, advance } = setup();
    for (let i = 0; i < 15; i++) expect(flow.onFrame(1)).toBe(true);
    expect(calls).toEqual(['pause']);
    // 5 messages of debt at 100/s: 50 ms.
    advance(49);
    expect(calls).toEqual(['pause']);
    advance(1);
    expect(calls).toEqual(['pause', 'resume']);
    expect(flow.stats).toEqual({ pauses: 1, pausedMs: 50 });
  });

  it('pauses on bytes too: a frame larger than the byte burst waits until it is paid for', () => {
    const { flow, calls, advance } = setup();
    expect(flow.onFrame(2500)).toBe(true);
    expect(calls).toEqual(['pause']);
    advance(1999);
    expect(calls).toEqual(['pause']);
    advance(1);
    expect(calls).toEqual(['pause', 'resume']);
  });

  it('closes a presence flood (4429), not ordinary frames', () => {
    const { flow, calls } = setup();
    for (let i = 0; i < 3; i++) expect(flow.onPresence()).toBe(true);
    expect(flow.onPresence()).toBe(false);
    expect(calls).toEqual(['refuse: too many presence updates; slow down']);
    expect(flow.onFrame(1)).toBe(false);
  });

  it('closes a socket that stays over budget without a break past the limit', () => {
    const { flow, calls, advance } = setup({ ...budget, maxOverBudgetMs: 500 });
    // A client that always has more to send: whenever it is read, it overdraws again.
    for (let round = 0; round < 40 && !calls.some((c) => c.startsWith('refuse')); round++) {
      if (!flow.paused) for (let i = 0; i < 15; i++) flow.onFrame(1);
      advance(60);
    }
    expect(calls.at(-1)).toMatch(/^refuse: over the message budget/);
    expect(flow.current).toEqual({ kind: 'refused' });
  });

  it('a client that slows down between bursts is never refused', () => {
    const { flow, calls, advance } = setup({ ...budget, maxOverBudgetMs: 500 });
    for (let round = 0; round < 40; round++) {
      for (let i = 0; i < 15; i++) flow.onFrame(1);
      advance(200); // refills past half the burst before the next burst
    }
    expect(calls.filter((c) => c.startsWith('refuse'))).toEqual([]);
    expect(calls.filter((c) => c === 'pause')).toHaveLength(40);
  });

  it('close cancels the pending wake-up', () => {
    const { flow, calls, advance } = setup();
    for (let i = 0; i < 15; i++) flow.onFrame(1);
    flow.close();
    advance(1000);
    expect(calls).toEqual(['pause']);
  });
});

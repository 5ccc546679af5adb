import { describe, expect, it } from 'vitest';
import { nextLease, type LeaseEvent, type LeaseState } from './lease.ts';

const S = {
  connecting: { kind: 'connecting' },
  follower: { kind: 'follower' },
  leader: { kind: 'leader' },
  closed: { kind: 'closed' }
} satisfies Record<string, LeaseState>;
const events: LeaseEvent[] = [{ type: 'connected' }, { type: 'sessionLost' }, { type: 'tried', acquired: true }, { type: 'tried', acquired: false }, { type: 'checked' }, { type: 'tick' }, { type: 'close' }];
const effects = (state: LeaseState, event: LeaseEvent) => nextLease(state, event).effects.map((e) => (e.type === 'announce' ? `announce:${e.leader}` : e.type));

describe('leader lease state machine', () => {
  it('connects, tries, leads, checks', () => {
    expect(effects(S.connecting, { type: 'tick' })).toEqual(['connect']);
    expect(nextLease(S.connecting, { type: 'connected' })).toEqual({ state: S.follower, effects: [{ type: 'tryLock' }] });
    expect(nextLease(S.follower, { type: 'tried', acquired: false })).toEqual({ state: S.follower, effects: [{ type: 'wait' }] });
    expect(effects(S.follower, { type: 'tick' })).toEqual(['tryLock']);
    expect(nextLease(S.follower, { type: 'tried', acquired: true }).state).toEqual(S.leader);
    expect(effects(S.follower, { type: 'tried', acquired: true })).toEqual(['announce:true', 'wait']);
    expect(effects(S.leader, { type: 'tick' })).toEqual(['check']);
    expect(effects(S.leader, { type: 'checked' })).toEqual(['wait']);
  });

  it('a lost session loses the lease and starts over; close releases', () => {
    expect(nextLease(S.leader, { type: 'sessionLost' }).state).toEqual(S.connecting);
    expect(effects(S.leader, { type: 'sessionLost' })).toEqual(['announce:false', 'dropSession', 'wait']);
    expect(effects(S.follower, { type: 'sessionLost' })).toEqual(['dropSession', 'wait']);
    expect(effects(S.leader, { type: 'close' })).toEqual(['announce:false', 'release']);
    expect(effects(S.follower, { type: 'close' })).toEqual(['release']);
  });

  it('every (state, event) pair has an answer; closed ignores everything; nothing but a grant makes a leader', () => {
    for (const state of Object.values(S)) {
      for (const event of events) {
        const t = nextLease(state, event);
        if (state.kind === 'closed') expect(t).toEqual({ state: S.closed, effects: [] });
        if (t.state.kind === 'leader' && state.kind !== 'leader') expect(event).toEqual({ type: 'tried', acquired: true });
      }
    }
  });
});

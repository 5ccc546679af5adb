import { describe, expect, it } from 'vitest';
import { newcomerEvents } from './newcomers';
import { DEFAULT_PREFS } from './prefs';

const T0 = Date.parse('2026-11-30T10:00:00Z');
const DAY = 86_400_000;
const founder = { id: 'ana', name: 'Ana', joinedAt: T0 - 30 * DAY, revoked: false };

describe('newcomers', () => {
  it('a member who joined recently is announced once to every other member; opt-in by default', () => {
    const dee = { id: 'dee', name: 'Dee  Dorsey', joinedAt: T0, revoked: false };
    const members = [founder, { id: 'ben', name: 'Ben', joinedAt: T0 - DAY, revoked: false }, dee, { id: 'old', name: 'Old', joinedAt: T0, revoked: true }];
    const events = newcomerEvents(members, 'ws', T0 + 1000);
    expect(events).toEqual([
      { key: `newcomer-joined:ws/member/ben:${T0 - DAY}`, kind: 'newcomer-joined', recipients: ['ana', 'dee'], body: 'Someone new joined: Ben. Say hello!', text: { key: 'notify_newcomer_joined', params: { name: 'Ben' } }, url: '/w/ws', at: T0 - DAY },
      { key: `newcomer-joined:ws/member/dee:${T0}`, kind: 'newcomer-joined', recipients: ['ana', 'ben'], body: 'Someone new joined: Dee Dorsey. Say hello!', text: { key: 'notify_newcomer_joined', params: { name: 'Dee Dorsey' } }, url: '/w/ws', at: T0 }
    ]);
    // The same keys on any later evaluation; two days on, quiet.
    expect(newcomerEvents(members, 'ws', T0 + DAY).map((e) => e.key)).toEqual(events.map((e) => e.key));
    expect(newcomerEvents(members, 'ws', T0 + 3 * DAY)).toEqual([]);
    expect(DEFAULT_PREFS.kinds['newcomer-joined']).toBe(false);
  });

  it('the workspace’s first member (its creation, or a restore’s new admin) is nobody’s newcomer', () => {
    expect(newcomerEvents([{ ...founder, joinedAt: T0 }], 'ws', T0 + 1)).toEqual([]);
    expect(newcomerEvents([], 'ws', T0)).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { claimTask, createTask, reassignTask } from '../model/task';
import { castBallot, closeProposal, createProposal, openProposal } from '../model/proposal';
import { replica } from '../model/test-support';
import { DEFAULT_PREFS, digestPeriod, parsePrefs, pushAllowedAt } from './prefs';
import { HOUR, T0, act, evaluate } from './test-fixture';

describe('what a document tells whom', () => {
  it('a proposal opening tells the members who may vote (not the opener, not viewers), then its last day those who have not voted, then the outcome', () => {
    const doc = replica(1);
    const id = createProposal(doc, { id: 'p1', title: 'Paint the  hall', method: 'consent' }, act('ana', T0));
    openProposal(doc, id, { deadline: T0 + 48 * HOUR }, act('ana', T0));
    const opened = evaluate(doc, T0 + 1000);
    expect(opened.events).toEqual([
      { key: `proposal-opened:ws/d1/p1:${T0}`, kind: 'proposal-opened', recipients: ['ben'], body: 'Open for your vote: Paint the hall', text: { key: 'notify_proposal_opened', params: { title: 'Paint the hall' } }, url: '/w/ws/d/d1#block-p1', at: T0 }
    ]);
    expect(opened.wakeAt).toBe(T0 + 24 * HOUR);
    castBallot(doc, id, { choice: 'concern', reason: 'the colour is ugly' }, act('ben', T0 + HOUR));
    const lastDay = evaluate(doc, T0 + 25 * HOUR);
    // Ben voted: only Ana is reminded (and the opening, still recent, now goes to nobody).
    expect(lastDay.events.map((e) => [e.kind, e.recipients])).toEqual([['proposal-closing', ['ana']]]);
    expect(lastDay.wakeAt).toBe(T0 + 48 * HOUR + 1);
    closeProposal(doc, id, { memberCount: 2 }, act('ana', T0 + 26 * HOUR));
    const closed = evaluate(doc, T0 + 26 * HOUR + 1);
    expect(closed.events.map((e) => [e.kind, e.recipients, e.body])).toEqual([['proposal-closed', ['ana', 'ben'], expect.stringMatching(/^Decided \((passed|not passed)\): Paint the hall$/)]]);
    // Nothing of a ballot's choice or reason is in any text.
    expect(JSON.stringify([opened, lastDay, closed])).not.toMatch(/concern|ugly/);
  });

  it('a server started on old data stays quiet about old moments', () => {
    const doc = replica(1);
    const id = createProposal(doc, { id: 'p1', title: 'Old', method: 'consent' }, act('ana', T0));
    openProposal(doc, id, { deadline: null }, act('ana', T0));
    expect(evaluate(doc, T0 + 3 * 24 * HOUR).events).toEqual([]);
  });

  it('tasks: handed to you, claimed on one you created, due tomorrow, a week unclaimed to coordinators', () => {
    const doc = replica(1);
    const t1 = createTask(doc, { id: 't1', title: 'Buy paint', due: '2026-12-02' }, act('ana', T0));
    const t2 = createTask(doc, { id: 't2', title: 'Book the room' }, act('ana', T0));
    createTask(doc, { id: 't3', title: 'Nobody wants this' }, act('ana', T0));
    reassignTask(doc, t1, 'ben', act('ana', T0 + 1000));
    claimTask(doc, t2, act('ben', T0 + 2000));
    const now = evaluate(doc, T0 + 3000);
    expect(now.events.map((e) => [e.kind, e.recipients])).toEqual([
      ['task-assigned', ['ben']],
      ['task-claimed', ['ana']]
    ]);
    // Due 2026-12-02: reminded from noon (UTC) the day before.
    expect(now.wakeAt).toBe(Date.parse('2026-12-01T12:00:00Z'));
    const dueDay = evaluate(doc, Date.parse('2026-12-01T13:00:00Z'));
    expect(dueDay.events.filter((e) => e.kind === 'task-due').map((e) => [e.kind, e.recipients, e.key])).toEqual([['task-due', ['ben'], 'task-due:ws/d1/t1:2026-12-02:ben']]);
    const week = evaluate(doc, T0 + 7 * 24 * HOUR);
    expect(week.events.filter((e) => e.kind === 'task-unclaimed').map((e) => [e.recipients, e.url])).toEqual([[['ben'], '/w/ws/d/d1#block-t3']]);
  });

  it('cuts long titles', () => {
    const doc = replica(1);
    createTask(doc, { id: 't1', title: 'x'.repeat(500) }, act('ana', T0));
    reassignTask(doc, 't1', 'ben', act('ana', T0));
    expect([...evaluate(doc, T0).events[0].body].length).toBeLessThanOrEqual(100);
  });
});

describe('preferences', () => {
  it('reads a patch over the defaults and refuses nonsense in plain words', () => {
    const p = parsePrefs({ kinds: { 'task-claimed': true }, email: 'daily', timeZone: 'Europe/Berlin' });
    expect(p).toMatchObject({ kinds: { 'task-claimed': true, 'proposal-opened': true }, email: 'daily', timeZone: 'Europe/Berlin', push: true });
    expect(parsePrefs({ kinds: { shouting: true } })).toBe('Unknown kind of notification: shouting.');
    expect(parsePrefs({ timeZone: 'Mars/Olympus' })).toMatch(/time zone/);
    expect(parsePrefs({ quiet: { from: '22:00', to: '22:00' } })).toMatch(/two different times/);
    expect(parsePrefs({ extra: 1 })).toMatch(/Unknown field/);
  });

  it('quiet hours defer a push to the end of the night in the member’s own time zone', () => {
    const berlin = { quiet: { from: '21:00', to: '08:00' }, timeZone: 'Europe/Berlin' };
    // 22:30 UTC is 23:30 in Berlin (winter): quiet until 08:00 Berlin = 07:00 UTC.
    expect(pushAllowedAt(Date.parse('2026-11-30T22:30:00Z'), berlin)).toBe(Date.parse('2026-12-01T07:00:00Z'));
    // 12:00 UTC is 13:00 in Berlin: at once.
    expect(pushAllowedAt(Date.parse('2026-11-30T12:00:00Z'), berlin)).toBe(Date.parse('2026-11-30T12:00:00Z'));
    // Same instant, New York (17:30 local): not quiet.
    expect(pushAllowedAt(Date.parse('2026-11-30T22:30:00Z'), { ...berlin, timeZone: 'America/New_York' })).toBe(Date.parse('2026-11-30T22:30:00Z'));
    // A window that does not wrap midnight.
    expect(pushAllowedAt(Date.parse('2026-11-30T13:15:20Z'), { quiet: { from: '13:00', to: '14:00' }, timeZone: 'UTC' })).toBe(Date.parse('2026-11-30T14:00:00Z'));
    expect(pushAllowedAt(Date.parse('2026-11-30T03:00:00Z'), { quiet: null, timeZone: 'UTC' })).toBe(Date.parse('2026-11-30T03:00:00Z'));
  });

  it('a digest period opens at 08:00 local time (weekly: Mondays)', () => {
    const monday = Date.parse('2026-11-30T07:30:00Z');
    expect(digestPeriod(monday, 'daily', 'UTC')).toBeNull();
    expect(digestPeriod(monday, 'daily', 'Europe/Berlin')).toBe('daily:2026-11-30');
    expect(digestPeriod(monday + HOUR, 'weekly', 'UTC')).toBe('weekly:2026-11-30');
    expect(digestPeriod(monday + 25 * HOUR, 'weekly', 'UTC')).toBeNull();
    expect(digestPeriod(monday + HOUR, 'immediate', 'UTC')).toBeNull();
    expect(DEFAULT_PREFS.email).toBe('weekly');
  });
});

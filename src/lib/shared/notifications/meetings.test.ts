import { describe, expect, it } from 'vitest';
import { initDocument } from '../model/doc';
import { endMeeting, startMeeting } from '../model/meeting';
import { describeMeetingTime, readMeetingTime, setMeetingTime } from '../model/meeting-time';
import { replica } from '../model/test-support';
import { HOUR, T0, act, evaluate } from './test-fixture';

const MIN = 60_000;
const agenda = (kind: 'agenda' | 'page' = 'agenda') => {
  const doc = replica(1);
  initDocument(doc, { kind, title: 'December meeting' }, act('ana', T0));
  return doc;
};

describe('meetings', () => {
  it('15 minutes before the planned time, everyone hears the meeting starts; the wake time is then', () => {
    const doc = agenda();
    const at = T0 + 3 * HOUR;
    setMeetingTime(doc, at, act('ana', T0));
    const before = evaluate(doc, T0 + 1000);
    expect(before.events).toEqual([]);
    expect(before.wakeAt).toBe(at - 15 * MIN);
    const soon = evaluate(doc, at - 15 * MIN);
    expect(soon.events).toEqual([
      { key: `meeting-soon:ws/d1/meeting:${at}`, kind: 'meeting-soon', recipients: ['ana', 'ben', 'cy'], body: 'Meeting in 15 minutes: December meeting', text: { key: 'notify_meeting_soon', params: { count: 15, title: 'December meeting' } }, url: '/w/ws/d/d1', at: at - 15 * MIN }
    ]);
    // Looked at later (the date was set late): the same key, the true time left.
    expect(evaluate(doc, at - MIN).events.map((e) => [e.key, e.body])).toEqual([[`meeting-soon:ws/d1/meeting:${at}`, 'Meeting in 1 minute: December meeting']]);
    // Started, or past: nothing to announce.
    expect(evaluate(doc, at + 1).events).toEqual([]);
    startMeeting(doc, act('ana', at - 5 * MIN));
    expect(evaluate(doc, at - 4 * MIN).events).toEqual([]);
  });

  it('a moved meeting is a new moment; clearing the date stops the reminder', () => {
    const doc = agenda();
    setMeetingTime(doc, T0 + HOUR, act('ana', T0));
    setMeetingTime(doc, T0 + 2 * HOUR, act('ana', T0));
    expect(evaluate(doc, T0 + 2 * HOUR - 10 * MIN).events.map((e) => e.key)).toEqual([`meeting-soon:ws/d1/meeting:${T0 + 2 * HOUR}`]);
    setMeetingTime(doc, null, act('ana', T0));
    expect(readMeetingTime(doc).value).toBeNull();
    expect(evaluate(doc, T0 + 2 * HOUR - 10 * MIN)).toEqual({ events: [], wakeAt: null });
    expect(() => setMeetingTime(doc, 1e15, act('ana', T0))).toThrow(/Choose a date/);
  });

  it('ending the meeting tells everyone the minutes are ready, linking to them, once per ending', () => {
    const doc = agenda();
    startMeeting(doc, act('ana', T0));
    expect(evaluate(doc, T0 + MIN).events).toEqual([]);
    endMeeting(doc, act('ben', T0 + HOUR));
    const ended = evaluate(doc, T0 + HOUR + 1);
    expect(ended.events.map((e) => [e.key, e.kind, e.recipients, e.body, e.url])).toEqual([
      [`minutes-ready:ws/d1/meeting:${T0 + HOUR}`, 'minutes-ready', ['ana', 'ben', 'cy'], 'Minutes are ready: December meeting', '/w/ws/d/d1/minutes']
    ]);
    expect(evaluate(doc, T0 + 3 * 24 * HOUR).events).toEqual([]);
  });

  it('only agendas: a page with a stray meeting time says nothing', () => {
    const doc = agenda('page');
    setMeetingTime(doc, T0 + 10 * MIN, act('ana', T0));
    expect(evaluate(doc, T0 + MIN).events).toEqual([]);
  });

  it('the time in plain words, in the member’s time zone', () => {
    const at = Date.parse('2026-12-01T17:30:00Z');
    expect(describeMeetingTime(at, 'Europe/Berlin')).toMatch(/^Tuesday,? 1 December 2026 at 18:30$/);
    expect(describeMeetingTime(at, 'America/New_York')).toMatch(/^Tuesday,? 1 December 2026 at 12:30$/);
  });
});

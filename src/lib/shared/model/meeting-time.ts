/**
 * When a meeting is planned (issue 19): an optional date and time on an agenda document, in
 * its `meta` map under `meetingAt` (ms since the epoch, UTC; null or absent: no date). One plain
 * value, last writer wins, like the document's title. Shown to each member in their own time
 * zone; the relay reminds members 15 minutes before (src/lib/shared/notifications/meetings.ts).
 */
import type * as Y from 'yjs';
import { getMeta, mutate, type Actor } from './doc';
import { ModelError } from './errors';
import { isFiniteNumber, type Read } from './validate';

const MEETING_AT_KEY = 'meetingAt';
/** Dates between these years only (a typo such as year 20260 is refused). */
const EARLIEST = Date.UTC(2000, 0, 1);
const LATEST = Date.UTC(2200, 0, 1);

/** When the meeting is planned, or null. Never throws. */
export function readMeetingTime(doc: Y.Doc): Read<number | null> {
  const raw = getMeta(doc).get(MEETING_AT_KEY);
  if (raw === undefined || raw === null) return { value: null, issues: [] };
  if (isFiniteNumber(raw)) return { value: raw, issues: [] };
  return { value: null, issues: [{ blockId: '', reason: 'meeting time is malformed; ignored' }] };
}

/** Plan the meeting for `at` (ms), or clear its date (null). */
export function setMeetingTime(doc: Y.Doc, at: number | null, actor: Actor): void {
  if (at !== null && (!isFiniteNumber(at) || at < EARLIEST || at > LATEST)) throw new ModelError('invalid-input', 'Choose a date and time for the meeting.');
  mutate(doc, actor, () => getMeta(doc).set(MEETING_AT_KEY, at === null ? null : Math.round(at)));
}

/** "Tuesday 1 December 2026 at 18:30" in `timeZone` (the member's), for people. */
export function describeMeetingTime(at: number, timeZone?: string, locale = 'en-GB'): string {
  const opts = { timeZone, hourCycle: 'h23' } as const;
  const day = new Intl.DateTimeFormat(locale, { ...opts, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(at);
  const time = new Intl.DateTimeFormat(locale, { ...opts, hour: '2-digit', minute: '2-digit' }).format(at);
  return `${day} at ${time}`;
}

/**
 * Running a meeting from an agenda document (issue 11): the meeting's roles, who attended,
 * when it started and ended, and the items that carry over to the next meeting.
 *
 * Everything lives in the document's `meta` map under FLAT keys:
 *
 *   meeting              { startedAt, endedAt, by }        plain value, one writer at a time (the facilitator)
 *   meetingRole/<roleId> memberId | null                    one key per role
 *   attendee/<memberId>  first-seen time (ms, server time)  one key per member
 *
 * Why flat keys rather than one object or a nested Y.Map: an object value is replaced
 * whole (two people filling different roles at once would lose one), and a nested map
 * created by two devices at once keeps only one of the two maps (and the other's
 * entries with it). Flat keys never race that way; the same reasoning as rotation.ts.
 *
 * Times: the app passes `actor.at` in the relay's clock (the device's estimate, see
 * src/lib/session/clock.svelte.ts), so a countdown computed from a stored start agrees
 * between devices whose own clocks disagree.
 */
import type * as Y from 'yjs';
import { agendaOrder, type AgendaItemInput } from './agenda';
import { readFacilitation, startAgendaItem, stopFacilitation } from './agenda-facilitation';
import { getMeta, mutate, requireBlock, timeOf, type Actor } from './doc';
import { ModelError } from './errors';
import { isFiniteNumber, isRecord, isString, orNull, type ModelIssue, type Read } from './validate';

/** The meeting roles an agenda has (the rotation's standard roles, same ids). */
export const MeetingRoles = ['facilitator', 'note-taker', 'timekeeper'] as const;
export type MeetingRole = (typeof MeetingRoles)[number];

/** People's names of the meeting roles. */
export const MEETING_ROLE_LABELS: Record<MeetingRole, string> = {
  facilitator: 'Facilitator',
  'note-taker': 'Note-taker',
  timekeeper: 'Timekeeper'
};

const ROLE_PREFIX = 'meetingRole/';
const ATTENDEE_PREFIX = 'attendee/';
const MEETING_KEY = 'meeting';

/** Where the meeting is. */
export type MeetingStatus = 'not-started' | 'running' | 'ended';

/** Someone who was there. */
export interface Attendee {
  memberId: string;
  /** When a device first saw them in the meeting. */
  at: number;
}

/** The meeting as everyone sees it. */
export interface MeetingView {
  status: MeetingStatus;
  startedAt: number | null;
  endedAt: number | null;
  /**
   * Who ended it (while ended) — the meeting ends for everyone, so everyone sees who did it.
   * Null while not ended, or when an older version recorded no one.
   */
  endedBy: string | null;
  /** Who fills each role (null: nobody yet). */
  roles: Record<MeetingRole, string | null>;
  /** In order of arrival, then id. */
  attendees: Attendee[];
}

const isRole = (value: unknown): value is MeetingRole => typeof value === 'string' && (MeetingRoles as readonly string[]).includes(value);

/** The meeting's state, with issues for anything malformed. Never throws. */
export function readMeeting(doc: Y.Doc): Read<MeetingView> {
  const meta = getMeta(doc);
  const issues: ModelIssue[] = [];
  const roles: Record<MeetingRole, string | null> = { facilitator: null, 'note-taker': null, timekeeper: null };
  const attendees: Attendee[] = [];
  meta.forEach((value, key) => {
    if (key.startsWith(ROLE_PREFIX)) {
      const role = key.slice(ROLE_PREFIX.length);
      if (!isRole(role)) return; // a role a newer version knows about
      if (orNull(isString)(value)) roles[role] = value === '' ? null : value;
      else issues.push({ blockId: '', reason: `meeting role "${role}" is malformed; ignored` });
    } else if (key.startsWith(ATTENDEE_PREFIX)) {
      const memberId = key.slice(ATTENDEE_PREFIX.length);
      if (memberId !== '' && isFiniteNumber(value)) attendees.push({ memberId, at: value });
      else issues.push({ blockId: '', reason: `attendance of "${memberId}" is malformed; ignored` });
    }
  });
  attendees.sort((a, b) => a.at - b.at || (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
  const raw = meta.get(MEETING_KEY);
  let startedAt: number | null = null;
  let endedAt: number | null = null;
  let by: string | null = null;
  if (raw !== undefined) {
    if (isRecord(raw) && orNull(isFiniteNumber)(raw.startedAt) && orNull(isFiniteNumber)(raw.endedAt)) {
      startedAt = raw.startedAt;
      endedAt = raw.endedAt;
      // `by` is whoever last started or ended the meeting (one plain value, one writer at a time).
      by = isString(raw.by) && raw.by !== '' ? raw.by : null;
    } else issues.push({ blockId: '', reason: 'meeting state is malformed; ignored' });
  }
  const status: MeetingStatus = startedAt === null ? 'not-started' : endedAt === null ? 'running' : 'ended';
  return { value: { status, startedAt, endedAt, endedBy: status === 'ended' ? by : null, roles, attendees }, issues };
}

/** Put a member in a meeting role, or clear it (null). */
export function setMeetingRole(doc: Y.Doc, role: MeetingRole, memberId: string | null, actor: Actor): void {
  if (!isRole(role)) throw new ModelError('invalid-input', 'Unknown meeting role.');
  if (memberId !== null && (!isString(memberId) || memberId === '')) throw new ModelError('invalid-input', 'Choose who takes the role.');
  mutate(doc, actor, () => getMeta(doc).set(ROLE_PREFIX + role, memberId));
}

/**
 * Start the meeting: record the start and make the first item still to discuss the
 * current one (its countdown starts now). Resuming an ended meeting keeps its start.
 * Returns the current item's id (null when there is nothing left to discuss).
 */
export function startMeeting(doc: Y.Doc, actor: Actor): string | null {
  const meeting = readMeeting(doc).value;
  if (meeting.status === 'running') throw new ModelError('invalid-input', 'The meeting is already running.');
  const current = readFacilitation(doc).value?.currentItem ?? null;
  const first = current ?? agendaOrder(doc).value.find((i) => i.status !== 'done')?.id ?? null;
  if (first) requireBlock(doc, first, 'agenda-item');
  const at = timeOf(actor);
  // One transaction: nobody sees a started meeting without its current item.
  mutate(doc, actor, () => {
    getMeta(doc).set(MEETING_KEY, { startedAt: meeting.startedAt ?? at, endedAt: null, by: actor.memberId });
    if (first) startAgendaItem(doc, first, { ...actor, at });
  });
  return first;
}

/** End the meeting: the current item (if discussing) is done and the countdown stops. */
export function endMeeting(doc: Y.Doc, actor: Actor): void {
  const meeting = readMeeting(doc).value;
  if (meeting.status !== 'running') throw new ModelError('invalid-input', 'The meeting is not running.');
  const at = timeOf(actor);
  mutate(doc, actor, () => {
    stopFacilitation(doc, { ...actor, at });
    getMeta(doc).set(MEETING_KEY, { startedAt: meeting.startedAt, endedAt: at, by: actor.memberId });
  });
}

/**
 * Record members as present (each device adds itself and the people it sees in the
 * document). Writes only keys not there yet, and nothing at all when every member is
 * already recorded, so calling it on every presence change costs no updates.
 */
export function markAttendance(doc: Y.Doc, memberIds: readonly string[], actor: Actor): number {
  const meta = getMeta(doc);
  const fresh = [...new Set(memberIds)].filter((id) => isString(id) && id !== '' && !isFiniteNumber(meta.get(ATTENDEE_PREFIX + id)));
  if (fresh.length === 0) return 0;
  const at = timeOf(actor);
  mutate(doc, actor, () => {
    for (const id of fresh) meta.set(ATTENDEE_PREFIX + id, at);
  });
  return fresh.length;
}

/**
 * The items a next meeting carries over: everything not done, in agenda order, as inputs
 * for `createAgendaItem` in another document. A linked proposal keeps pointing at its
 * block, now by document (`fromDocId` when it lived in this agenda).
 */
export function carryOverItems(doc: Y.Doc, fromDocId: string): AgendaItemInput[] {
  return agendaOrder(doc, { groupHealthFirst: false })
    .value.filter((i) => i.status !== 'done')
    .map((i, index) => ({
      title: i.title,
      owner: i.owner,
      timebox: i.timebox,
      kind: i.kind,
      position: index + 1,
      proposalId: i.proposalId,
      proposalDoc: i.proposalId ? (i.proposalDoc ?? fromDocId) : null
    }));
}

import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  carryOverItems,
  createAgendaItem,
  createProposal,
  endMeeting,
  facilitationState,
  getMeta,
  markAttendance,
  nextAgendaItem,
  readAgendaItem,
  readMeeting,
  setAgendaItemStatus,
  setMeetingRole,
  startMeeting,
  type Actor
} from './index';
import { replica, sync } from './test-support';

const act = (memberId: string, at = 1000): Actor => ({ memberId, at });

describe('meeting', () => {
  it('roles filled at once by two people both stay', () => {
    const a = replica(1);
    const b = replica(2);
    setMeetingRole(a, 'facilitator', 'ana', act('ana'));
    setMeetingRole(b, 'note-taker', 'ben', act('ben'));
    sync(a, b);
    expect(readMeeting(a).value.roles).toEqual({ facilitator: 'ana', 'note-taker': 'ben', timekeeper: null });
    expect(readMeeting(b).value.roles).toEqual(readMeeting(a).value.roles);
    setMeetingRole(a, 'facilitator', null, act('ana'));
    expect(readMeeting(a).value.roles.facilitator).toBeNull();
    expect(() => setMeetingRole(a, 'chair' as never, 'x', act('ana'))).toThrow(/Unknown meeting role/);
  });

  it('start makes the first open item current (group health first); end stops the countdown', () => {
    const doc = new Y.Doc();
    createAgendaItem(doc, { id: 'rep', title: 'Report', kind: 'report', timebox: 5 }, act('ana'));
    createAgendaItem(doc, { id: 'hea', title: 'Health', kind: 'group-health', timebox: 3 }, act('ana'));
    expect(readMeeting(doc).value.status).toBe('not-started');
    expect(startMeeting(doc, act('ana', 50_000))).toBe('hea');
    expect(readMeeting(doc).value).toMatchObject({ status: 'running', startedAt: 50_000, endedAt: null });
    expect(facilitationState(doc, 60_000).value).toMatchObject({ currentItem: 'hea', remainingMs: 170_000 });
    expect(() => startMeeting(doc, act('ana'))).toThrow(/already running/);
    expect(nextAgendaItem(doc, act('ana', 240_000))).toBe('rep');
    endMeeting(doc, act('ben', 300_000));
    // Everyone sees who ended it for the whole group.
    expect(readMeeting(doc).value).toMatchObject({ status: 'ended', startedAt: 50_000, endedAt: 300_000, endedBy: 'ben' });
    expect(facilitationState(doc, 300_000).value).toBeNull();
    expect(readAgendaItem(doc, 'rep').value?.status).toBe('done');
    // Resuming keeps the original start.
    createAgendaItem(doc, { id: 'late', title: 'Late addition' }, act('ben'));
    expect(startMeeting(doc, act('ana', 400_000))).toBe('late');
    expect(readMeeting(doc).value).toMatchObject({ status: 'running', startedAt: 50_000, endedAt: null, endedBy: null });
  });

  it('an ended meeting written without `by` (older versions) reads with nobody named', () => {
    const doc = new Y.Doc();
    getMeta(doc).set('meeting', { startedAt: 1, endedAt: 2 });
    expect(readMeeting(doc).value).toMatchObject({ status: 'ended', endedBy: null });
    getMeta(doc).set('meeting', { startedAt: 1, endedAt: 2, by: 42 });
    expect(readMeeting(doc).value.endedBy).toBeNull();
  });

  it('attendance: each member once, in order of arrival; no update when nothing is new', () => {
    const a = replica(1);
    const b = replica(2);
    expect(markAttendance(a, ['ana', 'ben'], act('ana', 10))).toBe(2);
    markAttendance(b, ['cy'], act('cy', 5));
    sync(a, b);
    let updates = 0;
    a.on('update', () => updates++);
    expect(markAttendance(a, ['ana', 'cy', ''], act('ana', 20))).toBe(0);
    expect(updates).toBe(0);
    expect(readMeeting(a).value.attendees).toEqual([
      { memberId: 'cy', at: 5 },
      { memberId: 'ana', at: 10 },
      { memberId: 'ben', at: 10 }
    ]);
  });

  it('carries over unfinished items with their proposal, by document', () => {
    const doc = new Y.Doc();
    createProposal(doc, { id: 'prop', title: 'Freezer', method: 'consent' }, act('ana'));
    createAgendaItem(doc, { id: 'a', title: 'Done one' }, act('ana'));
    createAgendaItem(doc, { id: 'b', title: 'Freezer', kind: 'decision', proposalId: 'prop', owner: 'ben', timebox: 20 }, act('ana'));
    createAgendaItem(doc, { id: 'c', title: 'Elsewhere', proposalId: 'p2', proposalDoc: 'otherDoc' }, act('ana'));
    setAgendaItemStatus(doc, 'a', 'done', act('ana'));
    expect(carryOverItems(doc, 'thisDoc')).toEqual([
      { title: 'Freezer', owner: 'ben', timebox: 20, kind: 'decision', position: 1, proposalId: 'prop', proposalDoc: 'thisDoc' },
      { title: 'Elsewhere', owner: null, timebox: 10, kind: 'discussion', position: 2, proposalId: 'p2', proposalDoc: 'otherDoc' }
    ]);
  });

  it('malformed meeting data gives issues, not throws', () => {
    const doc = new Y.Doc();
    getMeta(doc).set('meeting', 'yesterday');
    getMeta(doc).set('meetingRole/facilitator', 42);
    getMeta(doc).set('attendee/ana', 'now');
    const read = readMeeting(doc);
    expect(read.value).toMatchObject({ status: 'not-started', attendees: [], roles: { facilitator: null } });
    expect(read.issues.map((i) => i.reason).join(' ')).toMatch(/malformed.*malformed.*malformed/);
  });
});

import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { claimTask, createTask, joinAsCoLead, markTaskDone, readTask, type Actor } from './index';
import { addDays, checkClaimAgainstNorm, isNewcomer, memberWorkloads, scaleBack, taskBoard, type TaskRef } from './sharing';
import type { WorkspaceDoc } from './views';
import { placeInText } from './test-support';

const act = (memberId: string, at = 1000): Actor => ({ memberId, at });
const TODAY = '2025-03-10';

function docs(n: number): WorkspaceDoc[] {
  return Array.from({ length: n }, (_, i) => ({ docId: `doc${i}`, doc: new Y.Doc() }));
}
function task(d: WorkspaceDoc, title: string, extra: { due?: string | null; coLeadWanted?: boolean; newcomerFriendly?: boolean } = {}): TaskRef {
  const id = createTask(d.doc, { title, ...extra }, act('a'));
  placeInText(d.doc, id);
  return { docId: d.docId, id };
}
const claim = (d: WorkspaceDoc, ref: TaskRef, m: string): void => claimTask(d.doc, ref.id, act(m));

describe('workload against the norm', () => {
  it('counts open claims across documents, due soon and overdue first; done tasks do not count', () => {
    const [d0, d1] = docs(2);
    const late = task(d0, 'late', { due: '2025-03-01' });
    const soon = task(d1, 'soon', { due: '2025-03-15' });
    const later = task(d1, 'later', { due: '2025-05-01' });
    const done = task(d0, 'done');
    for (const [d, t] of [[d0, late], [d1, soon], [d1, later], [d0, done]] as const) claim(d, t, 'ana');
    markTaskDone(d0.doc, done.id, act('ana'));
    const [ana, ben] = memberWorkloads([d0, d1], ['ana', 'ben'], 3, TODAY).value;
    expect(ana.claims.map((t) => t.title)).toEqual(['late', 'soon', 'later']);
    expect(ana.dueSoon.map((t) => t.title)).toEqual(['late', 'soon']);
    expect(ana).toMatchObject({ overdue: 1, room: 0, atNorm: true, overNorm: false });
    expect(ben).toMatchObject({ claims: [], room: 3, atNorm: false });
  });

  it('a claim past the norm needs confirming and suggests members with room, most room first', () => {
    const [d] = docs(1);
    const refs = Array.from({ length: 5 }, (_, i) => task(d, `t${i}`));
    refs.slice(0, 3).forEach((r) => claim(d, r, 'ana'));
    claim(d, refs[3], 'cara');
    const loads = memberWorkloads([d], ['ana', 'ben', 'cara', 'dev'], 3, TODAY).value;
    const check = checkClaimAgainstNorm(loads, 'ana', 3);
    expect(check).toEqual({ needsConfirm: true, openClaims: 3, norm: 3, withRoom: [{ memberId: 'ben', room: 3 }, { memberId: 'dev', room: 3 }, { memberId: 'cara', room: 2 }] });
    // Below the norm: no question asked.
    expect(checkClaimAgainstNorm(loads, 'cara', 3).needsConfirm).toBe(false);
    // A different norm (workspace setting) moves the line.
    expect(checkClaimAgainstNorm(memberWorkloads([d], ['ana'], 5, TODAY).value, 'ana', 5).needsConfirm).toBe(false);
  });
});

describe('scale back', () => {
  it('releases several claims across documents with one note; others can take them', () => {
    const [d0, d1] = docs(2);
    const a = task(d0, 'a');
    const b = task(d1, 'b');
    const c = task(d1, 'c');
    const bens = task(d1, 'bens');
    claim(d0, a, 'ana');
    claim(d1, b, 'ana');
    claim(d1, c, 'ana');
    claim(d1, bens, 'ben');
    const released = scaleBack([d0, d1], [a, b, bens], act('ana', 2000), 'Exams this month');
    expect(released).toEqual([a, b]);
    expect(readTask(d1.doc, bens.id).value?.claimant).toBe('ben');
    expect(readTask(d1.doc, c.id).value?.claimant).toBe('ana');
    const note = readTask(d0.doc, a.id).value!.history.at(-1)!;
    expect(note).toMatchObject({ effect: 'applied', event: { type: 'release', note: 'Exams this month' } });
    const board = taskBoard([d0, d1], { viewer: 'ben', newcomer: false, today: TODAY }).value;
    expect(board.open.map((t) => t.title).sort()).toEqual(['a', 'b']);
    claim(d0, a, 'ben');
    expect(memberWorkloads([d0, d1], ['ana', 'ben'], 3, TODAY).value.map((w) => w.claims.length)).toEqual([1, 2]);
  });
});

describe('open tasks board', () => {
  it('filters by document, due date and newcomer-friendly; newcomers see welcoming places first', () => {
    const [d0, d1] = docs(2);
    task(d0, 'overdue', { due: '2025-03-01' });
    task(d0, 'this week', { due: addDays(TODAY, 3) });
    task(d1, 'undated');
    task(d1, 'welcoming', { due: '2025-06-01', coLeadWanted: true, newcomerFriendly: true });
    const claimed = task(d1, 'claimed, co-lead free', { coLeadWanted: true, newcomerFriendly: true });
    claim(d1, claimed, 'ana');
    const board = (filter = {}, newcomer = false, viewer = 'ben') => taskBoard([d0, d1], { viewer, newcomer, today: TODAY, filter }).value;
    expect(board().open.map((t) => t.title)).toEqual(['overdue', 'this week', 'welcoming', 'undated']);
    expect(board({}, true).open.map((t) => t.title)).toEqual(['welcoming', 'overdue', 'this week', 'undated']);
    expect(board({ docId: 'doc1' }).open.map((t) => t.title)).toEqual(['welcoming', 'undated']);
    expect(board({ due: 'overdue' }).open.map((t) => t.title)).toEqual(['overdue']);
    expect(board({ due: 'week' }).open.map((t) => t.title)).toEqual(['overdue', 'this week']);
    expect(board({ due: 'undated' }).open.map((t) => t.title)).toEqual(['undated']);
    expect(board({ newcomerFriendly: true }).open.map((t) => t.title)).toEqual(['welcoming']);
    expect(board().coLeadPlaces.map((t) => t.title)).toEqual(['claimed, co-lead free']);
    // Not offered to the claimant, nor once the place is taken.
    expect(board({}, false, 'ana').coLeadPlaces).toEqual([]);
    joinAsCoLead(d1.doc, claimed.id, act('ben'));
    expect(board().coLeadPlaces).toEqual([]);
  });

  it('newcomer means joined within 30 days', () => {
    const now = Date.parse('2025-03-10T12:00:00Z');
    expect(isNewcomer({ joinedAt: now - 29 * 86_400_000 }, now)).toBe(true);
    expect(isNewcomer({ joinedAt: now - 31 * 86_400_000 }, now)).toBe(false);
    expect(isNewcomer(undefined, now)).toBe(false);
  });
});

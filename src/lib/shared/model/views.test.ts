import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  castBallot,
  claimTask,
  createAgendaItem,
  createProposal,
  createTask,
  getBlocks,
  initDocument,
  joinAsCoLead,
  listBlockIds,
  memberOpenWork,
  openProposal,
  openTasks,
  proposalsDueToClose,
  readMeta,
  workload,
  type Actor
} from './index';
import { placeAllInText } from './test-support';

const act = (memberId: string, at = 1000): Actor => ({ memberId, at });

function workspace() {
  const agenda = new Y.Doc();
  const page = new Y.Doc();
  initDocument(agenda, { kind: 'agenda', title: 'March' }, act('ana'));
  const t1 = createTask(agenda, { id: 't1', title: 'Late one', due: '2025-01-05' }, act('ana'));
  const t2 = createTask(page, { id: 't2', title: 'Undated' }, act('ana'));
  const t3 = createTask(page, { id: 't3', title: 'Early one', due: '2025-01-01' }, act('ana'));
  createTask(page, { id: 't4', title: 'Open', due: '2025-02-01' }, act('ana'));
  for (const [d, t] of [
    [agenda, t1],
    [page, t2],
    [page, t3]
  ] as const)
    claimTask(d, t, act('ben'));
  joinAsCoLead(page, t2, act('cal'));
  const p1 = createProposal(page, { id: 'p1', title: 'Later', method: 'consent', deadline: 9000 }, act('ana'));
  const p2 = createProposal(agenda, { id: 'p2', title: 'Sooner', method: 'consent', deadline: 5000 }, act('ana'));
  const p3 = createProposal(agenda, { id: 'p3', title: 'Voted', method: 'consent' }, act('ana'));
  for (const [d, p] of [
    [page, p1],
    [agenda, p2],
    [agenda, p3]
  ] as const)
    openProposal(d, p, {}, act('ana'));
  castBallot(agenda, p3, { choice: 'consent' }, act('ben'));
  createAgendaItem(agenda, { id: 'i1', title: 'Report', owner: 'ben' }, act('ana'));
  placeAllInText(agenda);
  placeAllInText(page);
  return [
    { docId: 'agenda', doc: agenda },
    { docId: 'page', doc: page }
  ];
}

describe('views across documents', () => {
  it('memberOpenWork: claims (earliest due first, undated last), ballots awaited (soonest deadline first), agenda items', () => {
    const w = memberOpenWork(workspace(), 'ben').value;
    expect(w.tasks.map((t) => t.id)).toEqual(['t3', 't1', 't2']);
    expect(w.tasks[1].docId).toBe('agenda');
    expect(w.proposalsAwaitingBallot.map((p) => p.id)).toEqual(['p2', 'p1']);
    expect(w.agendaItems.map((i) => i.id)).toEqual(['i1']);
    expect(memberOpenWork(workspace(), 'ben', { now: 6000 }).value.proposalsAwaitingBallot.map((p) => p.id)).toEqual(['p1']);
    expect(memberOpenWork(workspace(), 'cal').value.coLeading.map((t) => t.id)).toEqual(['t2']);
  });

  it('openTasks and workload against the norm', () => {
    const docs = workspace();
    expect(openTasks(docs).value.map((t) => t.id)).toEqual(['t4']);
    expect(workload(docs, ['ben', 'cal'], 2).value).toEqual([
      { memberId: 'ben', openClaims: 3, room: 0, overNorm: true },
      { memberId: 'cal', openClaims: 0, room: 2, overNorm: false }
    ]);
  });

  it('proposalsDueToClose lists open proposals past their deadline', () => {
    const docs = workspace();
    expect(proposalsDueToClose(docs[0].doc, 6000)).toEqual(['p2']);
  });

  it('malformed blocks are listed as issues and skipped', () => {
    const doc = new Y.Doc();
    getBlocks(doc).set('junk', 42);
    const m = new Y.Map();
    getBlocks(doc).set('odd', m);
    m.set('type', 'poll');
    expect(listBlockIds(doc).issues.map((i) => i.blockId)).toEqual(['junk', 'odd']);
    expect(memberOpenWork([{ docId: 'd', doc }], 'ben').issues).toHaveLength(2);
    expect(readMeta(doc).issues.length).toBeGreaterThan(0);
  });

  it('initDocument seeds once', () => {
    const doc = new Y.Doc();
    initDocument(doc, { kind: 'needs', title: 'Board' }, act('ana', 7));
    expect(readMeta(doc)).toEqual({ value: { kind: 'needs', title: 'Board', created: 7, seeded: true }, issues: [] });
    expect(() => initDocument(doc, { kind: 'page', title: 'x' }, act('ana'))).toThrow(/already set up/);
  });
});

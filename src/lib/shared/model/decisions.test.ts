import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  addFollowUpTask,
  arrivedBallots,
  castBallot,
  closeProposal,
  createProposal,
  membersWithoutBallot,
  nextDeadline,
  openProposal,
  openProposalsOf,
  proposalsAwaitingBallot,
  proposalsPastDeadline,
  readFollowUp,
  readProposal,
  setReviewDate,
  ModelError
} from './index';
import { placeInText } from './test-support';

const T0 = 1_700_000_000_000;
const act = (memberId: string, at = T0) => ({ memberId, at });

function proposal(doc: Y.Doc, id: string, deadline: number | null, open = true): void {
  createProposal(doc, { id, title: id, method: 'majority', deadline }, act('ana'));
  placeInText(doc, id);
  if (open) openProposal(doc, id, {}, act('ana'));
}

describe('proposals awaiting a ballot', () => {
  it('lists open proposals without my ballot, soonest deadline first, undated last, passed deadlines left out', () => {
    const d1 = new Y.Doc();
    const d2 = new Y.Doc();
    proposal(d1, 'later', T0 + 5000);
    proposal(d1, 'undated', null);
    proposal(d2, 'soon', T0 + 1000);
    proposal(d2, 'voted', T0 + 500);
    proposal(d2, 'draft', T0 + 200, false);
    proposal(d2, 'passed', T0 + 10);
    castBallot(d2, 'voted', { choice: 'yes' }, act('ben'));
    const docs = [{ docId: 'a', doc: d1 }, { docId: 'b', doc: d2 }];
    const awaiting = proposalsAwaitingBallot(docs, 'ben', T0 + 100);
    expect(awaiting.value.map((p) => `${p.docId}/${p.id}`)).toEqual(['b/soon', 'a/later', 'a/undated']);
    expect(openProposalsOf(docs).value.map((p) => p.id)).toEqual(['passed', 'voted', 'soon', 'later', 'undated']);
    expect(proposalsPastDeadline(docs, T0 + 100).value.map((p) => p.id)).toEqual(['passed']);
    expect(nextDeadline(d2, T0 + 100)).toBe(T0 + 500);
  });

  it('lists who has not voted, in the directory order given', () => {
    const doc = new Y.Doc();
    proposal(doc, 'p', null);
    castBallot(doc, 'p', { choice: 'no' }, act('cy'));
    expect(membersWithoutBallot(readProposal(doc, 'p').value!, ['ana', 'ben', 'cy'])).toEqual(['ana', 'ben']);
  });
});

describe('follow-up', () => {
  it('adds claimable tasks after close, linked from the task, and a review date', () => {
    const doc = new Y.Doc();
    proposal(doc, 'p', null);
    expect(() => addFollowUpTask(doc, 'p', { title: 'Buy it' }, act('ana'))).toThrow(ModelError);
    closeProposal(doc, 'p', {}, act('ana'));
    let updates = 0;
    doc.on('update', () => updates++);
    const taskId = addFollowUpTask(doc, 'p', { title: ' Buy it ', due: '2024-01-02' }, act('ana'));
    expect(updates).toBe(1);
    setReviewDate(doc, 'p', '2024-06-01', act('ana'));
    const f = readFollowUp(doc, 'p').value;
    expect(f.tasks.map((t) => [t.id, t.title, t.status])).toEqual([[taskId, 'Buy it', 'open']]);
    expect(f.reviewDate).toBe('2024-06-01');
    expect(() => setReviewDate(doc, 'p', 'soon', act('ana'))).toThrow(ModelError);
  });
});

describe('arrivedBallots', () => {
  it('names the members whose ballot is new since the last reading, never oneself, nothing at first', () => {
    expect(arrivedBallots(null, ['ana', 'ben'], 'ana')).toEqual([]);
    expect(arrivedBallots(new Set(['ana']), ['ana', 'ben', 'cy'], 'ana')).toEqual(['ben', 'cy']);
    expect(arrivedBallots(new Set(['ben']), ['ben', 'ana'], 'ana')).toEqual([]);
    expect(arrivedBallots(new Set(['ben', 'cy']), ['ben'], 'ana')).toEqual([]);
  });
});

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  addFollowUpTask,
  castBallot,
  closeProposal,
  createProposal,
  csvField,
  decisionLog,
  decisionLogCsv,
  decisionLogMarkdown,
  openProposal,
  reopenProposal,
  setReviewDate
} from './index';
import { placeAllInText } from './test-support';

const T0 = Date.UTC(2025, 2, 1, 14, 5);
const act = (memberId: string, at = T0) => ({ memberId, at });
const golden = (name: string) => new URL(`./__golden__/${name}`, import.meta.url);

/** Compare with the golden file; UPDATE_GOLDEN=1 rewrites it (review the diff before committing). */
function matchGolden(name: string, text: string): void {
  if (process.env.UPDATE_GOLDEN) writeFileSync(golden(name), text);
  if (!existsSync(golden(name))) throw new Error(`The golden file __golden__/${name} is missing. Run with UPDATE_GOLDEN=1 to write it, and review it before committing.`);
  expect(text).toBe(readFileSync(golden(name), 'utf8'));
}

function workspace() {
  const freezer = new Y.Doc();
  createProposal(freezer, { id: 'p1', title: 'Buy a chest freezer', method: 'consent' }, act('ana'));
  openProposal(freezer, 'p1', {}, act('ana'));
  castBallot(freezer, 'p1', { choice: 'consent' }, act('ben'));
  castBallot(freezer, 'p1', { choice: 'concern', reason: 'Power bill' }, act('cy'));
  closeProposal(freezer, 'p1', { statement: 'We buy the freezer from the co-op.\n\nBen collects it, "Saturday".' }, act('ana', T0 + 3_600_000));
  addFollowUpTask(freezer, 'p1', { title: 'Collect the freezer' }, act('ana'));
  setReviewDate(freezer, 'p1', '2025-06-01', act('ana'));

  const venue = new Y.Doc();
  createProposal(venue, { id: 'v1', title: 'Venue, for the [spring] fair', method: 'ranked-choice', options: [{ id: 'hall', label: 'Church hall' }, { id: 'park', label: 'Park' }] }, act('ana'));
  openProposal(venue, 'v1', {}, act('ana'));
  castBallot(venue, 'v1', { ranking: ['park', 'hall'] }, act('ana'));
  castBallot(venue, 'v1', { ranking: ['park'] }, act('ben'));
  closeProposal(venue, 'v1', { statement: '=SUM(A1) is not a formula here' }, act('ben', T0 + 7_200_000));
  // Open and reopened proposals are not in the log.
  createProposal(venue, { id: 'v2', title: 'Still open', method: 'majority' }, act('ana'));
  openProposal(venue, 'v2', {}, act('ana'));
  createProposal(venue, { id: 'v3', title: 'Reopened', method: 'majority' }, act('ana'));
  openProposal(venue, 'v3', {}, act('ana'));
  closeProposal(venue, 'v3', {}, act('ana'));
  reopenProposal(venue, 'v3', { reason: 'New facts' }, act('ana'));
  placeAllInText(freezer);
  placeAllInText(venue);
  return [
    { docId: 'freezer', doc: freezer, title: 'Freezer proposal' },
    { docId: 'venue', doc: venue, title: 'Spring fair' }
  ];
}

const names: Record<string, string> = { ana: 'Ana', ben: 'Ben', cy: 'Cy' };
const options = {
  workspaceName: 'Eastside Mutual Aid',
  linkOf: (docId: string) => `https://mutual.example/w/ws1/d/${docId}`,
  exportedAt: T0 + 86_400_000,
  memberName: (id: string) => names[id] ?? id
};

describe('decision log', () => {
  it('lists closed proposals, most recent first, with result and follow-up', () => {
    const log = decisionLog(workspace());
    expect(log.issues).toEqual([]);
    expect(log.value.map((e) => [e.proposalId, e.result, e.counted, e.followUpTasks, e.reviewDate])).toEqual([
      ['v1', 'Chosen: Park', 2, 0, null],
      ['p1', 'Passed', 2, 1, '2025-06-01']
    ]);
  });

  it("keeps each counted ballot: who, what and why — objections first (issue 16)", () => {
    const doc = new Y.Doc();
    createProposal(doc, { id: 'p', title: 'Close on Sundays', method: 'consent' }, act('ana'));
    openProposal(doc, 'p', {}, act('ana'));
    castBallot(doc, 'p', { choice: 'consent' }, act('ana'));
    castBallot(doc, 'p', { choice: 'object', reason: '  Sunday is when\nfamilies come ' }, act('ben'));
    castBallot(doc, 'p', { choice: 'concern', reason: 'Fewer volunteers' }, act('cy'));
    closeProposal(doc, 'p', {}, act('ana'));
    placeAllInText(doc);
    const [entry] = decisionLog([{ docId: 'd', doc, title: 'Rota' }]).value;
    expect(entry.counted).toBe(3);
    expect(entry.ballots).toEqual([
      { memberId: 'ben', choice: 'Object', choiceId: 'object', reason: 'Sunday is when\nfamilies come', blocking: true },
      { memberId: 'cy', choice: 'Concern', choiceId: 'concern', reason: 'Fewer volunteers', blocking: false },
      { memberId: 'ana', choice: 'Consent', choiceId: 'consent', reason: null, blocking: false }
    ]);
    const md = decisionLogMarkdown([entry], options);
    expect(md).toContain('- **Ballots counted:** 3\n  - Ben: Object — “Sunday is when families come”\n  - Cy: Concern — “Fewer volunteers”\n  - Ana: Consent\n');
    const csv = decisionLogCsv([entry], options);
    expect(csv.split('\r\n')[0]).toMatch(/,link,ballots$/);
    expect(csv).toContain(',Ben: Object — “Sunday is when families come”; Cy: Concern — “Fewer volunteers”; Ana: Consent\r\n');
  });

  it('describes score and ranked ballots by option', () => {
    const log = decisionLog(workspace()).value;
    expect(log[0].ballots).toEqual([
      { memberId: 'ana', choice: '1. Park, 2. Church hall', choiceId: null, reason: null, blocking: false },
      { memberId: 'ben', choice: '1. Park', choiceId: null, reason: null, blocking: false }
    ]);
  });

  it('exports Markdown (golden file)', () => {
    matchGolden('decision-log.md', decisionLogMarkdown(decisionLog(workspace()).value, options));
  });

  it('exports CSV (golden file): quoted fields, formula-looking text defused, CRLF', () => {
    matchGolden('decision-log.csv', decisionLogCsv(decisionLog(workspace()).value, options));
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('-1+2')).toBe("'-1+2");
    expect(csvField(3)).toBe('3');
  });

  it('an empty log still exports a header', () => {
    expect(decisionLogCsv([], options)).toBe('decided_at_utc,proposal,document,method,result,explanation,statement,ballots_counted,review_date,follow_up_tasks,link,ballots\r\n');
    expect(decisionLogMarkdown([], options)).toContain('0 decisions');
  });
});

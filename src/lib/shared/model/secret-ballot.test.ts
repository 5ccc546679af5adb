import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { MethodId } from './methods/index';
import { castBallot, closeProposal, createProposal, openProposal, reopenProposal, updateProposal, type BallotInput } from './proposal';
import { readProposal, type StoredBallot } from './proposal-read';
import { readTotals, totalsRecord, TOTALS_ROOT, totalsKey, type MemberAnswer } from './private-totals';
import { castSecretBallot, ownSecretBallot, secretBallotAggregator, withdrawSecretBallot } from './secret-ballot';
import { tallyProposal } from './tally';
import { errorCode, placeAllInText } from './test-support';
import { decisionEntriesOf, decisionLogCsv, decisionLogMarkdown } from './decision-log';
import type { ModelIssue } from './validate';
import { describeBlock } from '../export/blocks';
import { canonicalJson } from './validate';
import { mulberry32 } from '../../../../tests/fuzz/model-fuzz';

const DOC = 'doc1';
const P = 'p1';
const T0 = 1_000_000;
const DEADLINE = T0 + 60_000;
const options = [
  { id: 'a', label: 'Ana' },
  { id: 'b', label: 'Ben' },
  { id: 'c', label: 'Cy' }
];

/** A proposal document with one open proposal of `method` (secret or not). */
function proposalDoc(method: MethodId, secret: boolean, liveResults = false): Y.Doc {
  const doc = new Y.Doc();
  createProposal(doc, { id: P, title: 'Who holds the money', method, options: method === 'score' || method === 'ranked-choice' ? options : [], deadline: DEADLINE, secret, liveResults }, { memberId: 'm1', at: T0 });
  openProposal(doc, P, {}, { memberId: 'm1', at: T0 });
  return doc;
}

/** What the relay does: gather answers, aggregate, write the record into the server root. */
function publish(target: Y.Doc, answers: MemberAnswer<StoredBallot>[]): void {
  const state = secretBallotAggregator.targetState(target, P);
  if (state === null) return;
  const previous = readTotals(target, 'ballot', P);
  const result = secretBallotAggregator.aggregate({ docId: DOC, subject: P, target, answers, previous, now: T0 });
  target.getMap(TOTALS_ROOT).set(totalsKey('ballot', P), totalsRecord('ballot', P, state, result));
}

/** Members cast `ballots` secretly: each into their own private document; returns the relay's input. */
function castAll(target: Y.Doc, ballots: Record<string, BallotInput>): MemberAnswer<StoredBallot>[] {
  return Object.entries(ballots).map(([memberId, input], i) => {
    const own = new Y.Doc();
    const answer = castSecretBallot(target, own, DOC, P, input, { memberId, at: T0 + 1000 + i });
    expect(ownSecretBallot(own, DOC, P)).toEqual(answer);
    return { memberId, answer };
  });
}

const cases: Array<[MethodId, Record<string, BallotInput>]> = [
  ['consent', { m1: { choice: 'consent' }, m2: { choice: 'concern', reason: 'cost' }, m3: { choice: 'object', reason: 'unsafe' }, m4: { choice: 'consent' } }],
  ['consensus', { m1: { choice: 'agree' }, m2: { choice: 'stand-aside' }, m3: { choice: 'agree' } }],
  ['majority', { m1: { choice: 'yes' }, m2: { choice: 'no' }, m3: { choice: 'yes' }, m4: { choice: 'abstain' } }],
  ['score', { m1: { scores: { a: 5, b: 1 } }, m2: { scores: { a: 2, b: 4, c: 3 } }, m3: { scores: { c: 5 } } }],
  ['ranked-choice', { m1: { ranking: ['a', 'b'] }, m2: { ranking: ['b', 'a'] }, m3: { ranking: ['c', 'b'] }, m4: { ranking: ['a'] }, m5: { ranking: ['b', 'c'] } }]
];

describe('secret ballots: totals for every method', () => {
  for (const [method, ballots] of cases) {
    it(`${method}: the frozen outcome equals an open ballot's with the same votes, and holds no ballot`, () => {
      const open = proposalDoc(method, false);
      for (const [memberId, input] of Object.entries(ballots)) castBallot(open, P, input, { memberId, at: T0 + 1000 });
      closeProposal(open, P, {}, { memberId: 'm1', at: T0 + 5000 });
      const expected = tallyProposal(open, P).value!.result!;

      const secret = proposalDoc(method, true);
      publish(secret, castAll(secret, ballots));
      closeProposal(secret, P, {}, { memberId: 'm1', at: T0 + 5000 });
      expect(tallyProposal(secret, P).value!.secret!.counting).toBe(true);
      publish(secret, castAll(secret, {}).concat(castAllAgain(secret, ballots)));
      const tally = tallyProposal(secret, P).value!;
      expect(tally.ballots).toEqual([]);
      expect(tally.result).toEqual(expected);
      expect(tally.secret!.voters).toEqual(Object.keys(ballots).sort());
      expect(tally.secret!.outcome!.signatures).toBe(Object.keys(ballots).length);
      // No ballot anywhere in the shared document: not a choice, not a reason.
      const shared = JSON.stringify(secret.toJSON());
      for (const input of Object.values(ballots)) if (input.reason) expect(shared).not.toContain(input.reason);
      expect(readProposal(secret, P).value!.outcome!.counted).toEqual({});
    });
  }
});

/** The same ballots again (the relay reads every private document at close). */
function castAllAgain(target: Y.Doc, ballots: Record<string, BallotInput>): MemberAnswer<StoredBallot>[] {
  return Object.entries(ballots).map(([memberId, input], i) => ({ memberId, answer: { ...input, castAt: T0 + 1000 + i } as StoredBallot }));
}

describe('secret ballots: what is published, and when', () => {
  it('while open: who voted, never totals unless the group chose them — and then only from 3 ballots', () => {
    const hidden = proposalDoc('majority', true);
    publish(hidden, castAll(hidden, { m1: { choice: 'yes' }, m2: { choice: 'no' }, m3: { choice: 'yes' } }));
    expect(tallyProposal(hidden, P).value!.secret!.voters).toEqual(['m1', 'm2', 'm3']);
    expect(tallyProposal(hidden, P).value!.result).toBeNull();
    expect(readTotals(hidden, 'ballot', P)!.totals).toBeNull();

    const live = proposalDoc('majority', true, true);
    publish(live, castAll(live, { m1: { choice: 'yes' }, m2: { choice: 'no' } }));
    expect(readTotals(live, 'ballot', P)!.totals, 'two ballots: nothing to deduce from').toBeNull();
    expect(tallyProposal(live, P).value!.secret!.count).toBe(2);
    publish(live, castAll(live, { m1: { choice: 'yes' }, m2: { choice: 'no' }, m3: { choice: 'yes' } }));
    expect(tallyProposal(live, P).value!.result!.counts).toEqual({ yes: 2, no: 1, abstain: 0 });
    expect(tallyProposal(live, P).value!.result!.final).toBe(false);
  });

  it('live results move in steps: a fourth ballot, a changed ballot or a withdrawal shows nothing new; three more ballots show them all', () => {
    const doc = proposalDoc('majority', true, true);
    const ballots: Record<string, BallotInput> = { m1: { choice: 'yes' }, m2: { choice: 'no' }, m3: { choice: 'yes' } };
    publish(doc, castAll(doc, ballots));
    const first = tallyProposal(doc, P).value!.result!;
    expect(first.counts).toEqual({ yes: 2, no: 1, abstain: 0 });
    // One more ballot: the list of voters names her, so totals moving now would show her vote.
    publish(doc, castAll(doc, { ...ballots, m4: { choice: 'no' } }));
    expect(tallyProposal(doc, P).value!.secret!.voters).toEqual(['m1', 'm2', 'm3', 'm4']);
    expect(tallyProposal(doc, P).value!.result).toEqual(first);
    publish(doc, castAll(doc, { ...ballots, m1: { choice: 'no' }, m4: { choice: 'no' } }));
    expect(tallyProposal(doc, P).value!.result, 'a changed ballot alone').toEqual(first);
    publish(doc, castAll(doc, { m1: { choice: 'no' }, m3: { choice: 'yes' }, m4: { choice: 'no' } }));
    expect(tallyProposal(doc, P).value!.result, 'a withdrawal alone').toEqual(first);
    // Three ballots more than the last result covered: recounted over every ballot now.
    const now = { m1: { choice: 'no' }, m3: { choice: 'yes' }, m4: { choice: 'no' }, m5: { choice: 'yes' }, m6: { choice: 'abstain' }, m7: { choice: 'no' } } satisfies Record<string, BallotInput>;
    publish(doc, castAll(doc, now));
    expect(tallyProposal(doc, P).value!.result!.counts).toEqual({ yes: 2, no: 3, abstain: 1 });
    expect(tallyProposal(doc, P).value!.result!.countedMembers).toEqual(['m1', 'm3', 'm4', 'm5', 'm6', 'm7']);
  });

  it('any two live results the group sees differ by at least 3 new ballots, whatever the order of ballots, changes and withdrawals', () => {
    const choices = ['yes', 'no', 'abstain'] as const;
    for (let seed = 1; seed <= 100; seed++) {
      const random = mulberry32(seed);
      const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
      const doc = proposalDoc('majority', true, true);
      const current = new Map<string, BallotInput>();
      let shown = canonicalJson(null);
      let newSince = 0;
      for (let step = 0; step < 40; step++) {
        const roll = random();
        const absent = Array.from({ length: 12 }, (_, i) => `m${i}`).filter((m) => !current.has(m));
        if ((roll < 0.5 || current.size === 0) && absent.length > 0) {
          current.set(pick(absent), { choice: pick(choices) });
          newSince += 1;
        } else if (roll < 0.8 && current.size > 0) current.set(pick([...current.keys()]), { choice: pick(choices) }); // a change
        else if (current.size > 0) current.delete(pick([...current.keys()])); // a withdrawal
        publish(doc, castAll(doc, Object.fromEntries(current)));
        const now = canonicalJson(tallyProposal(doc, P).value!.result?.counts ?? null);
        if (now === shown) continue;
        expect(newSince, `seed ${seed}, step ${step}: totals moved after ${newSince} new ballots`).toBeGreaterThanOrEqual(3);
        shown = now;
        newSince = 0;
      }
    }
    // 4,000 publishes, each signing every current ballot again: about 3 s on an idle 2-core
    // machine, more under the suite's parallel load (it ran past vitest's 5 s default at load 5).
  }, 60_000);

  it('a ballot cast after the deadline, or not accepted by the method, does not count', () => {
    const doc = proposalDoc('majority', true);
    const answers = castAll(doc, { m1: { choice: 'yes' }, m2: { choice: 'no' } });
    answers.push({ memberId: 'm3', answer: { choice: 'yes', castAt: DEADLINE + 1 } }, { memberId: 'm4', answer: { choice: 'maybe', castAt: T0 } });
    publish(doc, answers);
    expect(tallyProposal(doc, P).value!.secret!.voters).toEqual(['m1', 'm2']);
  });

  it('the outcome is frozen at the first close the relay sees; a reopen and a new close freeze another', () => {
    const doc = proposalDoc('majority', true);
    const first = castAll(doc, { m1: { choice: 'yes' }, m2: { choice: 'yes' }, m3: { choice: 'no' } });
    closeProposal(doc, P, {}, { memberId: 'm1', at: T0 + 5000 });
    publish(doc, first);
    expect(tallyProposal(doc, P).value!.result!.passed).toBe(true);
    // Later answers (a changed ballot arriving after close) change nothing.
    publish(doc, [{ memberId: 'm1', answer: { choice: 'no', castAt: T0 + 2000 } }, ...first.slice(1)]);
    expect(tallyProposal(doc, P).value!.result!.passed).toBe(true);
    reopenProposal(doc, P, { reason: 'new facts' }, { memberId: 'm1', at: T0 + 6000 });
    expect(tallyProposal(doc, P).value!.result).toBeNull();
    const second: MemberAnswer<StoredBallot>[] = [
      { memberId: 'm1', answer: { choice: 'no', castAt: T0 + 7000 } },
      { memberId: 'm2', answer: { choice: 'no', castAt: T0 + 7000 } },
      { memberId: 'm3', answer: { choice: 'no', castAt: T0 + 7000 } }
    ];
    publish(doc, second);
    closeProposal(doc, P, {}, { memberId: 'm2', at: T0 + 8000 });
    publish(doc, second);
    expect(tallyProposal(doc, P).value!.result!.passed).toBe(false);
    expect(Object.keys(readTotals(doc, 'ballot', P)!.closes as object)).toHaveLength(2);
  });
});

describe('secret ballots: the model', () => {
  it('is set in the draft and fixed by the open entry; an open ballot is refused', () => {
    const doc = new Y.Doc();
    createProposal(doc, { id: P, title: 'T', method: 'majority', deadline: DEADLINE }, { memberId: 'm1', at: T0 });
    updateProposal(doc, P, { secret: true }, { memberId: 'm1' });
    openProposal(doc, P, {}, { memberId: 'm1', at: T0 });
    expect(readProposal(doc, P).value!.secret).toBe(true);
    expect(errorCode(() => updateProposal(doc, P, { secret: false }, { memberId: 'm1' }))).toBe('not-draft');
    // A modified client flipping the draft key after opening changes nothing.
    (doc.getMap('blocks').get(P) as Y.Map<unknown>).set('secret', false);
    expect(readProposal(doc, P).value!.secret).toBe(true);
    expect(errorCode(() => castBallot(doc, P, { choice: 'yes' }, { memberId: 'm2', at: T0 }))).toBe('secret-ballot');
    // A ballot written into the shared document anyway is ignored, never counted.
    ((doc.getMap('blocks').get(P) as Y.Map<unknown>).get('ballots') as Y.Map<unknown>).set('m2', { choice: 'yes', castAt: T0 });
    expect(readProposal(doc, P).value!.ballots.size).toBe(0);
  });

  it('a secret ballot is checked like any ballot, and can be withdrawn while open', () => {
    const doc = proposalDoc('consent', true);
    const own = new Y.Doc();
    expect(errorCode(() => castSecretBallot(doc, own, DOC, P, { choice: 'object' }, { memberId: 'm2', at: T0 }))).toBe('reason-required');
    expect(errorCode(() => castSecretBallot(doc, own, DOC, P, { choice: 'consent' }, { memberId: 'm2', at: DEADLINE + 1 }))).toBe('deadline-passed');
    castSecretBallot(doc, own, DOC, P, { choice: 'consent' }, { memberId: 'm2', at: T0 });
    withdrawSecretBallot(doc, own, DOC, P, { memberId: 'm2' });
    expect(ownSecretBallot(own, DOC, P)).toBeNull();
    const open = proposalDoc('consent', false);
    expect(errorCode(() => castSecretBallot(open, own, DOC, P, { choice: 'consent' }, { memberId: 'm2', at: T0 }))).toBe('invalid-input');
  });
});

describe('secret ballots in the decision log and its exports', () => {
  it('say "secret ballot" and the totals, and name nobody’s choice', () => {
    const doc = proposalDoc('consent', true);
    (doc.getMap('blocks').get(P) as Y.Map<unknown>).set('title', 'Treasurer');
    placeAllInText(doc);
    const answers = castAll(doc, { m1: { choice: 'consent' }, m2: { choice: 'object', reason: 'Private-reason-x' }, m3: { choice: 'consent' } });
    closeProposal(doc, P, {}, { memberId: 'm1', at: T0 + 5000 });
    const issues: ModelIssue[] = [];
    expect(decisionEntriesOf({ docId: DOC, doc, title: 'Votes' }, issues), 'not listed before the relay has counted').toEqual([]);
    publish(doc, answers);
    const [entry] = decisionEntriesOf({ docId: DOC, doc, title: 'Votes' }, issues);
    expect(entry).toMatchObject({ secret: true, result: 'Did not pass', counted: 3, ballots: [], totals: 'Consent 2, Concern 0, Object 1' });
    const options = { workspaceName: 'W', linkOf: (d: string) => `https://x/${d}`, exportedAt: T0 };
    const markdown = decisionLogMarkdown([entry!], options);
    expect(markdown).toContain('- Secret ballot — totals: Consent 2, Concern 0, Object 1. How each person voted is not recorded.');
    const csv = decisionLogCsv([entry!], options);
    expect(csv).toContain('Secret ballot — totals: Consent 2, Concern 0, Object 1');
    // A document export of the proposal block says it too, with the relay's totals.
    const block = describeBlock(doc, 'proposal', P).details;
    expect(block).toContain('Secret ballot: who voted is shown, not how');
    expect(block).toContain('Signed ballots counted: 3');
    expect(block).toContain('Result: Concern 0, Consent 2, Object 1');
    for (const text of [markdown, csv, block.join('\n')]) for (const leak of ['Private-reason-x', 'm1:', 'm2:', 'm3:']) expect(text).not.toContain(leak);
  });
});

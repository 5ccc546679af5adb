import { describe, expect, it } from 'vitest';
import { METHODS, getMethod, isMethodId, type BallotContent, type MethodConfig } from './index';

const none: MethodConfig = { options: [], standAsideLimit: null };
const choices = (...cs: string[]): BallotContent[] => cs.map((choice) => ({ choice, reason: 'because' }));

describe('consent', () => {
  const m = getMethod('consent');
  it('passes with no objection, concerns recorded', () => {
    const r = m.decide(choices('consent', 'concern', 'consent'), none);
    expect(r.passed).toBe(true);
    expect(r.counts).toEqual({ consent: 2, concern: 1, object: 0 });
    expect(r.explanation).toMatch(/1 concern/);
  });
  it('fails on one objection', () => {
    expect(m.decide(choices('consent', 'object'), none).passed).toBe(false);
  });
  it('passes with no ballots (silence is consent; quorum is applied by the tally)', () => {
    expect(m.decide([], none).passed).toBe(true);
  });
  it('requires a reason to object, not to consent', () => {
    expect(m.checkBallot({ choice: 'object' }, none)?.code).toBe('reason-required');
    expect(m.checkBallot({ choice: 'object', reason: '   ' }, none)?.code).toBe('reason-required');
    expect(m.checkBallot({ choice: 'object', reason: 'unsafe' }, none)).toBeNull();
    expect(m.checkBallot({ choice: 'concern' }, none)).toBeNull();
  });
  it('refuses unknown choices', () => {
    expect(m.checkBallot({ choice: 'yes' }, none)?.code).toBe('unknown-choice');
    expect(m.checkBallot({}, none)?.code).toBe('unknown-choice');
  });
});

describe('consensus', () => {
  const m = getMethod('consensus');
  it('passes with an agree and no block', () => {
    expect(m.decide(choices('agree', 'stand-aside'), none).passed).toBe(true);
  });
  it('fails on a block', () => {
    const r = m.decide(choices('agree', 'agree', 'block'), none);
    expect(r.passed).toBe(false);
    expect(r.explanation).toMatch(/Blocked/);
  });
  it('fails when nobody agrees (all stand aside, or nobody voted)', () => {
    expect(m.decide(choices('stand-aside', 'stand-aside'), none).passed).toBe(false);
    expect(m.decide([], none).passed).toBe(false);
  });
  it('fails with more stand-asides than the limit', () => {
    const cfg = { options: [], standAsideLimit: 1 };
    expect(m.decide(choices('agree', 'stand-aside'), cfg).passed).toBe(true);
    expect(m.decide(choices('agree', 'stand-aside', 'stand-aside'), cfg).passed).toBe(false);
  });
  it('requires a reason to block', () => {
    expect(m.checkBallot({ choice: 'block' }, none)?.code).toBe('reason-required');
    expect(m.checkBallot({ choice: 'stand-aside' }, none)).toBeNull();
  });
});

describe('majority', () => {
  const m = getMethod('majority');
  it('passes when yes outnumbers no; abstentions excluded', () => {
    expect(m.decide(choices('yes', 'abstain', 'abstain', 'abstain'), none).passed).toBe(true);
  });
  it('fails on a tie', () => {
    const r = m.decide(choices('yes', 'no', 'abstain'), none);
    expect(r.passed).toBe(false);
    expect(r.explanation).toMatch(/Tie/);
  });
  it('fails with no ballots', () => {
    expect(m.decide([], none).passed).toBe(false);
  });
  it('fails when no outnumbers yes', () => {
    expect(m.decide(choices('yes', 'no', 'no'), none).passed).toBe(false);
  });
});

const abc: MethodConfig = {
  options: [
    { id: 'a', label: 'Alpha' },
    { id: 'b', label: 'Beta' },
    { id: 'c', label: 'Gamma' }
  ],
  standAsideLimit: null
};

describe('score', () => {
  const m = getMethod('score');
  it('the highest total wins; unscored counts 0', () => {
    const r = m.decide([{ scores: { a: 5, b: 3 } }, { scores: { a: 1, b: 4, c: 5 } }], abc);
    expect(r.counts).toEqual({ a: 6, b: 7, c: 5 });
    expect(r.winner).toBe('b');
    expect(r.passed).toBe(true);
  });
  it('a tie at the top is no decision', () => {
    const r = m.decide([{ scores: { a: 5, b: 5 } }], abc);
    expect(r.passed).toBe(false);
    expect(r.winner).toBeNull();
    expect(r.explanation).toMatch(/Tie between "Alpha", "Beta"/);
  });
  it('checks ballots: known options, whole numbers 0–5', () => {
    expect(m.checkBallot({ scores: { a: 6 } }, abc)?.code).toBe('invalid-input');
    expect(m.checkBallot({ scores: { a: 2.5 } }, abc)?.code).toBe('invalid-input');
    expect(m.checkBallot({ scores: { z: 1 } }, abc)?.code).toBe('unknown-choice');
    expect(m.checkBallot({ choice: 'yes' }, abc)?.code).toBe('invalid-input');
    expect(m.checkBallot({ scores: {} }, abc)).toBeNull();
  });
  it('needs at least two options', () => {
    expect(m.checkConfig({ options: [{ id: 'a', label: 'A' }], standAsideLimit: null })).toMatch(/two options/);
    expect(m.checkConfig(abc)).toBeNull();
  });
});

describe('ranked choice (instant runoff)', () => {
  const m = getMethod('ranked-choice');
  const r = (...rankings: string[]): BallotContent[] => rankings.map((s) => ({ ranking: s.split('') }));
  it('a first-round majority wins at once', () => {
    const out = m.decide(r('ab', 'ac', 'ba'), abc);
    expect(out.winner).toBe('a');
    expect(out.rounds).toHaveLength(1);
  });
  it('eliminates the last-placed option and transfers its ballots', () => {
    // Round 1: a 2, b 2, c 1 → c out; its ballot goes to b → b 3 of 5.
    const out = m.decide(r('a', 'a', 'b', 'b', 'cb'), abc);
    expect(out.rounds).toEqual([{ a: 2, b: 2, c: 1 }, { a: 2, b: 3 }]);
    expect(out.winner).toBe('b');
  });
  it('breaks a last-place tie by the earlier round', () => {
    // Round 1: a 3, b 2, c 2, d 0 → d out. Round 2 identical for b, c: tied; round 1 too → both out together.
    const cfg: MethodConfig = { options: [...abc.options, { id: 'd', label: 'Delta' }], standAsideLimit: null };
    const out = m.decide(r('a', 'a', 'a', 'b', 'b', 'ca', 'c'), cfg);
    expect(out.winner).toBe('a');
    // Earlier-round tie-break: round 2 has b 2, c 2 (after d's 0); round 1 had b 2, c 2 too.
    // Now make c stronger in round 1 via an option eliminated later.
    const out2 = m.decide(r('a', 'a', 'a', 'b', 'b', 'db', 'c', 'c'), cfg);
    // Round 1: a3 b2 c2 d1 → d out; round 2: a3 b3 c2 → c out; round 3: a3 b3 (c's ballots exhausted),
    // tied for last → round 2 tied too → round 1 had b 2 < a 3 → b out; round 4: a wins.
    expect(out2.rounds).toHaveLength(4);
    expect(out2.winner).toBe('a');
  });
  it('uses the earlier round to decide who goes out', () => {
    const cfg: MethodConfig = { options: [...abc.options, { id: 'd', label: 'Delta' }], standAsideLimit: null };
    // Round 1: a 4, b 2, c 3, d 1 → d out (to b). Round 2: a 4, b 3, c 3: tie for last; round 1 had b 2 < c 3 → b out.
    const out = m.decide(r('a', 'a', 'a', 'a', 'b', 'b', 'c', 'c', 'c', 'db'), cfg);
    expect(out.rounds![1]).toEqual({ a: 4, b: 3, c: 3 });
    expect(Object.keys(out.rounds![2]).sort()).toEqual(['a', 'c']);
  });
  it('all remaining tied is no decision', () => {
    const out = m.decide(r('a', 'b', 'c'), abc);
    expect(out.passed).toBe(false);
    expect(out.winner).toBeNull();
  });
  it('checks ballots: known, unique options', () => {
    expect(m.checkBallot({ ranking: ['a', 'a'] }, abc)?.code).toBe('invalid-input');
    expect(m.checkBallot({ ranking: ['z'] }, abc)?.code).toBe('unknown-choice');
    expect(m.checkBallot({ ranking: [] }, abc)).toBeNull();
  });
  it('no ballots ranking anything is no decision', () => {
    expect(m.decide(r(''), abc).passed).toBe(false);
  });
});

describe('registry', () => {
  it('has every method by id', () => {
    for (const [id, m] of Object.entries(METHODS)) {
      expect(isMethodId(id)).toBe(true);
      expect(m.id).toBe(id);
      expect(m.rule.length).toBeGreaterThan(20);
    }
    expect(isMethodId('approval')).toBe(false);
  });
});

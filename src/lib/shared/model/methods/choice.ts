/**
 * Choice methods: each ballot picks one of a fixed list of choices.
 * consent (consent / concern / object), consensus (agree / stand aside / block),
 * majority (yes / no / abstain).
 */
import { explain, part, type ResultPart } from './reasons';
import type { BallotContent, BallotProblem, DecisionMethod, MethodConfig, MethodId, MethodOutcome } from './types';

interface ChoiceMethodDef {
  id: MethodId;
  label: string;
  rule: string;
  choices: readonly string[];
  blockingChoices: readonly string[];
  decide(counts: Record<string, number>, config: MethodConfig): { passed: boolean; explanation: string; parts: ResultPart[] };
}

/** Build a choice method from its choices and its passing rule over counts. */
function choiceMethod(def: ChoiceMethodDef): DecisionMethod {
  return {
    id: def.id,
    label: def.label,
    rule: def.rule,
    choices: def.choices,
    blockingChoices: def.blockingChoices,
    usesOptions: false,
    checkConfig: () => null,
    checkBallot(ballot: BallotContent): BallotProblem | null {
      if (typeof ballot.choice !== 'string' || !def.choices.includes(ballot.choice)) {
        return { code: 'unknown-choice', reason: `"${String(ballot.choice)}" is not a choice of ${def.label} (${def.choices.join(', ')}).` };
      }
      if (ballot.reason !== undefined && typeof ballot.reason !== 'string') {
        return { code: 'invalid-input', reason: 'The reason must be text.' };
      }
      if (def.blockingChoices.includes(ballot.choice) && !(ballot.reason ?? '').trim()) {
        return { code: 'reason-required', reason: `Choosing "${ballot.choice}" needs a reason, so the group can respond to it.` };
      }
      return null;
    },
    decide(ballots: readonly BallotContent[], config: MethodConfig): MethodOutcome {
      const counts: Record<string, number> = {};
      for (const c of def.choices) counts[c] = 0;
      for (const b of ballots) if (b.choice !== undefined && b.choice in counts) counts[b.choice] += 1;
      const { passed, explanation, parts } = def.decide(counts, config);
      return { passed, winner: null, counts, explanation, parts };
    }
  };
}

/** Consent: passes when nobody objects (silence and concerns do not stop it). */
export const consent: DecisionMethod = choiceMethod({
  id: 'consent',
  label: 'Consent',
  rule: 'Passes when no counted ballot objects (and the quorum, if any, is met). Concerns are recorded but do not stop it. An objection needs a reason.',
  choices: ['consent', 'concern', 'object'],
  blockingChoices: ['object'],
  decide(c) {
    if (c.object > 0) return { passed: false, ...explain(part('result_objections', { count: c.object })) };
    return { passed: true, ...explain(c.concern > 0 ? part('result_no_objections_concerns', { count: c.concern }) : part('result_no_objections')) };
  }
});

/** Consensus: passes with at least one agree and no block (optionally, not too many stand-asides). */
export const consensus: DecisionMethod = choiceMethod({
  id: 'consensus',
  label: 'Consensus',
  rule: 'Passes when at least one counted ballot agrees and none blocks (and the quorum, if any, is met). If the proposal sets a stand-aside limit, more stand-asides than the limit also fail it. A block needs a reason.',
  choices: ['agree', 'stand-aside', 'block'],
  blockingChoices: ['block'],
  decide(c, config) {
    if (c.block > 0) return { passed: false, ...explain(part('result_blocked', { count: c.block })) };
    if (c.agree === 0) return { passed: false, ...explain(part('result_nobody_agreed')) };
    if (config.standAsideLimit !== null && c['stand-aside'] > config.standAsideLimit) {
      return { passed: false, ...explain(part('result_too_many_stand_asides', { count: c['stand-aside'], limit: config.standAsideLimit })) };
    }
    return { passed: true, ...explain(part('result_agrees_no_blocks', { count: c.agree })) };
  }
});

/** Majority: passes when yes outnumbers no; abstentions are left out; a tie fails. */
export const majority: DecisionMethod = choiceMethod({
  id: 'majority',
  label: 'Majority',
  rule: 'Passes when counted yes ballots outnumber no ballots (and the quorum, if any, is met). Abstentions count towards the quorum but not the majority. A tie fails.',
  choices: ['yes', 'no', 'abstain'],
  blockingChoices: [],
  decide(c) {
    const counts = { yes: c.yes, no: c.no };
    if (c.yes > c.no) return { passed: true, ...explain(part('result_yes_to_no', counts)) };
    if (c.yes === c.no) return { passed: false, ...explain(part('result_tie_yes_no', counts)) };
    return { passed: false, ...explain(part('result_no_to_yes', counts)) };
  }
});

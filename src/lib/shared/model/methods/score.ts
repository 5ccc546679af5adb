/**
 * Score voting: each ballot gives every option 0–5; the option with the highest
 * total wins. A tie at the top is no decision (the group talks again) rather
 * than an arbitrary pick.
 */
import { checkOptions, labelsOf } from './options';
import { explain, part } from './reasons';
import type { BallotContent, BallotProblem, DecisionMethod, MethodConfig, MethodOutcome } from './types';

/** Highest score a ballot may give an option. */
export const MAX_SCORE = 5;

export const score: DecisionMethod = {
  id: 'score',
  label: 'Score',
  rule: `Each ballot scores every option from 0 to ${MAX_SCORE} (an option left unscored counts as 0). The option with the highest total wins, if the quorum (if any) is met. A tie for the highest total is no decision.`,
  choices: null,
  blockingChoices: [],
  usesOptions: true,
  checkConfig: checkOptions,
  checkBallot(ballot: BallotContent, config: MethodConfig): BallotProblem | null {
    const scores = ballot.scores;
    if (typeof scores !== 'object' || scores === null || Array.isArray(scores)) {
      return { code: 'invalid-input', reason: 'A score ballot needs a score per option.' };
    }
    const known = new Set(config.options.map((o) => o.id));
    for (const [option, value] of Object.entries(scores)) {
      if (!known.has(option)) return { code: 'unknown-choice', reason: `"${option}" is not an option of this proposal.` };
      if (!Number.isInteger(value) || value < 0 || value > MAX_SCORE) {
        return { code: 'invalid-input', reason: `Scores are whole numbers from 0 to ${MAX_SCORE}.` };
      }
    }
    return null;
  },
  decide(ballots: readonly BallotContent[], config: MethodConfig): MethodOutcome {
    const counts: Record<string, number> = {};
    for (const o of config.options) counts[o.id] = 0;
    for (const b of ballots) for (const [option, value] of Object.entries(b.scores ?? {})) if (option in counts) counts[option] += value;
    if (config.options.length === 0) return { passed: false, winner: null, counts, ...explain(part('result_no_options')) };
    const top = Math.max(...Object.values(counts));
    const leaders = config.options.map((o) => o.id).filter((id) => counts[id] === top);
    if (leaders.length > 1) {
      return { passed: false, winner: null, counts, ...explain(part('result_score_tie', { labels: labelsOf(config, leaders), points: top })) };
    }
    return { passed: true, winner: leaders[0], counts, ...explain(part('result_score_highest', { labels: labelsOf(config, leaders), points: top })) };
  }
};

/**
 * Ranked choice (instant runoff). Each ballot ranks some or all options. Each
 * round counts every ballot for its highest-ranked option still in the race;
 * an option with more than half of those votes wins; otherwise the last-placed
 * option is eliminated and its ballots move to their next choice.
 *
 * Ties for last place: the option with fewer votes in the most recent earlier
 * round where they differ is eliminated; options tied in every round are
 * eliminated together; if that would eliminate every remaining option, the
 * result is a tie (no decision). No lot drawing: every replica must reach the
 * same result and a group should see why.
 */
import { checkOptions, labelsOf } from './options';
import { explain, part } from './reasons';
import type { BallotContent, BallotProblem, DecisionMethod, MethodConfig, MethodOutcome } from './types';

export const rankedChoice: DecisionMethod = {
  id: 'ranked-choice',
  label: 'Ranked choice',
  rule: 'Instant runoff: each round counts every ballot for its highest-ranked option still in the race. An option with more than half of these votes wins. Otherwise the last-placed option is eliminated (ties broken by earlier rounds; options tied throughout go out together) and the rounds continue. If all remaining options are tied, there is no decision.',
  choices: null,
  blockingChoices: [],
  usesOptions: true,
  checkConfig: checkOptions,
  checkBallot(ballot: BallotContent, config: MethodConfig): BallotProblem | null {
    const ranking = ballot.ranking;
    if (!Array.isArray(ranking)) return { code: 'invalid-input', reason: 'A ranked ballot needs a ranking of options.' };
    const known = new Set(config.options.map((o) => o.id));
    const seen = new Set<string>();
    for (const option of ranking) {
      if (typeof option !== 'string' || !known.has(option)) {
        return { code: 'unknown-choice', reason: `"${String(option)}" is not an option of this proposal.` };
      }
      if (seen.has(option)) return { code: 'invalid-input', reason: 'An option appears twice in the ranking.' };
      seen.add(option);
    }
    return null;
  },
  decide(ballots: readonly BallotContent[], config: MethodConfig): MethodOutcome {
    const remaining = new Set(config.options.map((o) => o.id));
    const rounds: Record<string, number>[] = [];
    while (remaining.size > 0) {
      const counts: Record<string, number> = {};
      for (const id of remaining) counts[id] = 0;
      let continuing = 0;
      for (const b of ballots) {
        const first = (b.ranking ?? []).find((id) => remaining.has(id));
        if (first !== undefined) {
          counts[first] += 1;
          continuing += 1;
        }
      }
      rounds.push(counts);
      if (continuing === 0) {
        return { passed: false, winner: null, counts, rounds, ...explain(part('result_ranked_none')) };
      }
      const order = [...remaining];
      const top = Math.max(...order.map((id) => counts[id]));
      if (top * 2 > continuing) {
        const winner = order.find((id) => counts[id] === top)!;
        return {
          passed: true,
          winner,
          counts,
          rounds,
          ...explain(part('result_ranked_won', { labels: labelsOf(config, [winner]), round: rounds.length, votes: top, total: continuing }))
        };
      }
      const eliminate = lastPlaced(order, rounds);
      if (eliminate.length === remaining.size) {
        return { passed: false, winner: null, counts, rounds, ...explain(part('result_ranked_tie', { labels: labelsOf(config, order) })) };
      }
      for (const id of eliminate) remaining.delete(id);
    }
    return { passed: false, winner: null, counts: {}, rounds, ...explain(part('result_no_options')) };
  }
};

/** Options to eliminate after the latest round: fewest votes, ties broken by earlier rounds. */
function lastPlaced(remaining: readonly string[], rounds: readonly Record<string, number>[]): string[] {
  let tied = [...remaining];
  for (let r = rounds.length - 1; r >= 0 && tied.length > 1; r--) {
    const low = Math.min(...tied.map((id) => rounds[r][id] ?? 0));
    tied = tied.filter((id) => (rounds[r][id] ?? 0) === low);
  }
  return tied;
}

/**
 * Why a proposal's result is what it is, in the chosen language (issue 21): the structured
 * parts the tally gives (and a closed proposal's outcome records: shared/model/methods/reasons.ts)
 * rendered with the `result_*` messages. A result without parts (a proposal closed by an older
 * client), or with a part this build does not know, shows its stored sentence as recorded.
 */
import { RESULT_KEYS, type ResultKey, type ResultPart } from '../shared/model/methods/reasons.ts';
import { m } from '../paraglide/messages.js';

type Render = (params: Record<string, string | number>) => string;

/**
 * The messages by key, named one by one: looking a key up in `m` itself (`m[key]`) made the
 * bundler keep every message of the app (≈ 60 KB gzipped) in the proposal view's chunk, on the
 * document page's first paint (issue 25).
 */
const MESSAGES = {
  result_objections: m.result_objections,
  result_no_objections: m.result_no_objections,
  result_no_objections_concerns: m.result_no_objections_concerns,
  result_blocked: m.result_blocked,
  result_nobody_agreed: m.result_nobody_agreed,
  result_too_many_stand_asides: m.result_too_many_stand_asides,
  result_agrees_no_blocks: m.result_agrees_no_blocks,
  result_yes_to_no: m.result_yes_to_no,
  result_tie_yes_no: m.result_tie_yes_no,
  result_no_to_yes: m.result_no_to_yes,
  result_no_options: m.result_no_options,
  result_score_tie: m.result_score_tie,
  result_score_highest: m.result_score_highest,
  result_ranked_none: m.result_ranked_none,
  result_ranked_won: m.result_ranked_won,
  result_ranked_tie: m.result_ranked_tie,
  result_quorum_unknown: m.result_quorum_unknown,
  result_quorum_nobody: m.result_quorum_nobody,
  result_quorum_not_met: m.result_quorum_not_met,
  result_nobody_voted: m.result_nobody_voted,
} satisfies Record<ResultKey, unknown>;

/** The explanation of `result` in the chosen language. */
export function resultExplanation(result: { explanation: string; parts?: readonly ResultPart[] }): string {
  const { parts } = result;
  if (!parts || parts.length === 0 || !parts.every((p) => RESULT_KEYS.includes(p.key))) return result.explanation;
  return parts.map((p) => (MESSAGES[p.key] as unknown as Render)(p.params)).join(' ');
}

/**
 * Why a proposal's result is what it is, in the chosen language (issue 21): the structured
 * parts the tally gives (and a closed proposal's outcome records: shared/model/methods/reasons.ts)
 * rendered with the `result_*` messages. A result without parts (a proposal closed by an older
 * client), or with a part this build does not know, shows its stored sentence as recorded.
 */
import { RESULT_KEYS, type ResultPart } from '../shared/model/methods/reasons.ts';
import { m } from '../paraglide/messages.js';

type Render = (params: Record<string, string | number>) => string;

/** The explanation of `result` in the chosen language. */
export function resultExplanation(result: { explanation: string; parts?: readonly ResultPart[] }): string {
  const { parts } = result;
  if (!parts || parts.length === 0 || !parts.every((p) => RESULT_KEYS.includes(p.key))) return result.explanation;
  return parts.map((p) => (m[p.key] as unknown as Render)(p.params)).join(' ');
}

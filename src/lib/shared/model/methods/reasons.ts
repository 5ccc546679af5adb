/**
 * Why a proposal's result is what it is, as structured parts (issue 21): each part a `result_*`
 * message key with its numbers (and option labels, member-written, never translated). The
 * shared tally gives both the parts and the English sentence made from them (`explanation`);
 * a closed proposal's outcome keeps both, so a reader sees the sentence in their own language
 * (src/lib/i18n/results.ts renders the parts with messages/<locale>.json) while older clients,
 * stock readers and old documents (no parts) keep the English sentence as it was recorded.
 * src/lib/i18n/results.test.ts fails when these English sentences and the English messages differ.
 */

/** One sentence of an explanation. */
export interface ResultPart {
  key: ResultKey;
  params: Record<string, string | number>;
}

const n = (count: number | string, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

const english = {
  result_objections: (p) => `${n(p.count, 'objection', 'objections')}.`,
  result_no_objections: () => 'No objections.',
  result_no_objections_concerns: (p) => `No objections with ${n(p.count, 'concern', 'concerns')}.`,
  result_blocked: (p) => `Blocked (${n(p.count, 'block', 'blocks')}).`,
  result_nobody_agreed: () => 'Nobody agreed.',
  result_too_many_stand_asides: (p) => `Too many stand-asides (${p.count}, the limit is ${p.limit}).`,
  result_agrees_no_blocks: (p) => `${n(p.count, 'agree', 'agrees')}, no blocks.`,
  result_yes_to_no: (p) => `${p.yes} yes to ${p.no} no.`,
  result_tie_yes_no: (p) => `Tie: ${p.yes} yes to ${p.no} no.`,
  result_no_to_yes: (p) => `${p.no} no to ${p.yes} yes.`,
  result_no_options: () => 'There are no options.',
  result_score_tie: (p) => `Tie between ${p.labels} at ${p.points} points.`,
  result_score_highest: (p) => `${p.labels} has the highest total (${p.points} points).`,
  result_ranked_none: () => 'No ballot ranks any remaining option.',
  result_ranked_won: (p) => `${p.labels} won in round ${p.round} with ${p.votes} of ${p.total} votes.`,
  result_ranked_tie: (p) => `Tie between ${p.labels}.`,
  result_quorum_unknown: () => 'Quorum unknown (the number of members is not known).',
  result_quorum_nobody: (p) => `Quorum not met: nobody voted (${n(p.count, 'ballot', 'ballots')} needed).`,
  result_quorum_not_met: (p) => `Quorum not met (${p.participating} of ${p.required} ballots needed).`,
  result_nobody_voted: () => 'Nobody voted.'
} satisfies Record<string, (p: Record<string, string | number>) => string>;

export type ResultKey = keyof typeof english;
export const RESULT_KEYS = Object.keys(english) as ResultKey[];

/** The English sentence of some parts (what `explanation` holds). */
export const englishParts = (parts: readonly ResultPart[]): string => parts.map((p) => english[p.key](p.params)).join(' ');

/** An explanation from its parts: the parts and their English sentence. */
export function explain(...parts: ResultPart[]): { explanation: string; parts: ResultPart[] } {
  return { explanation: englishParts(parts), parts };
}

export const part = (key: ResultKey, params: Record<string, string | number> = {}): ResultPart => ({ key, params });

const isParam = (v: unknown): v is string | number => (typeof v === 'string' && v.length <= 2000) || (typeof v === 'number' && Number.isFinite(v));

/**
 * Parts as a document holds them, checked (a hand-crafted outcome may hold anything): a short
 * list of known keys with string or number parameters; null when not that (then readers show
 * the stored sentence).
 */
export function parseResultParts(raw: unknown): ResultPart[] | null {
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > 4) return null;
  const parts: ResultPart[] = [];
  for (const p of raw) {
    if (typeof p !== 'object' || p === null || !RESULT_KEYS.includes((p as ResultPart).key)) return null;
    const params = (p as ResultPart).params;
    if (typeof params !== 'object' || params === null || Array.isArray(params)) return null;
    const entries = Object.entries(params);
    if (entries.length > 6 || !entries.every(([, v]) => isParam(v))) return null;
    parts.push({ key: (p as ResultPart).key, params: Object.fromEntries(entries) });
  }
  return parts;
}

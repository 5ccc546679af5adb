/**
 * What a secret ballot (issue 24) shows: read from what the relay published in the proposal's
 * document (`server` root, `totals:ballot:<proposalId>`; secret-ballot.ts writes it there).
 */
import { DEFAULT_TOTALS_THRESHOLD, type TotalsRecord } from './private-totals';
import type { ProposalView } from './proposal-read';
import type { ProposalResult } from './result';
import { isMethodId } from './methods/index';
import { isBoolean, isFiniteNumber, isRecord, isString } from './validate';

/** One close's outcome as the relay froze it. */
export interface SecretOutcome {
  /** The close it belongs to. */
  at: number;
  by: string;
  /** The result: counts, rounds, quorum, explanation, who took part — no ballot. */
  result: ProposalResult;
  /** Valid signatures counted. */
  signatures: number;
}

/** What a secret ballot shows: who voted, and the totals when published. */
export interface SecretState {
  voters: string[];
  count: number;
  threshold: number;
  /** The result to show: live totals (if the group chose them, from 3 ballots) or the frozen outcome. */
  result: ProposalResult | null;
  /** Closed, and the relay has not frozen the outcome of this close yet. */
  counting: boolean;
  /** Closed: the frozen outcome. */
  outcome: SecretOutcome | null;
}

export const closeKeyOf = (at: number, by: string) => `${at}:${by}`;

/** Whether a published value is a whole result (peer data: the relay writes it, a restored copy may hold anything). */
export function isResult(raw: unknown): raw is ProposalResult {
  return (
    isRecord(raw) && isMethodId(raw.method) && isBoolean(raw.passed) && (raw.winner === null || isString(raw.winner)) && isRecord(raw.counts) &&
    isString(raw.explanation) && isRecord(raw.quorum) && Array.isArray(raw.countedMembers) && raw.countedMembers.every(isString) && isBoolean(raw.final)
  );
}

function parseOutcome(raw: unknown): SecretOutcome | null {
  if (!isRecord(raw) || !isFiniteNumber(raw.at) || !isString(raw.by) || !isFiniteNumber(raw.signatures) || !isResult(raw.result)) return null;
  return { at: raw.at, by: raw.by, result: raw.result, signatures: raw.signatures };
}

/** Frozen outcomes of a record, by close key (malformed ones skipped). */
export function closesOf(record: TotalsRecord | null): Record<string, SecretOutcome> {
  const out: Record<string, SecretOutcome> = {};
  if (!record || !isRecord(record.closes)) return out;
  for (const [key, raw] of Object.entries(record.closes)) {
    const parsed = parseOutcome(raw);
    if (parsed) out[key] = parsed;
  }
  return out;
}

/** What a secret ballot shows now, from what the relay published (`view.secretRecord`). */
export function secretStateOf(view: ProposalView): SecretState {
  const record = view.secretRecord;
  const threshold = record?.threshold ?? DEFAULT_TOTALS_THRESHOLD;
  if (view.status === 'closed' && view.closedAt !== null && view.closedBy !== null) {
    const outcome = closesOf(record)[closeKeyOf(view.closedAt, view.closedBy)] ?? null;
    if (!outcome) return { voters: [], count: 0, threshold, result: null, counting: true, outcome: null };
    return { voters: [...outcome.result.countedMembers], count: outcome.signatures, threshold, result: outcome.result, counting: false, outcome };
  }
  const live = record && record.state.startsWith('open') ? record : null;
  const voters = Array.isArray(live?.voters) ? (live.voters as unknown[]).filter(isString) : [];
  const result = view.status === 'open' && view.liveResults && isResult(live?.totals) ? live.totals : null;
  return { voters, count: live?.count ?? 0, threshold, result, counting: false, outcome: null };
}


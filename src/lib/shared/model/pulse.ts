/**
 * The group pulse (issue 24): an optional regular check-in against burnout. Three quick
 * questions — energy, workload against what one can carry, feeling connected — each on a
 * three-step scale, answered in three taps, with a free-text note only the member sees.
 *
 * A member's check-in is an answer in their member-private document (served to that
 * member's devices only; docs/model.md, *Member-private documents and server totals*), one
 * per check-in period, under the key `pulse:group-pulse:<periodStart>`:
 *
 *   answers  Y.Map  "pulse:group-pulse:2026-11-30" → { energy, workload, connection, note?, at }
 *
 * Answering again in the same period replaces the answer (the member's own devices, last
 * writer wins). The group never sees an entry: the relay's pulse aggregator
 * (`pulse-totals.ts`) parses only the three scales and writes totals into the shared
 * document {@link PULSE_DOC_ID} once enough members answered.
 */
import type * as Y from 'yjs';
import { timeOf, type Actor } from './doc';
import { ModelError } from './errors';
import { PULSE_DOC_ID } from '../protocol';
import { answersIn, setAnswer, type AnswerKey } from './private-answers';
import { isFiniteNumber, isIsoDate, isRecord, isString, oneOf, type ModelIssue, type Read } from './validate';

/** The aggregator id of the pulse (the first part of its answer keys). */
export const PULSE_AGGREGATOR = 'pulse';
/** The shared document the relay writes the pulse's totals into (in protocol.ts: reserved-docs.ts needs it without the pulse). */
export { PULSE_DOC_ID };

/** The three questions and their scales, the strained end first. */
export const PulseScales = {
  energy: ['low', 'steady', 'high'],
  workload: ['stretched', 'full', 'room'],
  connection: ['apart', 'somewhat', 'close']
} as const;

export type PulseQuestion = keyof typeof PulseScales;
export const PulseQuestions = Object.keys(PulseScales) as PulseQuestion[];
export type Energy = (typeof PulseScales.energy)[number];
export type Workload = (typeof PulseScales.workload)[number];
export type Connection = (typeof PulseScales.connection)[number];

/** The strained end of each scale: what the group's totals count. */
export const STRAINED = { energy: 'low', workload: 'stretched', connection: 'apart' } as const satisfies { [Q in PulseQuestion]: (typeof PulseScales)[Q][number] };

/** The longest private note kept with an answer. */
export const PULSE_NOTE_MAX = 500;

/** Check-in cadences (in their own module: the workspace's settings read them on every page). */
export { PULSE_CADENCES, DEFAULT_PULSE_CADENCE, isPulseCadence, type PulseCadence } from './pulse-cadence';
import { DEFAULT_PULSE_CADENCE, type PulseCadence } from './pulse-cadence';

/** One check-in's answers. */
export interface PulseAnswer {
  energy: Energy;
  workload: Workload;
  connection: Connection;
}

/** A stored check-in, as its member reads it back. */
export interface PulseEntry extends PulseAnswer {
  /** First day (a Monday, 'YYYY-MM-DD') of the period it belongs to. */
  period: string;
  /** Only the member ever reads it. */
  note: string;
  at: number;
}

const DAY_MS = 86_400_000;
/** A Monday: periods are counted from it, so every device puts a date in the same period. */
const EPOCH_MONDAY = Date.UTC(1970, 0, 5);

/**
 * The first day (a Monday) of the check-in period holding the local date `today`
 * ('YYYY-MM-DD'). Periods are `cadence` weeks long, counted from a fixed Monday, so every
 * device and the relay agree on them whatever day each one starts counting.
 */
export function pulsePeriod(today: string, cadence: PulseCadence = DEFAULT_PULSE_CADENCE): string {
  if (!isIsoDate(today)) throw new ModelError('invalid-input', 'A check-in date is a calendar date (YYYY-MM-DD).');
  const days = Math.round((Date.parse(`${today}T00:00:00Z`) - EPOCH_MONDAY) / DAY_MS);
  const span = 7 * cadence;
  const start = EPOCH_MONDAY + Math.floor(days / span) * span * DAY_MS;
  return new Date(start).toISOString().slice(0, 10);
}

/** True when `value` is the first day of a period (a Monday date), as stored keys must be. */
export function isPulsePeriod(value: unknown): value is string {
  if (!isIsoDate(value)) return false;
  const day = new Date(`${value}T00:00:00Z`);
  // The round trip refuses dates that do not exist ("2026-02-30" would roll into March).
  return !Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === value && day.getUTCDay() === 1;
}

/** The period before `period` (same cadence). */
export function previousPeriod(period: string, cadence: PulseCadence = DEFAULT_PULSE_CADENCE): string {
  return new Date(Date.parse(`${period}T00:00:00Z`) - 7 * cadence * DAY_MS).toISOString().slice(0, 10);
}

/** Parse the three scales of a stored answer (anything else in it is ignored); a string says why not. */
export function parsePulseAnswer(raw: unknown): PulseAnswer | string {
  if (!isRecord(raw)) return 'answer is not a map';
  for (const q of PulseQuestions) if (!oneOf(PulseScales[q])(raw[q])) return `${q} is not one of ${PulseScales[q].join(', ')}`;
  return { energy: raw.energy as Energy, workload: raw.workload as Workload, connection: raw.connection as Connection };
}

/** Where a check-in for `period` is kept in the member's private document. */
export function pulseAnswerKey(period: string): AnswerKey {
  return { aggregator: PULSE_AGGREGATOR, docId: PULSE_DOC_ID, subject: period };
}

/**
 * Record (or replace) my check-in for `period` in my private document. The note is kept only
 * there; it is trimmed and at most {@link PULSE_NOTE_MAX} characters.
 */
export function recordPulse(doc: Y.Doc, period: string, answer: PulseAnswer, note: string, actor: Actor): void {
  if (!isPulsePeriod(period)) throw new ModelError('invalid-input', 'A check-in belongs to a period starting on a Monday (YYYY-MM-DD).');
  const parsed = parsePulseAnswer(answer);
  if (typeof parsed === 'string') throw new ModelError('invalid-input', `This check-in cannot be kept: ${parsed}.`);
  if (typeof note !== 'string' || note.trim().length > PULSE_NOTE_MAX) throw new ModelError('invalid-input', `A note is at most ${PULSE_NOTE_MAX} characters.`);
  const entry: Record<string, unknown> = { ...parsed, at: timeOf(actor) };
  if (note.trim()) entry.note = note.trim();
  setAnswer(doc, pulseAnswerKey(period), entry, actor);
}

/** My check-ins, newest period first; malformed entries are skipped with an issue. */
export function readPulseHistory(doc: Y.Doc): Read<PulseEntry[]> {
  const issues: ModelIssue[] = [];
  const value: PulseEntry[] = [];
  for (const { key, value: raw } of answersIn(doc)) {
    if (key.aggregator !== PULSE_AGGREGATOR || key.docId !== PULSE_DOC_ID) continue;
    const period = key.subject;
    const answer = parsePulseAnswer(raw);
    if (!isPulsePeriod(period) || typeof answer === 'string') {
      issues.push({ blockId: PULSE_AGGREGATOR, reason: `check-in "${period}": ${typeof answer === 'string' ? answer : 'not a period'}; skipped` });
      continue;
    }
    const r = raw as Record<string, unknown>;
    value.push({ ...answer, period, note: isString(r.note) ? r.note : '', at: isFiniteNumber(r.at) ? r.at : 0 });
  }
  value.sort((a, b) => (a.period < b.period ? 1 : a.period > b.period ? -1 : 0));
  return { value, issues };
}

/** Due when the pulse is on and I have not checked in for the current period. */
export function pulseDue(history: readonly Pick<PulseEntry, 'period'>[], currentPeriod: string): boolean {
  return !history.some((e) => e.period === currentPeriod);
}

/** Why my own answers suggest I am carrying too much. */
export type OverloadReason = 'stretched' | 'low-energy' | 'apart';

/**
 * The overload signal of one member's own answers: read from their latest check-in, if it
 * is for the current or the previous period (an old answer says nothing about now).
 * Stretched or low on energy each count; feeling apart counts only beside one of them (on
 * its own it asks for connection, not for less work). Empty: no signal.
 */
export function overloadSignal(history: readonly PulseEntry[], currentPeriod: string, cadence: PulseCadence = DEFAULT_PULSE_CADENCE): OverloadReason[] {
  const latest = history[0];
  if (!latest || (latest.period !== currentPeriod && latest.period !== previousPeriod(currentPeriod, cadence))) return [];
  const reasons: OverloadReason[] = [];
  if (latest.workload === STRAINED.workload) reasons.push('stretched');
  if (latest.energy === STRAINED.energy) reasons.push('low-energy');
  if (reasons.length > 0 && latest.connection === STRAINED.connection) reasons.push('apart');
  return reasons;
}

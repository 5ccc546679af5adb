/**
 * What the group sees of its pulse (issue 24): totals only. The pulse aggregator
 * ({@link pulseAggregator}, in the registry `aggregators.ts`) turns the members' private
 * check-ins for one period into counts; the relay writes them, server-written, into the
 * shared document {@link PULSE_DOC_ID}'s `server` root under `totals:pulse:<periodStart>`
 * (docs/model.md, *Member-private documents and server totals*):
 *
 *   totals: { answered, energy: {low, steady, high}, workload: {stretched, full, room},
 *             connection: {apart, somewhat, close} }
 *
 * Totals are published in steps (private-totals.ts {@link isPublicationStep}, default 3): the
 * first time at 3 answers, then again only once 3 more answered, each time over every answer;
 * in between the record keeps the last publication and only `count` moves, so nobody watching
 * can work out one answer from a change (docs/security.md, *The group pulse*). Below the first
 * step `totals` is null and the group sees "not enough answers yet". Notes never enter: the
 * aggregator parses only the three scales.
 */
import type * as Y from 'yjs';
import { isPulsePeriod, parsePulseAnswer, previousPeriod, PulseQuestions, PulseScales, STRAINED, PULSE_AGGREGATOR, type PulseAnswer, type PulseCadence, type PulseQuestion } from './pulse';
import { DEFAULT_TOTALS_THRESHOLD, inSteps, parseTotalsRecord, TOTALS_ROOT, type Aggregator, type Publication, type TotalsRecord } from './private-totals';
import { isRecord } from './validate';

/** How many periods the trend shows. */
export const PULSE_TREND_PERIODS = 8;

/** Counts of each step of one question's scale. */
export type ScaleCounts<Q extends PulseQuestion> = Record<(typeof PulseScales)[Q][number], number>;

/** One period's published totals. */
export interface PeriodTotals {
  answered: number;
  energy: ScaleCounts<'energy'>;
  workload: ScaleCounts<'workload'>;
  connection: ScaleCounts<'connection'>;
}

/** The group's published totals by period (only periods that met the threshold). */
export interface PulseTotals {
  threshold: number;
  periods: Record<string, PeriodTotals>;
  /** Per published period, answers given since its last publication (not in its totals yet). */
  unshown: Record<string, number>;
}

function emptyCounts<Q extends PulseQuestion>(q: Q): ScaleCounts<Q> {
  return Object.fromEntries(PulseScales[q].map((step) => [step, 0])) as ScaleCounts<Q>;
}

/** The counts of one period's answers. */
export function pulseCounts(answers: readonly PulseAnswer[]): PeriodTotals {
  const t: PeriodTotals = { answered: 0, energy: emptyCounts('energy'), workload: emptyCounts('workload'), connection: emptyCounts('connection') };
  for (const a of answers) {
    t.answered += 1;
    t.energy[a.energy] += 1;
    t.workload[a.workload] += 1;
    t.connection[a.connection] += 1;
  }
  return t;
}

/** What a period's record published last (its totals and how many answers they cover), or null. */
export function lastPublication(record: TotalsRecord | null): Publication | null {
  const totals = record ? parsePeriodTotals(record.totals) : null;
  return totals ? { count: totals.answered, totals } : null;
}

/**
 * The pulse's aggregator: one subject per check-in period (its first day); an answer counts
 * through its three scales only (the note and the time stay private); totals in steps of the
 * threshold, recomputed over every answer at each step.
 */
export const pulseAggregator: Aggregator<PulseAnswer> = {
  id: PULSE_AGGREGATOR,
  viewersMayAnswer: true,
  parse: (raw) => {
    const answer = parsePulseAnswer(raw);
    return typeof answer === 'string' ? null : answer;
  },
  targetState: (_target, subject) => (isPulsePeriod(subject) ? 'period' : null),
  aggregate: ({ answers, previous }) => inSteps(answers, (list) => pulseCounts(list.map((a) => a.answer)), lastPublication(previous))
};

function parseCounts<Q extends PulseQuestion>(q: Q, raw: unknown, answered: number): ScaleCounts<Q> | null {
  if (!isRecord(raw)) return null;
  const counts = emptyCounts(q) as Record<string, number>;
  let sum = 0;
  for (const step of PulseScales[q]) {
    const n = raw[step];
    if (!Number.isInteger(n) || (n as number) < 0) return null;
    counts[step] = n as number;
    sum += n as number;
  }
  return sum === answered ? (counts as ScaleCounts<Q>) : null;
}

/** One period's totals as written; null when malformed. */
export function parsePeriodTotals(raw: unknown): PeriodTotals | null {
  if (!isRecord(raw) || !Number.isInteger(raw.answered) || (raw.answered as number) < 1) return null;
  const answered = raw.answered as number;
  const energy = parseCounts('energy', raw.energy, answered);
  const workload = parseCounts('workload', raw.workload, answered);
  const connection = parseCounts('connection', raw.connection, answered);
  return energy && workload && connection ? { answered, energy, workload, connection } : null;
}

/**
 * The published totals in the pulse's shared document: every period whose record holds
 * totals that meet its threshold (a record below it, or malformed, is left out), and how many
 * answers came after each period's last publication.
 */
export function pulseTotalsOf(doc: Y.Doc): PulseTotals {
  const periods: Record<string, PeriodTotals> = {};
  const unshown: Record<string, number> = {};
  let threshold = DEFAULT_TOTALS_THRESHOLD;
  const prefix = `totals:${PULSE_AGGREGATOR}:`;
  doc.getMap<unknown>(TOTALS_ROOT).forEach((raw, key) => {
    if (!key.startsWith(prefix)) return;
    const record = parseTotalsRecord(raw);
    if (!record || record.aggregator !== PULSE_AGGREGATOR || !isPulsePeriod(record.subject)) return;
    threshold = record.threshold;
    const t = parsePeriodTotals(record.totals);
    if (!t || t.answered < record.threshold) return;
    periods[record.subject] = t;
    // Fewer answers than published: members were removed since; their answers leave at the next step.
    unshown[record.subject] = Math.max(0, record.count - t.answered);
  });
  return { threshold, periods, unshown };
}

/** How many of those who answered are at the strained end of each question. */
export interface Strain {
  answered: number;
  stretched: number;
  lowEnergy: number;
  apart: number;
}

/** The strained counts of one period's totals. */
export function strainOf(t: PeriodTotals): Strain {
  return { answered: t.answered, stretched: t.workload[STRAINED.workload], lowEnergy: t.energy[STRAINED.energy], apart: t.connection[STRAINED.connection] };
}

/**
 * The group's pulse shows strain when at least a third of those who answered are stretched,
 * or low on energy, or feel apart. What the agenda's "How are we doing?" item appears for.
 */
export function showsStrain(t: PeriodTotals): boolean {
  const s = strainOf(t);
  return [s.stretched, s.lowEnergy, s.apart].some((n) => n * 3 >= s.answered);
}

/** The totals the group sees of one period, with the answers given since they were published. */
export interface LatestTotals {
  period: string;
  /** Whether this is the current period (else the one before). */
  current: boolean;
  totals: PeriodTotals;
  unshown: number;
}

/**
 * The totals the group sees now: this period's once published, else the previous period's
 * (a new period starts with few answers). `current` says which one it is; null: not enough
 * answers yet in either.
 */
export function latestTotals(totals: PulseTotals, currentPeriod: string, cadence: PulseCadence): LatestTotals | null {
  for (const [period, current] of [[currentPeriod, true], [previousPeriod(currentPeriod, cadence), false]] as const) {
    const t = totals.periods[period];
    if (t) return { period, current, totals: t, unshown: totals.unshown[period] ?? 0 };
  }
  return null;
}

/** One period of the trend: its strained counts, or null when it had too few answers. */
export interface TrendPoint {
  period: string;
  strain: Strain | null;
}

/** The last `count` periods up to `currentPeriod`, oldest first. */
export function pulseTrend(totals: PulseTotals, currentPeriod: string, cadence: PulseCadence, count = PULSE_TREND_PERIODS): TrendPoint[] {
  const points: TrendPoint[] = [];
  let period = currentPeriod;
  for (let i = 0; i < count; i++) {
    const t = totals.periods[period];
    points.unshift({ period, strain: t ? strainOf(t) : null });
    period = previousPeriod(period, cadence);
  }
  return points;
}

/** Every question's counts, for a screen reader's table or a chart. */
export function questionCounts(t: PeriodTotals): Array<{ question: PulseQuestion; counts: Array<{ step: string; count: number }> }> {
  return PulseQuestions.map((question) => ({ question, counts: PulseScales[question].map((step) => ({ step, count: (t[question] as Record<string, number>)[step] })) }));
}

/**
 * What the group sees of its pulse (issue 24): totals only. The relay's pulse aggregator
 * runs {@link computePulseTotals} over every member's private answers and writes the result,
 * server-written, into the index document's `server` root; devices read it back with
 * {@link readPulseTotals}. A period is published only once at least `threshold` members
 * answered (default 3), so nobody's answer can be worked out from the totals; below it the
 * group sees nothing but "not enough answers yet".
 *
 *   { threshold, periods: { 'YYYY-MM-DD': { answered, energy: {low, steady, high},
 *                                            workload: {stretched, full, room},
 *                                            connection: {apart, somewhat, close} } } }
 *
 * Notes never enter: the aggregator reads only the three scales.
 */
import { isPulsePeriod, parsePulseAnswer, previousPeriod, PulseQuestions, PulseScales, STRAINED, type PulseCadence, type PulseQuestion } from './pulse';
import { isRecord, type ModelIssue, type Read } from './validate';

/** Fewest answers in a period before its totals are published. */
export const PULSE_THRESHOLD = 3;
/** How many published periods the totals keep (the trend shows fewer). */
export const PULSE_KEEP_PERIODS = 26;
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

/** The totals as written into the shared document. */
export interface PulseTotals {
  threshold: number;
  periods: Record<string, PeriodTotals>;
}

function emptyCounts<Q extends PulseQuestion>(q: Q): ScaleCounts<Q> {
  return Object.fromEntries(PulseScales[q].map((step) => [step, 0])) as ScaleCounts<Q>;
}

function emptyPeriod(): PeriodTotals {
  return { answered: 0, energy: emptyCounts('energy'), workload: emptyCounts('workload'), connection: emptyCounts('connection') };
}

/**
 * The aggregator's pure computation. `members` holds each member's `pulse` map as a plain
 * object (period → stored answer); anything malformed is skipped. Only periods with at
 * least `threshold` answers are kept, the newest {@link PULSE_KEEP_PERIODS}.
 */
export function computePulseTotals(members: ReadonlyArray<Readonly<Record<string, unknown>>>, threshold = PULSE_THRESHOLD): PulseTotals {
  const all = new Map<string, PeriodTotals>();
  for (const answers of members) {
    for (const [period, raw] of Object.entries(answers)) {
      const answer = parsePulseAnswer(raw);
      if (!isPulsePeriod(period) || typeof answer === 'string') continue;
      const t = all.get(period) ?? emptyPeriod();
      t.answered += 1;
      t.energy[answer.energy] += 1;
      t.workload[answer.workload] += 1;
      t.connection[answer.connection] += 1;
      all.set(period, t);
    }
  }
  const published = [...all].filter(([, t]) => t.answered >= Math.max(1, threshold)).sort(([a], [b]) => (a < b ? 1 : -1));
  return { threshold, periods: Object.fromEntries(published.slice(0, PULSE_KEEP_PERIODS)) };
}

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

function parsePeriod(raw: unknown): PeriodTotals | null {
  if (!isRecord(raw) || !Number.isInteger(raw.answered) || (raw.answered as number) < 1) return null;
  const answered = raw.answered as number;
  const energy = parseCounts('energy', raw.energy, answered);
  const workload = parseCounts('workload', raw.workload, answered);
  const connection = parseCounts('connection', raw.connection, answered);
  return energy && workload && connection ? { answered, energy, workload, connection } : null;
}

/** Read published totals (the raw value in the `server` root); malformed periods are skipped. */
export function readPulseTotals(raw: unknown): Read<PulseTotals> {
  const issues: ModelIssue[] = [];
  const periods: Record<string, PeriodTotals> = {};
  if (raw === undefined || raw === null) return { value: { threshold: PULSE_THRESHOLD, periods }, issues };
  if (!isRecord(raw)) return { value: { threshold: PULSE_THRESHOLD, periods }, issues: [{ blockId: 'pulse', reason: 'totals are not a map; ignored' }] };
  const threshold = Number.isInteger(raw.threshold) && (raw.threshold as number) > 0 ? (raw.threshold as number) : PULSE_THRESHOLD;
  for (const [period, value] of Object.entries(isRecord(raw.periods) ? raw.periods : {})) {
    const t = isPulsePeriod(period) ? parsePeriod(value) : null;
    if (t && t.answered >= threshold) periods[period] = t;
    else issues.push({ blockId: 'pulse', reason: `totals for "${period}" are malformed or below the threshold; skipped` });
  }
  return { value: { threshold, periods }, issues };
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

/**
 * The totals the group sees now: this period's once published, else the previous period's
 * (a new period starts with few answers). `current` says which one it is; null: not enough
 * answers yet in either.
 */
export function latestTotals(totals: PulseTotals, currentPeriod: string, cadence: PulseCadence): { period: string; current: boolean; totals: PeriodTotals } | null {
  const now = totals.periods[currentPeriod];
  if (now) return { period: currentPeriod, current: true, totals: now };
  const before = previousPeriod(currentPeriod, cadence);
  const last = totals.periods[before];
  return last ? { period: before, current: false, totals: last } : null;
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

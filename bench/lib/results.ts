/** The shape of bench/results.json and the readable table printed from it. */
import os from 'node:os';

export type MetricValue = number | string | boolean | null | string[];

/** One measured configuration of one system. */
export interface ScenarioResult {
  name: 'fanout' | 'manydocs' | 'coldload' | 'client' | 'scaleout' | 'replication' | 'heap' | 'trace' | 'dashboards' | 'search';
  system: string;
  params: Record<string, number | string | boolean>;
  metrics: Record<string, MetricValue>;
}

export interface Results {
  machine: { cpus: number; node: string; cpuModel: string; totalMemMb: number };
  date: string;
  /** The machine's 1-minute load average at the start and end of the run (other work skews the figures). */
  loadAverage?: { start: number; end: number };
  /** A --quick smoke run (short steps): not comparable with full runs. */
  quick: boolean;
  scenarios: ScenarioResult[];
  /** Fan-out: per system and client count, the highest rate that met the bar. */
  sustained: SustainedStep[];
  /** Things a reader must know to interpret the numbers (failures, deviations). */
  notes: string[];
}

export interface SustainedStep {
  system: string;
  clients: number;
  /** Highest updates/s per client that met the bar, or null if none did. */
  rate: number | null;
  deliveriesPerS: number | null;
}

/** The bar of issue 7: at least 99% delivered and p99 below 250 ms. */
export function meetsBar(m: Record<string, MetricValue>): boolean {
  return typeof m.delivered === 'number' && m.delivered >= 0.99 && typeof m.p99Ms === 'number' && m.p99Ms >= 0 && m.p99Ms < 250;
}

export function machine(): Results['machine'] {
  return { cpus: os.cpus().length, node: process.version, cpuModel: os.cpus()[0]?.model ?? 'unknown', totalMemMb: Math.round(os.totalmem() / 2 ** 20) };
}

/** For each system and client count: the highest passing rate. */
export function sustainedSteps(scenarios: ScenarioResult[]): SustainedStep[] {
  const out = new Map<string, SustainedStep>();
  for (const s of scenarios) {
    if (s.name !== 'fanout') continue;
    const clients = Number(s.params.clients);
    const key = `${s.system}/${clients}`;
    const cur = out.get(key) ?? { system: s.system, clients, rate: null, deliveriesPerS: null };
    const rate = Number(s.params.rate);
    if (meetsBar(s.metrics) && (cur.rate === null || rate > cur.rate)) {
      cur.rate = rate;
      cur.deliveriesPerS = Number(s.metrics.deliveriesPerS);
    }
    out.set(key, cur);
  }
  return [...out.values()];
}

function fmt(v: MetricValue | undefined): string {
  if (v === undefined || v === null) return '–';
  if (Array.isArray(v)) return v.length ? v.join('; ') : '';
  if (typeof v === 'number') return Number.isInteger(v) ? v.toLocaleString('en-US') : v.toFixed(v < 1 ? 3 : 1);
  return String(v);
}

/** Render rows as an aligned text table. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The readable report printed after a run (also pasted into docs/performance.md). */
export function render(results: Results): string {
  const parts: string[] = [];
  const m = results.machine;
  const load = results.loadAverage ? `  load average ${results.loadAverage.start.toFixed(1)} → ${results.loadAverage.end.toFixed(1)}` : '';
  parts.push(`${results.date}  node ${m.node}  ${m.cpus} cpus (${m.cpuModel})${load}${results.quick ? '  [QUICK RUN]' : ''}`);
  const fan = results.scenarios.filter((s) => s.name === 'fanout');
  if (fan.length) {
    parts.push(
      '\nFan-out, one hot document (open loop; latency from due time to receipt)\n' +
        table(
          ['system', 'clients', 'upd/s each', 's', 'delivered', 'deliveries/s', 'vs ref', 'p50 ms', 'p99 ms', 'max ms', 'gen cpu', 'ok', 'closed'],
          fan.map((s) => [s.system, fmt(s.params.clients), fmt(s.params.rate), fmt(Number(s.params.durationMs) / 1000), fmt(s.metrics.delivered), fmt(s.metrics.deliveriesPerS), fmt(s.metrics.deliveriesVsReference), fmt(s.metrics.p50Ms), fmt(s.metrics.p99Ms), fmt(s.metrics.maxMs), fmt(s.metrics.generatorCpu), meetsBar(s.metrics) ? 'yes' : 'NO', fmt(s.metrics.closed ?? s.metrics.error)])
        )
    );
    parts.push(
      '\nSustained (highest step with ≥ 99% delivered and p99 < 250 ms)\n' +
        table(
          ['system', 'clients', 'upd/s each', 'deliveries/s'],
          results.sustained.map((s) => [s.system, String(s.clients), s.rate === null ? 'none' : String(s.rate), fmt(s.deliveriesPerS)])
        )
    );
  }
  const titles = {
    manydocs: 'Many documents',
    coldload: 'Cold load (B4 trace)',
    client: 'Client (headless chromium)',
    scaleout: 'Scale-out: fan-out over 1–3 instances (PostgreSQL + Redis)',
    replication: 'Background replication: one pass over a workspace (device side)',
    heap: 'Device memory: JS heap before and after background replication (headless chromium)',
    trace: 'Editing traces replayed by stock clients at 5,000 transactions/s, control pair on another document',
    search: 'Search: the device\'s full-text index (build, warm queries, one document re-indexed, memory)'
  } as const;
  for (const name of ['manydocs', 'coldload', 'client', 'scaleout', 'replication', 'heap', 'trace', 'search'] as const) {
    const rows = results.scenarios.filter((s) => s.name === name);
    if (!rows.length) continue;
    const keys = [...new Set(rows.flatMap((r) => Object.keys(r.metrics)))];
    parts.push(`\n${titles[name]}\n` + table(['system', 'params', ...keys], rows.map((r) => [r.system, Object.entries(r.params).map(([k, v]) => `${k}=${v}`).join(' '), ...keys.map((k) => fmt(r.metrics[k]))])));
  }
  if (results.notes.length) parts.push('\nNotes\n' + results.notes.map((n) => `- ${n}`).join('\n'));
  return parts.join('\n');
}

/** `a / b` to two places; null unless both are numbers and `b` is positive. */
export const ratio = (a: MetricValue | undefined, b: MetricValue | undefined): number | null =>
  typeof a === 'number' && typeof b === 'number' && b > 0 ? Math.round((a / b) * 100) / 100 : null;

/**
 * Fan-out ratios against the reference server's same step in this run: deliveries per second
 * (higher is better) and p99 (lower is better), on every other system's results.
 */
export function addReferenceRatios(scenarios: ScenarioResult[]): void {
  const fan = scenarios.filter((s) => s.name === 'fanout');
  const key = (s: ScenarioResult) => `${s.params.clients}/${s.params.rate}/${s.params.durationMs}`;
  const reference = new Map(fan.filter((s) => s.system === 'reference').map((s) => [key(s), s.metrics]));
  for (const s of fan) {
    const ref = reference.get(key(s));
    if (s.system === 'reference' || !ref) continue;
    s.metrics.deliveriesVsReference = ratio(s.metrics.deliveriesPerS, ref.deliveriesPerS);
    s.metrics.p99VsReference = ratio(s.metrics.p99Ms, ref.p99Ms);
  }
}

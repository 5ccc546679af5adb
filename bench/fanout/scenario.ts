/**
 * Fan-out, one hot document: for each system and step, a fresh server process on core 0
 * and the load generator on core 1. A fresh process per step keeps one step's backlog or
 * garbage from bleeding into the next.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createWorkspace } from '../lib/mutual-api.ts';
import { runWorker, startServer } from '../lib/proc.ts';
import type { ScenarioResult } from '../lib/results.ts';
import type { SystemName, TargetSpec } from '../lib/systems.ts';
import type { LoadInput, LoadResult } from './loadgen.ts';

export interface FanoutStep {
  clients: number;
  /** Updates per second per client. */
  rate: number;
  /** Seconds of sending, when not the timing's. */
  durationMs?: number;
}

/** The steps of issue 7. */
export const FULL_STEPS: FanoutStep[] = [
  { clients: 16, rate: 50 },
  { clients: 16, rate: 200 },
  { clients: 16, rate: 800 },
  { clients: 64, rate: 20 },
  { clients: 64, rate: 100 },
  { clients: 64, rate: 400 }
];
/**
 * Over the default budget for longer than its burst lasts: 800 updates/s per client spend the
 * 2,000-message burst in about 7 s (a 6 s step never does), so for 20 s each client is slowed
 * to 500/s and the relay is still reading what they sent when the step ends. Run only for
 * Mutual with its default budgets: it shows what flow control does to a client that fast.
 */
export const OVER_BUDGET_STEP: FanoutStep & { durationMs: number } = { clients: 16, rate: 800, durationMs: 20_000 };

export const QUICK_STEPS: FanoutStep[] = [
  { clients: 16, rate: 50 },
  { clients: 64, rate: 20 }
];

export interface FanoutTiming {
  durationMs: number;
  drainMs: number;
  warmupMs: number;
}
export const FULL_TIMING: FanoutTiming = { durationMs: 6000, drainMs: 2000, warmupMs: 500 };
export const QUICK_TIMING: FanoutTiming = { durationMs: 1500, drainMs: 1000, warmupMs: 300 };

/**
 * Mutual as in production (SQLite in a fresh DATA_DIR, every update durable before it is
 * relayed), with its per-socket budget raised so that 800 updates/s per client measures the
 * relay rather than the budget (the production default is 500 messages/s per socket; a
 * client over it is slowed down). `MUTUAL_DEFAULT_LIMITS` runs it as deployed instead.
 */
export function mutualEnv(dataDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return { DATA_DIR: dataDir, STORE: 'sqlite', LOG_LEVEL: 'warn', RATE_LIMIT_PER_SECOND: '1000000', RATE_LIMIT_BURST: '1000000', ...extra };
}

/** Mutual exactly as a deployment runs it: the default budgets (RATE_LIMIT_* unset). */
export function mutualDefaultEnv(dataDir: string): Record<string, string> {
  return { DATA_DIR: dataDir, STORE: 'sqlite', LOG_LEVEL: 'warn' };
}

/** Name in results of Mutual run with its default per-socket budgets. */
export const MUTUAL_DEFAULT_LIMITS = 'mutual-default-limits';

/** Which server process a fan-out system name starts, with which environment. */
function serverOf(system: FanoutSystem, dataDir: string): { entry: SystemName; env: Record<string, string> } {
  if (system === MUTUAL_DEFAULT_LIMITS) return { entry: 'mutual', env: mutualDefaultEnv(dataDir) };
  return { entry: system, env: system === 'mutual' ? mutualEnv(dataDir) : {} };
}

/** A system of the fan-out scenario: one of SYSTEMS, or Mutual with its default budgets. */
export type FanoutSystem = SystemName | typeof MUTUAL_DEFAULT_LIMITS;

/** Run one step against one system, in fresh processes. Failures become an `error` metric. */
export async function runFanoutStep(system: FanoutSystem, step: FanoutStep, baseTiming: FanoutTiming, opts: { cpuProfDir?: string } = {}): Promise<ScenarioResult> {
  const timing = { ...baseTiming, durationMs: step.durationMs ?? baseTiming.durationMs };
  const mutual = system === 'mutual' || system === MUTUAL_DEFAULT_LIMITS;
  const limits = system === MUTUAL_DEFAULT_LIMITS ? 'default' : mutual ? 'raised' : 'none';
  const params = { clients: step.clients, rate: step.rate, durationMs: timing.durationMs, persistence: mutual ? 'sqlite' : 'none', limits };
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mutual-bench-'));
  let server: Awaited<ReturnType<typeof startServer>> | null = null;
  try {
    const run = serverOf(system, dataDir);
    server = await startServer(run.entry, run.env, { cpuProfDir: opts.cpuProfDir });
    const target: TargetSpec = { system: run.entry, port: server.port };
    if (run.entry === 'mutual') Object.assign(target, await createWorkspace(server.port));
    const input: LoadInput = { target, docId: `hot-${step.clients}-${step.rate}`, clients: step.clients, rate: step.rate, ...timing };
    const r = await runWorker<LoadResult>('fanout/loadgen.ts', input, 1, timing.durationMs + timing.drainMs + 60_000);
    return {
      name: 'fanout',
      system,
      params,
      metrics: {
        delivered: round(r.deliveredFraction, 4),
        deliveriesPerS: r.deliveriesPerS,
        p50Ms: r.p50Ms,
        p99Ms: r.p99Ms,
        maxMs: r.maxMs,
        sent: r.sent,
        expected: r.expected,
        generatorLagMs: r.generatorLagMs,
        generatorCpu: r.generatorCpu,
        closed: r.closed
      }
    };
  } catch (err) {
    return { name: 'fanout', system, params, metrics: { delivered: 0, deliveriesPerS: 0, p50Ms: null, p99Ms: null, error: err instanceof Error ? err.message.slice(0, 300) : String(err) } };
  } finally {
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function runFanout(systems: FanoutSystem[], steps: FanoutStep[], timing: FanoutTiming, log: (line: string) => void, opts: { cpuProfDir?: string } = {}): Promise<ScenarioResult[]> {
  const out: ScenarioResult[] = [];
  for (const system of systems) {
    for (const step of steps) {
      const r = await runFanoutStep(system, step, timing, opts);
      const m = r.metrics;
      log(`fanout ${system} ${step.clients}×${step.rate}/s: delivered ${m.delivered} · ${m.deliveriesPerS}/s · p50 ${m.p50Ms} · p99 ${m.p99Ms} ms${m.error ? ` · ERROR ${String(m.error)}` : ''}`);
      out.push(r);
    }
  }
  return out;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

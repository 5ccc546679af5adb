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
 * relayed), except the per-socket rate limit, raised so that 800 updates/s per client is
 * measured rather than refused (its production default is 500/s per socket).
 */
export function mutualEnv(dataDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return { DATA_DIR: dataDir, STORE: 'sqlite', LOG_LEVEL: 'warn', RATE_LIMIT_PER_SECOND: '1000000', RATE_LIMIT_BURST: '1000000', ...extra };
}

/** Run one step against one system, in fresh processes. Failures become an `error` metric. */
export async function runFanoutStep(system: SystemName, step: FanoutStep, timing: FanoutTiming, opts: { cpuProfDir?: string } = {}): Promise<ScenarioResult> {
  const params = { clients: step.clients, rate: step.rate, durationMs: timing.durationMs, persistence: system === 'mutual' ? 'sqlite' : 'none' };
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mutual-bench-'));
  let server: Awaited<ReturnType<typeof startServer>> | null = null;
  try {
    server = await startServer(system, system === 'mutual' ? mutualEnv(dataDir) : {}, { cpuProfDir: opts.cpuProfDir });
    const target: TargetSpec = { system, port: server.port };
    if (system === 'mutual') Object.assign(target, await createWorkspace(server.port));
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

export async function runFanout(systems: SystemName[], steps: FanoutStep[], timing: FanoutTiming, log: (line: string) => void, opts: { cpuProfDir?: string } = {}): Promise<ScenarioResult[]> {
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

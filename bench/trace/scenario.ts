/**
 * Editing traces at 5,000 transactions a second (issue 23): stock y-websocket clients replay
 * friendsforever and clownschool (two and three people typing at once) through a fresh
 * server on core 0, the worker on core 1 (bench/trace/replay.ts), while a control pair on
 * another document measures what everyone else gets meanwhile. Mutual runs with its DEFAULT
 * budgets (500 messages/s per socket: the writers are slowed down, not closed); the reference
 * y-websocket server, which has no budgets, runs the same replay for comparison.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CONCURRENT_TRACES, type ConcurrentTraceName } from '../../tests/helpers/editing-traces.ts';
import { mutualDefaultEnv } from '../fanout/scenario.ts';
import { createWorkspace } from '../lib/mutual-api.ts';
import { runWorker, startServer } from '../lib/proc.ts';
import { ratio, type ScenarioResult } from '../lib/results.ts';
import type { TargetSpec } from '../lib/systems.ts';
import type { TraceInput, TraceResult } from './replay.ts';

export const TRACE_RATE = 5000;
const SYSTEMS = ['mutual', 'reference'] as const;

async function runOne(system: (typeof SYSTEMS)[number], trace: ConcurrentTraceName, quick: boolean): Promise<ScenarioResult> {
  const params = { trace, rate: TRACE_RATE, limits: system === 'mutual' ? 'default' : 'none' };
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mutual-bench-trace-'));
  let server: Awaited<ReturnType<typeof startServer>> | null = null;
  try {
    server = await startServer(system, system === 'mutual' ? mutualDefaultEnv(dataDir) : {});
    const target: TargetSpec = { system, port: server.port };
    if (system === 'mutual') Object.assign(target, await createWorkspace(server.port));
    const input: TraceInput = { target, trace, rate: TRACE_RATE, controlEveryMs: quick ? 100 : 50, timeoutMs: 240_000 };
    const r = await runWorker<TraceResult>('trace/replay.ts', input, 1, 300_000);
    return { name: 'trace', system, params, metrics: { ...r } };
  } catch (err) {
    return { name: 'trace', system, params, metrics: { error: err instanceof Error ? err.message.slice(0, 300) : String(err) } };
  } finally {
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Both traces against Mutual (default budgets) and the reference; Mutual's figures carry ratios to the reference's. */
export async function runTraces(quick: boolean, log: (line: string) => void): Promise<ScenarioResult[]> {
  const out: ScenarioResult[] = [];
  for (const trace of quick ? CONCURRENT_TRACES.slice(0, 1) : CONCURRENT_TRACES) {
    const [mutual, reference] = [await runOne('mutual', trace, quick), await runOne('reference', trace, quick)];
    const vsReference = (k: string) => ratio(mutual.metrics[k], reference.metrics[k]);
    mutual.metrics.convergedVsReference = vsReference('convergedMs');
    mutual.metrics.controlP99VsReference = vsReference('controlP99Ms');
    for (const r of [mutual, reference]) {
      const m = r.metrics;
      log(`trace ${trace} ${r.system}: sent in ${m.sendMs} ms, converged in ${m.convergedMs} ms, control p50 ${m.controlP50Ms} / p99 ${m.controlP99Ms} ms over ${m.controlRounds} rounds, closes ${JSON.stringify(m.closed ?? m.error)}`);
      out.push(r);
    }
  }
  return out;
}

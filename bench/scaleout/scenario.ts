/**
 * Scale-out fan-out: one hot document, its clients spread round-robin over 1, 2 or 3 Mutual
 * instances sharing one PostgreSQL (STORE=postgres, durable: fsync and synchronous_commit on)
 * and one Redis (FANOUT=redis). Same open-loop load generator and bar as the fan-out scenario.
 *
 * On this 2-core machine every instance, PostgreSQL and Redis share core 0 while the load
 * generator has core 1: the figures show what the fan-out between instances COSTS, not the
 * capacity extra machines would add (docs/scaling.md).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startPostgres, startRedis, type Service } from '../../tests/helpers/services.ts';
import { mutualEnv, type FanoutStep, type FanoutTiming } from '../fanout/scenario.ts';
import type { LoadInput, LoadResult } from '../fanout/loadgen.ts';
import { createWorkspace } from '../lib/mutual-api.ts';
import { runWorker, startServer, type ServerProcess } from '../lib/proc.ts';
import type { ScenarioResult } from '../lib/results.ts';
import type { TargetSpec } from '../lib/systems.ts';

export const SCALEOUT_INSTANCES = [1, 2, 3] as const;
export const SCALEOUT_FULL_STEPS: FanoutStep[] = [
  { clients: 48, rate: 20 },
  { clients: 48, rate: 100 }
];
export const SCALEOUT_QUICK_STEPS: FanoutStep[] = [{ clients: 48, rate: 20 }];

/** Run every instance count × step; PostgreSQL and Redis are started once and stopped at the end. */
export async function runScaleOut(steps: FanoutStep[], timing: FanoutTiming, log: (line: string) => void): Promise<ScenarioResult[]> {
  const out: ScenarioResult[] = [];
  let pg: Service | null = null;
  let redis: Service | null = null;
  try {
    [pg, redis] = await Promise.all([startPostgres({ durable: true }), startRedis()]);
    // Baseline in the same conditions: one instance on SQLite, no Redis (the default deployment).
    for (const step of steps) {
      const r = await runStep(0, step, timing, pg.url, redis.url);
      log(`scaleout baseline sqlite ${step.clients}×${step.rate}/s: delivered ${r.metrics.delivered} · p50 ${r.metrics.p50Ms} · p99 ${r.metrics.p99Ms} ms`);
      out.push(r);
    }
    for (const instances of SCALEOUT_INSTANCES) {
      for (const step of steps) {
        const r = await runStep(instances, step, timing, pg.url, redis.url);
        const m = r.metrics;
        log(`scaleout ${instances} instance(s) ${step.clients}×${step.rate}/s: delivered ${m.delivered} · ${m.deliveriesPerS}/s · p50 ${m.p50Ms} · p99 ${m.p99Ms} ms${m.error ? ` · ERROR ${String(m.error)}` : ''}`);
        out.push(r);
      }
    }
  } finally {
    await Promise.all([pg?.stop(), redis?.stop()]);
  }
  return out;
}

/** `instances` 0: the baseline, one SQLite instance without fan-out. */
async function runStep(instances: number, step: FanoutStep, timing: FanoutTiming, databaseUrl: string, redisUrl: string): Promise<ScenarioResult> {
  const baseline = instances === 0;
  const params = { instances: Math.max(1, instances), clients: step.clients, rate: step.rate, durationMs: timing.durationMs, persistence: baseline ? 'sqlite' : 'postgres+redis' };
  const dirs: string[] = [];
  const servers: ServerProcess[] = [];
  try {
    for (let i = 0; i < Math.max(1, instances); i++) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mutual-bench-scale-'));
      dirs.push(dir);
      servers.push(await startServer('mutual', mutualEnv(dir, baseline ? {} : { STORE: 'postgres', DATABASE_URL: databaseUrl, FANOUT: 'redis', REDIS_URL: redisUrl })));
    }
    // Memberships are shared: a workspace made on the first instance is valid on every one.
    const ws = await createWorkspace(servers[0].port);
    const targets: TargetSpec[] = servers.map((s) => ({ system: 'mutual', port: s.port, ...ws }));
    const input: LoadInput = { target: targets[0], targets, docId: `hot-${baseline ? 'sqlite' : 'pg'}-${instances}-${step.clients}-${step.rate}`, clients: step.clients, rate: step.rate, ...timing };
    const r = await runWorker<LoadResult>('fanout/loadgen.ts', input, 1, timing.durationMs + timing.drainMs + 60_000);
    return {
      name: 'scaleout',
      system: 'mutual',
      params,
      metrics: { delivered: Math.round(r.deliveredFraction * 10_000) / 10_000, deliveriesPerS: r.deliveriesPerS, p50Ms: r.p50Ms, p99Ms: r.p99Ms, maxMs: r.maxMs, generatorCpu: r.generatorCpu, closed: r.closed }
    };
  } catch (err) {
    return { name: 'scaleout', system: 'mutual', params, metrics: { delivered: 0, deliveriesPerS: 0, p50Ms: null, p99Ms: null, error: err instanceof Error ? err.message.slice(0, 300) : String(err) } };
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  }
}

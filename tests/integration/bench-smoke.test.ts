/**
 * Keeps `npm run bench` from rotting silently: one tiny fan-out step per system (each in
 * its own server process, as the bench runs them), checked for the results.json shape.
 * Not a performance assertion beyond "Mutual delivers", which any working relay does at
 * this load.
 */
import { describe, expect, it } from 'vitest';
import { MUTUAL_DEFAULT_LIMITS, runFanoutStep, type FanoutSystem } from '../../bench/fanout/scenario.ts';
import { addReferenceRatios, render, sustainedSteps, type Results } from '../../bench/lib/results.ts';
import { SYSTEMS } from '../../bench/lib/systems.ts';
import { checkTemplate } from '../../bench/lib/yupdate.ts';

describe('bench smoke', () => {
  it('writes updates byte-identical to Yjs', () => {
    expect(() => checkTemplate()).not.toThrow();
  });

  it('runs a tiny fan-out step against every system, and Mutual with its default budgets', async () => {
    const scenarios = [];
    const systems: FanoutSystem[] = [...SYSTEMS, MUTUAL_DEFAULT_LIMITS];
    for (const system of systems) {
      const r = await runFanoutStep(system, { clients: 4, rate: 20 }, { durationMs: 1500, drainMs: 1000, warmupMs: 200 });
      expect(r.name).toBe('fanout');
      expect(r.system).toBe(system);
      expect(r.params).toMatchObject({ clients: 4, rate: 20 });
      expect(r.metrics.error, String(r.metrics.error)).toBeUndefined();
      for (const key of ['delivered', 'deliveriesPerS', 'p50Ms', 'p99Ms']) expect(typeof r.metrics[key], key).toBe('number');
      if (system === 'mutual' || system === MUTUAL_DEFAULT_LIMITS) expect(r.metrics.delivered).toBeGreaterThan(0.9);
      scenarios.push(r);
    }
    addReferenceRatios(scenarios);
    expect(typeof scenarios.find((s) => s.system === MUTUAL_DEFAULT_LIMITS)?.metrics.deliveriesVsReference).toBe('number');
    const results: Results = { machine: { cpus: 2, node: process.version, cpuModel: 'x', totalMemMb: 1 }, date: new Date().toISOString(), quick: true, scenarios, sustained: sustainedSteps(scenarios), notes: [] };
    expect(JSON.parse(JSON.stringify(results))).toMatchObject({ machine: { cpus: 2 }, scenarios: expect.any(Array) });
    expect(results.sustained.map((s) => s.system).sort()).toEqual([...systems].sort());
    expect(render(results)).toContain('Sustained');
  }, 60_000);
});

/**
 * The bounded chaos budget of `npm test`: a few seeded scenarios against the real relay
 * in a child process (stock and app clients, partitions, app restarts, kill -9 of the
 * relay). Longer runs: `npm run test:chaos -- --scenarios 200 --from 1`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChaos, summaryLine } from './chaos.ts';
import { RelayProcess } from './net.ts';

const SCENARIOS = Number(process.env.CHAOS_SCENARIOS ?? 4);
const FROM = Number(process.env.CHAOS_FROM ?? 1);

describe('chaos convergence', () => {
  let relay: RelayProcess;
  beforeAll(async () => {
    relay = await RelayProcess.start();
  });
  afterAll(async () => {
    await relay?.stop();
  });

  it(`${SCENARIOS} scenarios from seed ${FROM}: every client and a fresh one converge, no edit lost`, async () => {
    const failures: string[] = [];
    const summary = await runChaos(relay, { scenarios: SCENARIOS, from: FROM, steps: 120, clients: 4, relayKills: 1 }, (r) => {
      if (!r.converged) failures.push(`seed ${r.seed}: ${r.problems.join('; ')} — replay: npm run test:chaos -- --scenarios 1 --from ${r.seed} --steps 120`);
    });
    console.log(summaryLine(summary));
    expect(failures).toEqual([]);
    expect(summary.lost).toBe(0);
    expect(relay.kills).toBeGreaterThanOrEqual(SCENARIOS);
    expect(relay.integrityFailures).toEqual([]);
    // The scenarios did real work (guards against a silently idle engine).
    const tokens = summary.results.reduce((s, r) => s + r.stats.tokens, 0);
    const blocks = summary.results.reduce((s, r) => s + r.stats.ballots + r.stats.claims, 0);
    expect(tokens).toBeGreaterThan(SCENARIOS * 20);
    expect(blocks).toBeGreaterThan(SCENARIOS * 5);
  });
});

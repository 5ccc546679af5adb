/**
 * Fuzz of the fair claim rule (engine in claim-fuzz.ts): 300 seeds, in batches so a failure
 * names its seed. Replay one with `npm run test:fuzz -- --claims --seeds 1 --from <seed>`.
 */
import { describe, expect, it } from 'vitest';
import { runClaimSeed } from './claim-fuzz';

const BATCHES = 3;
const PER_BATCH = 100;

describe('claim rule fuzz: server-time stamps, skewed clocks, a network that delays and partitions', () => {
  for (let b = 0; b < BATCHES; b++) {
    const from = 1 + b * PER_BATCH;
    it(`seeds ${from}–${from + PER_BATCH - 1}: converge, stamps decide races, no later claim beats an earlier one`, () => {
      const failures: string[] = [];
      let decided = 0;
      for (let seed = from; seed < from + PER_BATCH; seed++) {
        const result = runClaimSeed(seed);
        decided += result.stats.decidedByStamp;
        if (!result.ok) failures.push(`seed ${seed}: ${result.reason}`);
      }
      expect(failures).toEqual([]);
      // The fuzz must actually produce races the stamps decide.
      expect(decided).toBeGreaterThan(PER_BATCH / 2);
    });
  }

  it('a seed replays identically', () => {
    expect(runClaimSeed(11)).toEqual(runClaimSeed(11));
  });
});

/**
 * Convergence fuzz of the document model (engine in model-fuzz.ts): 500 seeds,
 * in batches so a failure names its seed. Replay a failing seed with
 * `npm run test:fuzz -- --seeds 1 --from <seed>`.
 */
import { describe, expect, it } from 'vitest';
import { runSeed } from './model-fuzz';

/** Steps per seed here: fewer than the CLI's default (60–119) to keep `npm test` fast. */
const STEPS = 40;
const BATCHES = 5;
const PER_BATCH = 100;

describe('model convergence fuzz', () => {
  for (let b = 0; b < BATCHES; b++) {
    const from = 1 + b * PER_BATCH;
    it(`seeds ${from}–${from + PER_BATCH - 1} converge`, () => {
      const failures: string[] = [];
      for (let seed = from; seed < from + PER_BATCH; seed++) {
        const result = runSeed(seed, { steps: STEPS });
        if (!result.ok) failures.push(`seed ${seed}: ${result.reason}\n  replay: npm run test:fuzz -- --seeds 1 --from ${seed} --steps ${STEPS}`);
      }
      expect(failures).toEqual([]);
    });
  }

  it('a seed replays identically', () => {
    expect(runSeed(7)).toEqual(runSeed(7));
  });
});

/**
 * `npm run test:fuzz -- --seeds N --from S [--steps K] [--verbose] [--claims]`
 * Runs N seeds from S, prints `converged K/N`; on failure prints each failing
 * seed and how to replay it, and exits 1. `--claims` runs the fair claim rule's fuzz
 * (claim-fuzz.ts: server-time stamps, skewed clocks) instead of the whole model's.
 */
import { runSeed } from './model-fuzz';
import { runClaimSeed } from './claim-fuzz';
import { exitWhenDone, wholeNumberArg as arg } from '../helpers/cli.ts';


const seeds = arg('seeds', 500);
const from = arg('from', 1);
const steps = process.argv.includes('--steps') ? arg('steps', 0) : undefined;
const verbose = process.argv.includes('--verbose');
const claims = process.argv.includes('--claims');
const run = (seed: number, opts: { steps?: number }) => (claims ? runClaimSeed(seed, opts) : runSeed(seed, opts));

const failures: Array<{ seed: number; reason: string }> = [];
const started = Date.now();
for (let seed = from; seed < from + seeds; seed++) {
  const result = run(seed, steps === undefined ? {} : { steps });
  if (verbose) console.log(`seed ${seed}: ${result.ok ? 'ok' : 'FAIL'} ${JSON.stringify(result.stats)}`);
  if (!result.ok) {
    failures.push({ seed, reason: result.reason });
    console.error(`seed ${seed} failed: ${result.reason}`);
    console.error(`  replay: npm run test:fuzz -- --seeds 1 --from ${seed}${claims ? ' --claims' : ''}`);
  }
}
console.log(`converged ${seeds - failures.length}/${seeds} (seeds ${from}–${from + seeds - 1}, ${Date.now() - started} ms)`);
if (failures.length > 0) {
  console.log(`failing seeds: ${failures.map((f) => f.seed).join(', ')}`);
  console.log(`replay the first: npm run test:fuzz -- --seeds 1 --from ${failures[0].seed}${claims ? ' --claims' : ''}`);
}
exitWhenDone(failures.length > 0 ? 1 : 0);

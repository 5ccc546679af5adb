/**
 * `npm run test:chaos -- --scenarios N --from S [--steps K] [--clients C] [--kills R] [--verbose]`
 *
 * Runs N chaos scenarios (seeds S … S+N-1) against the real relay in a child process and
 * prints `chaos: K/N scenarios converged, L edits lost`. Each failure prints its seed, what
 * went wrong and the command that replays it; the exit code is 1 when any failed.
 */
import { runChaos, summaryLine } from './chaos.ts';
import { RelayProcess } from './net.ts';
import { exitWhenDone, wholeNumberArg as arg } from '../helpers/cli.ts';


const scenarios = arg('scenarios', 20);
const from = arg('from', 1);
const steps = arg('steps', 160);
const clients = arg('clients', 4);
const relayKills = arg('kills', 1);
const verbose = process.argv.includes('--verbose');

const relay = await RelayProcess.start();
const started = Date.now();
let code = 1;
try {
  const summary = await runChaos(relay, { scenarios, from, steps, clients, relayKills }, (r) => {
    if (verbose || !r.converged) console.log(`seed ${r.seed}: ${r.converged ? 'converged' : 'FAILED'} ${JSON.stringify(r.stats)}`);
    if (!r.converged) {
      for (const p of r.problems) console.log(`  ${p}`);
      console.log(`  replay: npm run test:chaos -- --scenarios 1 --from ${r.seed} --steps ${steps} --clients ${clients} --kills ${relayKills}`);
    }
  });
  console.log(`(${Date.now() - started} ms, relay killed ${relay.kills} times)`);
  console.log(summaryLine(summary));
  code = summary.converged === summary.total ? 0 : 1;
} finally {
  await relay.stop();
}
exitWhenDone(code);

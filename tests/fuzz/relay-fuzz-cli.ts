/**
 * `npm run test:fuzz-relay -- --frames N --seed S [--concurrency C] [--verbose]`
 *
 * Fuzzes the real relay (child process) with N hostile frames from seed S and prints the
 * figures: frames, sockets, close codes, control rounds, child RSS before / peak / after and
 * what it holds after a GC before and after.
 * Exits 1 (printing the seed to replay) when the relay crashed, closed a socket the wrong
 * way, disturbed the control clients or grew without bound.
 */
import { runRelayFuzz } from './relay-fuzz.ts';
import { exitWhenDone, wholeNumberArg as arg } from '../helpers/cli.ts';


const frames = arg('frames', 20_000);
const seed = arg('seed', 1);
const concurrency = arg('concurrency', 6);
const verbose = process.argv.includes('--verbose');

const r = await runRelayFuzz({ frames, seed, concurrency, log: verbose ? (l) => console.log(l) : undefined });
console.log(`frames by kind: ${JSON.stringify(r.byKind)}`);
console.log(`closes: ${JSON.stringify(r.closes)}`);
console.log(
  `relay-fuzz: ${r.frames} frames over ${r.sockets} sockets in ${r.ms} ms (${Math.round(r.frames / (r.ms / 1000))} frames/s); control synced ${r.controlRounds} rounds (slowest ${r.controlMaxMs} ms); relay RSS ${r.rssBeforeMiB} → ${r.rssAfterMiB} MiB (peak ${r.rssPeakMiB}), held after GC ${r.liveBeforeMiB} → ${r.liveAfterMiB} MiB`
);
if (r.problems.length) {
  for (const p of r.problems) console.log(`  problem: ${p}`);
  console.log(`FAILED — replay: npm run test:fuzz-relay -- --frames ${frames} --seed ${seed} --concurrency ${concurrency}`);
} else console.log('relay-fuzz: ok');
exitWhenDone(r.problems.length ? 1 : 0);

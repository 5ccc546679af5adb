/**
 * `npm run bench`: Mutual's relay and storage side by side with Hocuspocus 4 and the
 * reference y-websocket server. Writes bench/results.json and prints a table.
 *
 *   npm run bench                                   everything (≈ 5 minutes)
 *   npm run bench -- --quick                        short smoke run → bench/results.quick.json
 *   npm run bench -- --only fanout,manydocs,coldload,client,scaleout,replication,heap,trace,dashboards,search
 *   BUILD_DIR=build-x npm run bench -- --only client      client scenarios against the app built in build-x/
 *   npm run bench -- --only client --cases typing --trace  one client case, with Chromium traces → bench/profiles/
 *   npm run bench -- --systems mutual,hocuspocus    fan-out/many-docs systems
 *   npm run bench -- --cpu-prof                     CPU profiles of each Mutual fan-out step → bench/profiles/
 *   npm run bench -- --out path.json
 * See docs/performance.md for the method.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CLIENT_CASES, runClient, type ClientCase } from './client/scenario.ts';
import { runDashboards } from './client-core/dashboards.ts';
import { runHeap } from './client-core/heap.ts';
import { runReplication } from './client-core/replication.ts';
import { runColdLoad } from './coldload/scenario.ts';
import { FULL_STEPS, FULL_TIMING, MUTUAL_DEFAULT_LIMITS, OVER_BUDGET_STEP, QUICK_STEPS, QUICK_TIMING, runFanout, runFanoutStep } from './fanout/scenario.ts';
import { BENCH_DIR } from './lib/proc.ts';
import { addReferenceRatios, machine, render, sustainedSteps, type Results, type ScenarioResult } from './lib/results.ts';
import { isSystemName, SYSTEMS, type SystemName } from './lib/systems.ts';
import { runManyDocs } from './manydocs/scenario.ts';
import { runScaleOut, SCALEOUT_FULL_STEPS, SCALEOUT_QUICK_STEPS } from './scaleout/scenario.ts';
import { runSearch } from './search/scenario.ts';
import { runTraces } from './trace/scenario.ts';

const SCENARIOS = ['fanout', 'manydocs', 'coldload', 'client', 'scaleout', 'replication', 'heap', 'trace', 'dashboards', 'search'] as const;
type ScenarioName = (typeof SCENARIOS)[number];

interface Args {
  quick: boolean;
  only: ScenarioName[];
  systems: SystemName[];
  cpuProf: boolean;
  /** Client scenarios: which cases, and Chromium traces of them. */
  cases: ClientCase[];
  trace: boolean;
  out: string;
}

function parseArgs(argv: string[]): Args {
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const quick = argv.includes('--quick');
  const only = (value('--only')?.split(',') ?? [...SCENARIOS]).map((s) => s.trim());
  for (const s of only) if (!(SCENARIOS as readonly string[]).includes(s)) throw new Error(`unknown scenario "${s}" (one of ${SCENARIOS.join(', ')})`);
  const systems = (value('--systems')?.split(',') ?? [...SYSTEMS]).map((s) => s.trim());
  for (const s of systems) if (!isSystemName(s)) throw new Error(`unknown system "${s}" (one of ${SYSTEMS.join(', ')})`);
  const cases = (value('--cases')?.split(',') ?? [...CLIENT_CASES]).map((s) => s.trim());
  for (const c of cases) if (!(CLIENT_CASES as readonly string[]).includes(c)) throw new Error(`unknown client case "${c}" (one of ${CLIENT_CASES.join(', ')})`);
  const out = value('--out') ?? path.join(BENCH_DIR, quick ? 'results.quick.json' : 'results.json');
  return { quick, only: only as ScenarioName[], systems: systems as SystemName[], cpuProf: argv.includes('--cpu-prof'), cases: cases as ClientCase[], trace: argv.includes('--trace'), out };
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const log = (line: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const notes: string[] = [];
  const load0 = os.loadavg()[0];
  const scenarios: ScenarioResult[] = [];
  if (args.only.includes('fanout') || args.only.includes('manydocs')) {
    notes.push(
      'Fan-out: Mutual persists every update to SQLite (WAL, synchronous=NORMAL) before relaying it; Hocuspocus and the reference run without persistence (their default servers). "mutual" runs with its per-socket budget raised (RATE_LIMIT_PER_SECOND) to measure the relay; "mutual-default-limits" runs as deployed (500 messages/s per socket, burst 2,000: a client over it is slowed down, not closed; a 6 s step at 800/s never spends the burst, so the default budget shows only in its extra 20 s step at 800/s, where each client is slowed to 500/s). "vs ref" is deliveries/s over the reference\'s in the same step of this run.',
      `@hocuspocus/server 4.7 declares engines node >= 22; it ran here on ${process.version}.`
    );
  }

  if (args.only.includes('fanout')) {
    const cpuProfDir = args.cpuProf ? path.join(BENCH_DIR, 'profiles') : undefined;
    if (cpuProfDir) fs.mkdirSync(cpuProfDir, { recursive: true });
    const steps = args.quick ? QUICK_STEPS : FULL_STEPS;
    const timing = args.quick ? QUICK_TIMING : FULL_TIMING;
    for (const system of args.systems) {
      if (system === 'mutual' && cpuProfDir) {
        for (const step of steps) scenarios.push(await runFanoutStep(system, step, timing, { cpuProfDir }));
        log(`CPU profiles of Mutual in ${cpuProfDir}`);
      } else scenarios.push(...(await runFanout([system], steps, timing, log)));
      // What a deployment gets: the same steps with the default per-socket budgets.
      if (system === 'mutual') scenarios.push(...(await runFanout([MUTUAL_DEFAULT_LIMITS], args.quick ? steps : [...steps, OVER_BUDGET_STEP], timing, log)));
    }
    addReferenceRatios(scenarios);
  }
  if (args.only.includes('manydocs')) {
    for (const system of args.systems.filter((s) => s !== 'hocuspocus')) {
      scenarios.push(await runManyDocs(system, { docs: args.quick ? 200 : 2000, unloadGraceMs: 500 }, log));
    }
  }
  if (args.only.includes('coldload')) {
    if (args.quick) notes.push('Quick run: cold load replays only the first 20,000 transactions of the B4 trace.');
    scenarios.push(...(await runColdLoad({ repeats: args.quick ? 2 : 5, limit: args.quick ? 20_000 : undefined }, log)));
  }

  if (args.only.includes('client')) {
    const sizes = args.quick ? { blocks: 1000, repeats: 1, keystrokes: 30, nodeTypists: 9 } : { blocks: 1000, repeats: 10, keystrokes: 100, nodeTypists: 9 };
    scenarios.push(...(await runClient({ ...sizes, cases: args.cases, trace: args.trace }, log)));
  }

  if (args.only.includes('scaleout')) {
    notes.push('Scale-out: clients spread round-robin over 1, 2 and 3 Mutual instances sharing one PostgreSQL (durable commits) and one Redis, all on core 0 of this machine with the load generator on core 1: it measures the cost of fan-out between instances, not the capacity more machines add (docs/scaling.md).');
    scenarios.push(...(await runScaleOut(args.quick ? SCALEOUT_QUICK_STEPS : SCALEOUT_FULL_STEPS, args.quick ? QUICK_TIMING : FULL_TIMING, log)));
  }

  if (args.only.includes('replication')) {
    notes.push('Replication: a device holding a workspace of N documents runs one background pass with one document changed elsewhere, and with none; sockets and bytes counted on the device (socket payloads both ways; the digest request with its headers). "mutual-without-digests" is the same device syncing every document on every pass, as before issue 17.');
    scenarios.push(...(await runReplication({ docs: args.quick ? 100 : 500 }, log)));
  }
  if (args.only.includes('heap')) {
    notes.push('Heap: Chromium JS heap (after forced GC) of a device showing one document, before and after its background replication fetched N documents written elsewhere.');
    scenarios.push(await runHeap({ docs: args.quick ? 60 : 300, words: 120 }, log));
  }
  if (args.only.includes('trace')) {
    notes.push('Traces: stock y-websocket clients (one per person of the trace) replay it at 5,000 transactions/s; Mutual with its default budgets slows each writer to 500 messages/s, the reference has no budget. A control pair on another document makes an edit every 50 ms meanwhile; its latency is what other people get.');
    scenarios.push(...(await runTraces(args.quick, log)));
  }
  if (args.only.includes('search')) {
    notes.push('Search (issue 22): the device\'s full-text index (the browser\'s code, run in Node) over N documents of ~2 KB: build = reading every document\'s entries from its Y.Doc + indexing them; warm query p50/p95 over a mix of prefixes, typos, accent-free Spanish and two-word queries; the reference is a linear scan of every entry for every query word, in the same run; memory is the heap after GC with the index minus without it.');
    scenarios.push(await runSearch(args.quick ? { docs: 200, bytes: 2048, queries: 200 } : { docs: 1000, bytes: 2048, queries: 1000 }, log));
  }
  if (args.only.includes('dashboards')) {
    notes.push('Dashboards (issue 26): a device in Chromium showing one document, then the Open tasks board, then Workload, then the documents page, in a workspace of N documents of which some hold tasks: its open sync sockets, its JS heap after forced GCs, the relay\'s RSS; while the board is open, how long another member\'s claim takes to leave it (documents kept live, and one beyond the budget), and a Claim on a document not live.');
    scenarios.push(...(await runDashboards(args.quick ? { docs: 100, withTasks: 60 } : { docs: 500, withTasks: 200 }, log)));
  }

  const load1 = os.loadavg()[0];
  if (Math.max(load0, load1) > 1.5) {
    notes.push(`The machine was busy with other work (1-minute load average ${load0.toFixed(1)} at start, ${load1.toFixed(1)} at end, on ${os.cpus().length} cores): treat the figures as noisy and compare ratios within this run.`);
  }
  const results: Results = { machine: machine(), date: new Date().toISOString(), loadAverage: { start: round1(load0), end: round1(load1) }, quick: args.quick, scenarios, sustained: sustainedSteps(scenarios), notes };
  fs.writeFileSync(args.out, JSON.stringify(results, null, 2) + '\n');
  console.log('\n' + render(results));
  console.log(`\nWrote ${path.relative(process.cwd(), args.out)}`);
}

main().then(
  // Exit even if a library left a timer or socket behind (a browser, a provider's awareness
  // check): the results are written, nothing is left to wait for.
  () => process.exit(),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  }
);

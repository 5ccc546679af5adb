/**
 * The fan-out load generator (its own process, pinned to its own core by the bench).
 *
 * N raw clients join one document; each sends one-character updates open-loop at a fixed
 * rate (the k-th update is due at a fixed time whether or not the server keeps up, and its
 * latency counts from that due time, so a stalled generator or server cannot hide delay).
 * Every received update is decoded into (client, clock) ranges: a broadcast the server
 * merged from several updates counts each one, and each update counts once per receiver.
 *
 * Input: argv[2] JSON {@link LoadInput}. Output: one `BENCH_RESULT {…}` line ({@link LoadResult}).
 */
import { connectClient, type RawClient } from '../lib/client.ts';
import { Histogram } from '../lib/histogram.ts';
import { RESULT_PREFIX } from '../lib/proc.ts';
import { connectInfo, type TargetSpec } from '../lib/systems.ts';
import { checkTemplate, createRangeReader, encodeCharInsert } from '../lib/yupdate.ts';

export interface LoadInput {
  target: TargetSpec;
  /** Several relay instances (scale-out): client r connects to targets[r % length] instead of `target`. */
  targets?: TargetSpec[];
  docId: string;
  clients: number;
  /** Updates per second per client. */
  rate: number;
  durationMs: number;
  /** How long to wait after the last send for deliveries still in flight. */
  drainMs: number;
  /** Updates due in the first `warmupMs` count as delivered but not in the latency figures (JIT warm-up). */
  warmupMs: number;
}

export interface LoadResult {
  sent: number;
  expected: number;
  delivered: number;
  deliveredFraction: number;
  deliveriesPerS: number;
  /** null when no delivery was measured (nothing arrived after the warm-up). */
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number;
  /** Worst lateness of the generator's own sends (ms): large values mean it was saturated. */
  generatorLagMs: number;
  /** Generator CPU time / wall time over the run (1 = one full core). */
  generatorCpu: number;
  /** Sockets the server closed during the run, with their close code and reason. */
  closed: string[];
}

/** Yjs client ids of the senders: BASE_CLIENT + index. */
const BASE_CLIENT = 1000;

async function main(input: LoadInput): Promise<LoadResult> {
  checkTemplate();
  const { clients: n, rate } = input;
  const interval = 1000 / rate;
  const perClient = Math.max(1, Math.round((rate * input.durationMs) / 1000));
  const dueAt = Array.from({ length: n }, () => new Float64Array(perClient));
  /** highWater[r * n + s]: next clock of sender s that receiver r has not seen yet. */
  const highWater = new Int32Array(n * n);
  const hist = new Histogram();
  const read = createRangeReader();
  let delivered = 0;
  let lastDeliveryAt = 0;
  let measureFrom = Number.POSITIVE_INFINITY; // set once t0 is known

  const onUpdate = (r: number) => (update: Uint8Array) => {
    const now = performance.now();
    for (const { client, clock, length } of read(update)) {
      const s = client - BASE_CLIENT;
      if (s < 0 || s >= n || s === r) continue;
      const i = r * n + s;
      const start = Math.max(clock, highWater[i]);
      const end = clock + length;
      if (end <= start) continue;
      const due = dueAt[s];
      for (let k = start; k < end && k < perClient; k++) if (due[k] >= measureFrom) hist.record(now - due[k]);
      delivered += end - start;
      highWater[i] = end;
      lastDeliveryAt = now;
    }
  };

  const sockets: RawClient[] = [];
  for (let i = 0; i < n; i += 16) {
    const batch = [];
    for (let r = i; r < Math.min(n, i + 16); r++) {
      const { url, dialect } = connectInfo(input.targets?.length ? input.targets[r % input.targets.length] : input.target, input.docId);
      batch.push(connectClient(url, dialect, { onUpdate: onUpdate(r) }));
    }
    sockets.push(...(await Promise.all(batch)));
  }
  await new Promise((r) => setTimeout(r, 200));

  const next = new Int32Array(n);
  let sent = 0;
  let maxLag = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now() + 20;
  measureFrom = t0 + input.warmupMs;
  // Stagger the clients over one interval so they do not all fire in the same millisecond.
  const due = (s: number, k: number) => t0 + (s * interval) / n + k * interval;
  await new Promise<void>((done) => {
    const tick = () => {
      const now = performance.now();
      let remaining = false;
      for (let s = 0; s < n; s++) {
        let k = next[s];
        while (k < perClient && due(s, k) <= now) {
          const at = due(s, k);
          dueAt[s][k] = at;
          if (now - at > maxLag) maxLag = now - at;
          sockets[s].sendUpdate(encodeCharInsert(BASE_CLIENT + s, k));
          sent++;
          k++;
        }
        next[s] = k;
        if (k < perClient) remaining = true;
      }
      if (remaining) setTimeout(tick, 1);
      else done();
    };
    setTimeout(tick, Math.max(0, t0 - performance.now()));
  });
  const expected = sent * (n - 1);
  const drainEnd = performance.now() + input.drainMs;
  while (delivered < expected && performance.now() < drainEnd) await new Promise((r) => setTimeout(r, 20));
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const closed = sockets.flatMap((c) => (c.closedBy ? [c.closedBy] : []));
  await Promise.all(sockets.map((c) => c.close()));
  const span = Math.max(1, (lastDeliveryAt || performance.now()) - t0);
  return {
    sent,
    expected,
    delivered,
    deliveredFraction: expected > 0 ? delivered / expected : 0,
    deliveriesPerS: Math.round((delivered * 1000) / span),
    p50Ms: roundOrNull(hist.quantile(0.5)),
    p99Ms: roundOrNull(hist.quantile(0.99)),
    maxMs: round(hist.max),
    generatorLagMs: round(maxLag),
    generatorCpu: round((cpu.user + cpu.system) / 1000 / wall, 2),
    closed: [...new Set(closed)]
  };
}

function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function roundOrNull(x: number): number | null {
  return Number.isFinite(x) ? round(x) : null;
}

main(JSON.parse(process.argv[2] ?? '{}') as LoadInput)
  .then((result) => {
    process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
    process.exit(0);
  })
  .catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });

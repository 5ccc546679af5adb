/**
 * The trace worker (its own process, on its own core): stock y-websocket clients, one per
 * agent of a concurrent editing trace, replay it through the server at a fixed rate
 * (tests/helpers/editing-traces.ts), while a control pair on another document makes an edit
 * every `controlEveryMs` and times its delivery. Reports how long sending and converging
 * took, the control's latency and any close the clients saw.
 *
 * Input: argv[2] JSON {@link TraceInput}. Output: one `BENCH_RESULT {…}` line ({@link TraceResult}).
 */
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { loadConcurrentTrace, replayInto, type ConcurrentTraceName } from '../../tests/helpers/editing-traces.ts';
import { Histogram } from '../lib/histogram.ts';
import { RESULT_PREFIX } from '../lib/proc.ts';
import type { TargetSpec } from '../lib/systems.ts';

export interface TraceInput {
  target: TargetSpec;
  trace: ConcurrentTraceName;
  /** Transactions per second, over all agents. */
  rate: number;
  controlEveryMs: number;
  /** Give up waiting for convergence after this long. */
  timeoutMs: number;
}

export interface TraceResult {
  transactions: number;
  agents: number;
  /** Time to hand every transaction to the clients (the open-loop replay). */
  sendMs: number;
  /** Time until every agent's document held the trace's final text (null: not within the timeout). */
  convergedMs: number | null;
  controlRounds: number;
  controlP50Ms: number | null;
  controlP99Ms: number | null;
  controlMaxMs: number | null;
  /** Closes the clients saw: `code reason`. */
  closed: string[];
}

function provider(t: TargetSpec, docId: string, doc: Y.Doc): WebsocketProvider {
  const common = { WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket, disableBc: true };
  if (t.system === 'mutual') return new WebsocketProvider(`ws://127.0.0.1:${t.port}/sync`, `${t.workspaceId}/${docId}`, doc, { ...common, params: { token: t.token! } });
  if (t.system === 'reference') return new WebsocketProvider(`ws://127.0.0.1:${t.port}`, docId, doc, common);
  throw new Error(`the trace scenario has no stock client for ${t.system}`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const synced = async (p: WebsocketProvider) => {
  while (!p.synced) await sleep(10);
};
const round = (x: number) => Math.round(x * 10) / 10;

async function main(input: TraceInput): Promise<TraceResult> {
  const trace = loadConcurrentTrace(input.trace);
  const closed: string[] = [];
  const open = (docId: string) => {
    const doc = new Y.Doc();
    const p = provider(input.target, docId, doc);
    p.on('connection-close', (e) => e && closed.push(`${e.code} ${e.reason}`));
    return { doc, p };
  };
  const agents = Array.from({ length: trace.agents }, () => open(`trace-${input.trace}`));
  const [writer, reader] = [open(`control-${input.trace}`), open(`control-${input.trace}`)];
  const all = [...agents, writer, reader];
  await Promise.all(all.map((c) => synced(c.p)));

  const latency = new Histogram();
  let stop = false;
  let rounds = 0;
  const control = (async () => {
    while (!stop) {
      writer.doc.getText('t').insert(0, `r${rounds};`);
      const clock = Y.getState(writer.doc.store, writer.doc.clientID);
      const t0 = performance.now();
      while (Y.getState(reader.doc.store, writer.doc.clientID) < clock && performance.now() - t0 < input.timeoutMs) await sleep(1);
      latency.record(performance.now() - t0);
      rounds++;
      await sleep(input.controlEveryMs);
    }
  })();

  const started = performance.now();
  const { ms: sendMs } = await replayInto(trace, agents.map((a) => a.doc), input.rate);
  const text = (d: Y.Doc) => d.get('root', Y.XmlText).toString();
  while (!agents.every((a) => text(a.doc) === trace.endContent) && performance.now() - started < input.timeoutMs) await sleep(20);
  const converged = agents.every((a) => text(a.doc) === trace.endContent);
  const convergedMs = converged ? performance.now() - started : null;
  stop = true;
  await control;
  for (const c of all) {
    c.p.destroy();
    c.p.awareness.destroy();
  }
  const q = (x: number) => (latency.count ? round(latency.quantile(x)) : null);
  return {
    transactions: trace.transactions.length,
    agents: trace.agents,
    sendMs: Math.round(sendMs),
    convergedMs: convergedMs === null ? null : Math.round(convergedMs),
    controlRounds: rounds,
    controlP50Ms: q(0.5),
    controlP99Ms: q(0.99),
    controlMaxMs: latency.count ? round(latency.max) : null,
    closed
  };
}

main(JSON.parse(process.argv[2]) as TraceInput).then(
  (r) => {
    process.stdout.write(RESULT_PREFIX + JSON.stringify(r) + '\n');
    process.exit(0);
  },
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  }
);

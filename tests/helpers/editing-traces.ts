/**
 * The concurrent editing traces of /work/shared/data/editing-traces/ (friendsforever,
 * clownschool: two or three people typing into one document at once; see its README),
 * turned into the Yjs updates each person's device would have sent.
 *
 * A transaction's patches apply to the document as it was after merging its parents, so
 * each agent gets its own Y.Doc: before an agent's transaction, the ancestors it has not
 * merged yet are applied to it (in trace order, which is topological), then its patches run
 * in one Yjs transaction whose update is kept. Replaying those updates in trace order into
 * any set of Y.Docs ends with exactly the trace's `endContent` (checked here).
 *
 * Loaded the same way as the B4 trace of the cold-load bench (bench/coldload/trace.ts):
 * gunzip, JSON, every transaction replayed into the `root` Y.XmlText of Mutual's documents.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import * as Y from 'yjs';

export const TRACES_DIR = process.env.EDITING_TRACES_DIR ?? '/work/shared/data/editing-traces';
export const CONCURRENT_TRACES = ['friendsforever', 'clownschool'] as const;
export type ConcurrentTraceName = (typeof CONCURRENT_TRACES)[number];

interface ConcurrentTrace {
  endContent: string;
  numAgents: number;
  txns: { parents: number[]; agent: number; patches: [number, number, string][] }[];
}

/** One transaction as a device sends it. */
export interface TraceTransaction {
  agent: number;
  /** The transaction's own Yjs update (empty when its patches changed nothing). */
  update: Uint8Array;
  /** Transactions of other agents this agent merged just before this one (indexes, in order). */
  received: number[];
}

/** A trace ready to replay. */
export interface ReplayableTrace {
  name: string;
  agents: number;
  endContent: string;
  transactions: TraceTransaction[];
}

const LOCAL = Symbol('trace-agent');

/** Read, replay and check a concurrent trace (about a second for 26,000 transactions). */
export function loadConcurrentTrace(name: ConcurrentTraceName): ReplayableTrace {
  const trace = JSON.parse(zlib.gunzipSync(fs.readFileSync(`${TRACES_DIR}/${name}.json.gz`)).toString('utf8')) as ConcurrentTrace;
  const n = trace.txns.length;
  const docs = Array.from({ length: trace.numAgents }, (_, a) => {
    const doc = new Y.Doc();
    doc.clientID = 1 + a;
    return doc;
  });
  // merged[a][i]: agent a's document holds transaction i.
  const merged = docs.map(() => new Uint8Array(n));
  const transactions: TraceTransaction[] = [];
  for (let i = 0; i < n; i++) {
    const { agent, parents, patches } = trace.txns[i];
    const doc = docs[agent];
    const received = unmergedAncestors(trace, merged[agent], parents);
    for (const j of received) {
      Y.applyUpdate(doc, transactions[j].update);
      merged[agent][j] = 1;
    }
    transactions.push({ agent, update: runPatches(doc, patches), received });
    merged[agent][i] = 1;
  }
  const check = new Y.Doc();
  for (const t of transactions) if (t.update.byteLength > 0) Y.applyUpdate(check, t.update);
  const text = check.get('root', Y.XmlText).toString();
  if (text !== trace.endContent) throw new Error(`${name} replay diverged: ${text.length} characters, expected ${trace.endContent.length}`);
  for (const d of [...docs, check]) d.destroy();
  return { name, agents: trace.numAgents, endContent: trace.endContent, transactions };
}

/** Ancestors of `parents` the agent has not merged, in trace order (a merged one's ancestors are merged too). */
function unmergedAncestors(trace: ConcurrentTrace, merged: Uint8Array, parents: number[]): number[] {
  const found = new Set<number>();
  const stack = [...parents];
  while (stack.length > 0) {
    const j = stack.pop()!;
    if (merged[j] || found.has(j)) continue;
    found.add(j);
    stack.push(...trace.txns[j].parents);
  }
  return [...found].sort((x, y) => x - y);
}

/** Run a transaction's patches on the agent's text; its update. */
function runPatches(doc: Y.Doc, patches: [number, number, string][]): Uint8Array {
  let update: Uint8Array = new Uint8Array(0);
  const keep = (u: Uint8Array, origin: unknown) => {
    if (origin === LOCAL) update = u;
  };
  doc.on('update', keep);
  const text = doc.get('root', Y.XmlText);
  doc.transact(() => {
    for (const [pos, del, ins] of patches) {
      if (del > 0) text.delete(pos, del);
      if (ins) text.insert(pos, ins);
    }
  }, LOCAL);
  doc.off('update', keep);
  return update;
}

/**
 * Replay a trace's transactions, open loop at `perSecond`, into each agent's Y.Doc (a stock
 * client's document): before its own transaction, an agent's document gets the other agents'
 * updates it had merged (as if they arrived; Yjs ignores those it already has), all in one
 * Yjs transaction, so the client sends one message per transaction, as a device does.
 * Resolves when every transaction was applied.
 */
export async function replayInto(trace: ReplayableTrace, docs: Y.Doc[], perSecond: number): Promise<{ ms: number }> {
  const started = performance.now();
  const all = trace.transactions;
  for (let i = 0; i < all.length; ) {
    const due = Math.floor(((performance.now() - started) * perSecond) / 1000) + 1;
    for (; i < Math.min(due, all.length); i++) {
      const t = all[i];
      docs[t.agent].transact(() => {
        for (const j of t.received) Y.applyUpdate(docs[t.agent], all[j].update);
        if (t.update.byteLength > 0) Y.applyUpdate(docs[t.agent], t.update);
      });
    }
    // Yield to the event loop (sockets, timers) between slices of transactions.
    await new Promise((r) => setTimeout(r, 1));
  }
  return { ms: performance.now() - started };
}

/**
 * The B4 editing trace (automerge-paper) replayed into a Y.Doc, one Yjs update per
 * transaction, generated at bench time (see /work/shared/data/editing-traces/README.md).
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import * as Y from 'yjs';

export const TRACE_PATH = process.env.B4_TRACE ?? '/work/shared/data/editing-traces/automerge-paper.json.gz';

interface SequentialTrace {
  startContent: string;
  endContent: string;
  txns: { patches: [number, number, string][] }[];
}

/**
 * Replay the trace into the text of the Lexical root (a Y.XmlText named 'root', as in
 * Mutual's documents) and return every transaction's update, in order. Throws if the
 * replayed text does not equal the trace's endContent. `limit` replays only the first
 * transactions (quick runs), and then skips that check.
 */
export function replayB4(limit = Number.POSITIVE_INFINITY, path = TRACE_PATH): { updates: Uint8Array[]; doc: Y.Doc; chars: number } {
  const trace = JSON.parse(zlib.gunzipSync(fs.readFileSync(path)).toString('utf8')) as SequentialTrace;
  const doc = new Y.Doc();
  const text = doc.get('root', Y.XmlText);
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  if (trace.startContent) text.insert(0, trace.startContent);
  for (const txn of trace.txns.slice(0, Math.min(limit, trace.txns.length))) {
    doc.transact(() => {
      for (const [pos, del, ins] of txn.patches) {
        if (del > 0) text.delete(pos, del);
        if (ins) text.insert(pos, ins);
      }
    });
  }
  const result = text.toString();
  if (limit >= trace.txns.length && result !== trace.endContent) throw new Error(`B4 replay diverged: ${result.length} chars vs ${trace.endContent.length} expected`);
  return { updates, doc, chars: result.length };
}

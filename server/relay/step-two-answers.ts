/**
 * The relay's answers to sync step 1 on one document, and what each cost to make.
 *
 * Yjs's answer (`Y.encodeStateAsUpdate(doc, stateVector)`) walks every struct of the document
 * to find its delete set, however little it sends: on a document of 200,000 structs ≈ 4 ms of
 * the relay's one thread for an answer of a few kilobytes (docs/performance.md). A member
 * repeating the ask by hand (the message budget allows 500 a second) could so keep the relay
 * busy for everyone. Two things close that:
 * - the delete set is read once per change of the document and kept, so the usual ask — a
 *   device that lacks nothing, probing whether the relay holds its edits — walks nothing;
 * - every walk of the store is charged to the asker as bytes encoded (one per struct walked;
 *   walking a struct costs the relay about half what encoding a byte does), with the bytes of
 *   the answer encoded, so an ask that does walk (a device lacking something) costs its work.
 */
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { equalBytes } from '#shared/bytes';
import { encodeServedState } from './served-state.ts';

type DeleteRanges = Map<number, { clock: number; len: number }[]>;

/**
 * An answer to a sync step 1: the update sent, and the bytes it cost the relay to make
 * (what the asker's budget is charged: the encoding, and a walk of the store counted as a byte
 * per struct — a small answer cut from a large encoding costs the encoding).
 */
export interface ServedAnswer {
  update: Uint8Array;
  encodedBytes: number;
}

/** A delete set as Yjs's v1 encoding writes it (`writeDeleteSet`: clients in descending order). */
function encodeDeleteSet(clients: DeleteRanges): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, clients.size);
  for (const [client, ranges] of [...clients].sort((a, b) => b[0] - a[0])) {
    encoding.writeVarUint(e, client);
    encoding.writeVarUint(e, ranges.length);
    for (const { clock, len } of ranges) {
      encoding.writeVarUint(e, clock);
      encoding.writeVarUint(e, len);
    }
  }
  return encoding.toUint8Array(e);
}

/** The deleted ranges at or after each client's clock in `stateVector` (what a peer holding it cannot know of). */
function deletionsAfter(clients: DeleteRanges, stateVector: Map<number, number>): DeleteRanges {
  const after: DeleteRanges = new Map();
  for (const [client, ranges] of clients) {
    const from = stateVector.get(client) ?? 0;
    const kept = [];
    for (const { clock, len } of ranges) {
      const start = Math.max(clock, from);
      if (clock + len > start) kept.push({ clock: start, len: clock + len - start });
    }
    if (kept.length > 0) after.set(client, kept);
  }
  return after;
}

/** How many structs the document's store holds (what a walk for its delete set visits). */
function structCount(store: Y.Doc['store']): number {
  let count = 0;
  for (const structs of store.clients.values()) count += structs.length;
  return count;
}

/** Whether a peer holding `stateVector` has every struct the document integrated. */
function lacksNothing(ydoc: Y.Doc, stateVector: Map<number, number>): boolean {
  for (const [client, structs] of ydoc.store.clients) {
    const last = structs[structs.length - 1];
    if (last && (stateVector.get(client) ?? 0) < last.id.clock + last.length) return false;
  }
  return true;
}

const concat = (head: Uint8Array, tail: Uint8Array): Uint8Array => {
  const out = new Uint8Array(head.byteLength + tail.byteLength);
  out.set(head);
  out.set(tail, head.byteLength);
  return out;
};

const NO_STRUCTS = new Uint8Array([0]);

/**
 * Whether this Yjs answers a peer that lacks nothing with an empty struct section followed by
 * the delete set as {@link encodeDeleteSet} writes it (checked once on a small document; if
 * not — another Yjs — every answer is Yjs's own).
 */
let yjsAnswerShapeChecked: boolean | null = null;
function yjsAnswersAsWeEncode(): boolean {
  if (yjsAnswerShapeChecked !== null) return yjsAnswerShapeChecked;
  const probe = new Y.Doc();
  const other = new Y.Doc();
  probe.getText('t').insert(0, 'abcdef');
  other.getText('t').insert(0, 'ghijkl');
  Y.applyUpdate(probe, Y.encodeStateAsUpdate(other));
  probe.getText('t').delete(1, 2);
  probe.getText('t').delete(6, 3);
  const expected = Y.encodeStateAsUpdate(probe, Y.encodeStateVector(probe));
  const ours = concat(NO_STRUCTS, encodeDeleteSet(Y.createDeleteSetFromStructStore(probe.store).clients as DeleteRanges));
  yjsAnswerShapeChecked = equalBytes(expected, ours);
  return yjsAnswerShapeChecked;
}

/**
 * One document's answers to sync step 1. `deletions: 'all'` answers as Yjs does (everything the
 * peer lacks and the whole delete set); `'new'`, for a later answer on a live connection (whose
 * deletions of what it holds came to it as updates), only the deletions of what it lacks.
 */
export class StepTwoAnswers {
  /** The document's delete set, read at most once per change of the document. */
  private deleteSet: { ranges: DeleteRanges; encoded: Uint8Array } | null = null;
  /** How many times the store was walked for its delete set, by this or by Yjs (read by tests). */
  walks = 0;

  constructor(private readonly ydoc: Y.Doc) {
    ydoc.on('afterTransaction', this.forget);
  }

  private readonly forget = (): void => {
    this.deleteSet = null;
  };

  /** Stop watching the document. */
  destroy(): void {
    this.ydoc.off('afterTransaction', this.forget);
  }

  /** The answer to a peer holding `stateVector` (throws if it is malformed). */
  answer(stateVector: Uint8Array, deletions: 'all' | 'new'): ServedAnswer {
    const peerHas = Y.decodeStateVector(stateVector);
    let walked = 0;
    if (!this.deleteSet) {
      const ranges = Y.createDeleteSetFromStructStore(this.ydoc.store).clients as DeleteRanges;
      this.deleteSet = { ranges, encoded: encodeDeleteSet(ranges) };
      walked += this.walk();
    }
    const { ranges, encoded } = this.deleteSet;
    if (lacksNothing(this.ydoc, peerHas) && yjsAnswersAsWeEncode()) {
      const update = concat(NO_STRUCTS, deletions === 'all' ? encoded : encodeDeleteSet(deletionsAfter(ranges, peerHas)));
      return { update, encodedBytes: NO_STRUCTS.byteLength + encoded.byteLength + walked };
    }
    const whole = encodeServedState(this.ydoc, stateVector);
    walked += this.walk();
    const encodedBytes = whole.byteLength + walked;
    if (deletions === 'all') return { update: whole, encodedBytes };
    const structsLength = whole.byteLength - encoded.byteLength;
    if (structsLength < 0 || !equalBytes(whole.subarray(structsLength), encoded)) return { update: whole, encodedBytes };
    return { update: concat(whole.subarray(0, structsLength), encodeDeleteSet(deletionsAfter(ranges, peerHas))), encodedBytes };
  }

  /** Count one walk of the store; what it is charged, in bytes. */
  private walk(): number {
    this.walks++;
    return structCount(this.ydoc.store);
  }
}

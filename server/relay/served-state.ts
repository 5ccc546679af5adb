/**
 * What the relay stores and sends of a document: the structs Yjs integrated, never the
 * ones it holds back. Yjs keeps an update whose dependencies are missing aside ("pending
 * structs") and `Y.encodeStateAsUpdate` merges those into its output. Held-back structs
 * were never accepted: not in the store's log (the document's update event carries only
 * what was integrated), not relayed to anyone. Merged into a snapshot or a sync step 2
 * they can become integrable there, and a hostile one then throws (issue 28: every later
 * load of the document failed with it).
 */
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { equalBytes } from '#shared/bytes';

/** `Y.encodeStateAsUpdate(ydoc, stateVector)` without held-back structs and deletions. */
export function encodeServedState(ydoc: Y.Doc, stateVector?: Uint8Array): Uint8Array {
  const store = ydoc.store;
  const { pendingStructs, pendingDs } = store;
  // Detached for one synchronous call only: nothing else can observe the store meanwhile.
  store.pendingStructs = null;
  store.pendingDs = null;
  try {
    return Y.encodeStateAsUpdate(ydoc, stateVector);
  } finally {
    store.pendingStructs = pendingStructs;
    store.pendingDs = pendingDs;
  }
}

type DeleteRanges = Map<number, { clock: number; len: number }[]>;

/**
 * An answer to a sync step 1: the update sent, and how many bytes the relay encoded to make it
 * (what the answer costs the sender's budget: a small answer cut from a large encoding costs
 * the encoding, or repeating the ask would keep the relay busy for free).
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

/**
 * What a peer holding `stateVector` lacks, with only the deletions of what it lacks — not the
 * document's whole delete set, which `Y.encodeStateAsUpdate` always writes (on a long-edited
 * document most of an answer: ≈ 10 KB on the B4 trace's, against a few bytes of structs for a
 * device that is up to date). For a later answer on a live connection, whose deletions of what
 * the peer already holds came to it as updates. Should the encoding not end as Yjs's v1 delete
 * set is written (another Yjs), the whole answer.
 */
export function encodeServedStateNewDeletions(ydoc: Y.Doc, stateVector: Uint8Array): ServedAnswer {
  const whole = encodeServedState(ydoc, stateVector);
  const deletions = Y.createDeleteSetFromStructStore(ydoc.store).clients as DeleteRanges;
  const wholeDeleteSet = encodeDeleteSet(deletions);
  const structsLength = whole.byteLength - wholeDeleteSet.byteLength;
  if (structsLength < 0 || !equalBytes(whole.subarray(structsLength), wholeDeleteSet)) return { update: whole, encodedBytes: whole.byteLength };
  const newDeleteSet = encodeDeleteSet(deletionsAfter(deletions, Y.decodeStateVector(stateVector)));
  const update = new Uint8Array(structsLength + newDeleteSet.byteLength);
  update.set(whole.subarray(0, structsLength));
  update.set(newDeleteSet, structsLength);
  return { update, encodedBytes: whole.byteLength };
}

/** Whether `update` applies to an empty document without throwing (what a load will do). */
export function appliesCleanly(update: Uint8Array): boolean {
  const scratch = new Y.Doc({ gc: true });
  try {
    Y.applyUpdate(scratch, update);
    return true;
  } catch {
    return false;
  } finally {
    scratch.destroy();
  }
}

/**
 * How often a connection's answers carry the whole delete set again. A live socket receives
 * every deletion as an update (in order, or the socket dies and the device reconnects to a
 * whole answer), so this is a safety net for whatever an update did not bring, not the path.
 */
export const WHOLE_DELETE_SET_EVERY_MS = 60_000;

/**
 * Which of one connection's sync step 2 answers carry the whole delete set: the first (a device
 * that was away learns the deletions it missed), then one at most every
 * {@link WHOLE_DELETE_SET_EVERY_MS}; the others (a device's probes, once a second while it types)
 * only the deletions of what the device lacks.
 */
export class DeleteSetSchedule {
  private lastWholeAt = Number.NEGATIVE_INFINITY;

  /** The kind of deletions the answer being written now carries. */
  next(now: number): 'all' | 'new' {
    if (now - this.lastWholeAt < WHOLE_DELETE_SET_EVERY_MS) return 'new';
    this.lastWholeAt = now;
    return 'all';
  }
}

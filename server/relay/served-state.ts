/**
 * What the relay stores and sends of a document: the structs Yjs integrated, never the
 * ones it holds back. Yjs keeps an update whose dependencies are missing aside ("pending
 * structs") and `Y.encodeStateAsUpdate` merges those into its output. Held-back structs
 * were never accepted: not in the store's log (the document's update event carries only
 * what was integrated), not relayed to anyone. Merged into a snapshot or a sync step 2
 * they can become integrable there, and a hostile one then throws (issue 28: every later
 * load of the document failed with it).
 */
import * as Y from 'yjs';

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

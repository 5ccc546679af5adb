/**
 * Helpers shared by the model's unit tests (not part of the model's API): replicas with fixed
 * client ids, full pairwise sync, and the code of a refused mutation.
 */
import * as Y from 'yjs';
import { ModelError } from './errors';

/** A fresh Y.Doc with a fixed client id, so concurrent orderings are reproducible. */
export function replica(clientID: number): Y.Doc {
  const d = new Y.Doc();
  d.clientID = clientID;
  return d;
}

/** Exchange everything between every pair of replicas. */
export function sync(...docs: Y.Doc[]): void {
  for (const a of docs) for (const b of docs) if (a !== b) Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
}

/** The ModelError code `fn` throws, or 'no error'; other errors propagate. */
export function errorCode(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof ModelError) return e.code;
    throw e;
  }
  return 'no error';
}

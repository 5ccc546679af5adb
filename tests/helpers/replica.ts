/**
 * A client replica of a relay's document for tests of the relay's inspection: changes made on
 * it are captured as exactly the update a client would send.
 */
import * as Y from 'yjs';

/** A replica of `relay` with Yjs client id `clientID`; `change(fn)` returns the update `fn` produces. */
export function replica(relay: Y.Doc, clientID: number) {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(relay));
  return {
    doc,
    /** The update `fn` produces (what the client would send). */
    change(fn: (d: Y.Doc) => void): Uint8Array {
      const before = Y.encodeStateVector(doc);
      fn(doc);
      return Y.encodeStateAsUpdate(doc, before);
    }
  };
}

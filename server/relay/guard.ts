/**
 * Parts of a document only the server may change. The workspace index's member directory
 * (names, roles, coordinator flags, ballot-signing public keys) is written by the server
 * from the membership database; a client that writes it — a modified client adding its
 * own key to someone else's list to forge their ballots, or promoting itself — is refused.
 * Honest clients change their profile through the HTTP API (PATCH members/:id).
 */
import * as Y from 'yjs';
import { INDEX_DOC_ID } from '#shared/protocol';
import { IndexKeys } from '#shared/model/schema';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Yjs types are invariant in their event type
type AnyType = Y.AbstractType<any>;

/** Root types of the index document that only the server writes. */
const SERVER_ONLY_INDEX_ROOTS = [IndexKeys.members] as const;

/** Whether documents with this id have server-only parts (only the index does). */
export function hasServerOnlyParts(docId: string): boolean {
  return docId === INDEX_DOC_ID;
}

/**
 * True when applying `update` to `current` would change a server-only root type.
 * Checked on a scratch copy (the index document is small and written rarely), including
 * the structs the live document holds back for missing dependencies, so an update that
 * only releases an earlier held-back write is caught too.
 */
export function touchesServerOnlyParts(current: Y.Doc, update: Uint8Array): boolean {
  const scratch = new Y.Doc({ gc: false });
  try {
    Y.applyUpdate(scratch, Y.encodeStateAsUpdate(current));
    const pending = current.store.pendingStructs?.update;
    if (pending) Y.applyUpdate(scratch, pending);
    const pendingDs = current.store.pendingDs;
    if (pendingDs) Y.applyUpdate(scratch, pendingDs);
    const protectedTypes = new Set<AnyType>(SERVER_ONLY_INDEX_ROOTS.map((name) => scratch.getMap(name) as AnyType));
    let touched = false;
    scratch.on('afterTransaction', (tr: Y.Transaction) => {
      for (const type of tr.changed.keys()) if (protectedTypes.has(rootOf(type))) touched = true;
    });
    Y.applyUpdate(scratch, update);
    return touched;
  } finally {
    scratch.destroy();
  }
}

/** The root type a (possibly nested) shared type belongs to. */
function rootOf(type: AnyType): AnyType {
  let t = type;
  while (t._item && t._item.parent instanceof Y.AbstractType) t = t._item.parent as AnyType;
  return t;
}

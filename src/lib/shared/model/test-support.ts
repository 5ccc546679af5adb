/**
 * Helpers shared by the model's unit tests (not part of the model's API): replicas with fixed
 * client ids, full pairwise sync, and the code of a refused mutation.
 */
import * as Y from 'yjs';
import { BLOCK_NODE_TYPE } from './anchors';
import { getBlocks, getRoot } from './doc';
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

/**
 * Put block nodes at the end of the document's text as the editor's binding (@lexical/yjs)
 * stores them: a Y.XmlElement holding the node's properties as attributes, embedded in the
 * root Y.XmlText. Returns the elements (to take one out again, as undo does).
 */
export function placeInText(doc: Y.Doc, ...blockIds: string[]): Y.XmlElement[] {
  const root = getRoot(doc);
  return blockIds.map((blockId) => {
    const node = new Y.XmlElement();
    doc.transact(() => {
      root.insertEmbed(root.length, node);
      node.setAttribute('__type', BLOCK_NODE_TYPE);
      node.setAttribute('__blockId', blockId);
      node.setAttribute('__blockKind', 'task');
    });
    return node;
  });
}

/** Every block of the document placed in its text: a document as the editor leaves it. */
export function placeAllInText(doc: Y.Doc): void {
  placeInText(doc, ...[...getBlocks(doc).keys()].sort());
}

/** Take a block's node out of the text (what undo of its insertion does). */
export function removeFromText(doc: Y.Doc, node: Y.XmlElement): void {
  const root = getRoot(doc);
  const index = root.toDelta().findIndex((op: { insert?: unknown }) => op.insert === node);
  if (index >= 0) root.delete(index, 1);
}

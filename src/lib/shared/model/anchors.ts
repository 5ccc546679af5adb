/**
 * Which blocks a document shows: those *anchored* in its text.
 *
 * A block's state lives in the document's `blocks` map; its place in the text is a Lexical
 * decorator node that holds only the block id (doc.ts). The two can part: undo takes a node
 * out of the text and leaves the state (a model change is never undone), an insertion the
 * editor rejected leaves a state without a node, a peer may delete the text around a block.
 * Such a block is not deleted — undo and redo bring its node back, and it may hold other
 * members' ballots or claims (the relay refuses deleting those) — but no board, dashboard or
 * log shows it: the views across documents count anchored blocks only.
 *
 * Anchored means: the text holds the block's node, or the block hangs off an anchored block
 * and never had a node of its own — a proposal's follow-up task (`fromProposal`), an agenda
 * item's action item (`linkedTasks`). Entries of a needs board are listed by the board, not
 * placed in the text, so needs are not filtered by this (see needs-board.ts).
 *
 * How the text stores a node: @lexical/yjs (v1 binding) keeps the root as a Y.XmlText; an
 * element node (paragraph, heading, list…) is a Y.XmlText embedded in its parent, a decorator
 * node a Y.XmlElement whose attributes are the node's properties: `__type` is
 * {@link BLOCK_NODE_TYPE}, `__blockId` the id. Finding the ids is one walk over the items of
 * the root and its elements, skipping text runs without reading them: cheap, and a pure
 * function of the document's state (every replica agrees). Measured in anchors.test.ts.
 *
 * Depends only on yjs and the schema's key names, so doc.ts can use it.
 */
import * as Y from 'yjs';
import { DocKeys } from './schema';

/** Lexical's type name of Mutual's block node (BlockNode.getType() in the editor). */
export const BLOCK_NODE_TYPE = 'mutual-block';
/** The attribute @lexical/yjs stores a BlockNode's `__blockId` property under. */
const BLOCK_ID_ATTRIBUTE = '__blockId';

/** Ids of the block nodes in the document's text (at any depth), in text order. */
export function blockIdsInText(doc: Y.Doc): string[] {
  const ids: string[] = [];
  const root = doc.get(DocKeys.root, Y.XmlText) as Y.XmlText;
  // An explicit stack, not recursion: a hostile peer may nest elements deeply.
  const stack: Array<Y.Item | null> = [root._start];
  while (stack.length > 0) {
    let item = stack.pop() ?? null;
    while (item !== null) {
      const next = item.right;
      if (!item.deleted && item.content instanceof Y.ContentType) {
        const child = item.content.type;
        if (child instanceof Y.XmlText) {
          // Finish this level after the child's content: text order.
          stack.push(next);
          stack.push(child._start);
          break;
        }
        if (child instanceof Y.XmlElement && child.getAttribute('__type') === BLOCK_NODE_TYPE) {
          const id: unknown = child.getAttribute(BLOCK_ID_ATTRIBUTE);
          if (typeof id === 'string' && id !== '') ids.push(id);
        }
      }
      item = next;
    }
  }
  return ids;
}

/** Ids of every block the document shows (see the module comment); a block of any type. */
export function anchoredBlockIds(doc: Y.Doc): Set<string> {
  const anchored = new Set(blockIdsInText(doc));
  const blocks = doc.getMap<unknown>(DocKeys.blocks);
  const hangsOff: string[] = [];
  blocks.forEach((value, id) => {
    if (!(value instanceof Y.Map) || anchored.has(id)) return;
    const from = value.get('fromProposal');
    if (typeof from === 'string' && anchored.has(from)) hangsOff.push(id);
  });
  for (const id of [...anchored]) {
    const block = blocks.get(id);
    const links = block instanceof Y.Map ? block.get('linkedTasks') : undefined;
    if (links instanceof Y.Map) for (const taskId of links.keys()) hangsOff.push(taskId);
  }
  for (const id of hangsOff) anchored.add(id);
  return anchored;
}

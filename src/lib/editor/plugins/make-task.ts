import { $createListNode, $isListItemNode, $isListNode, type ListItemNode } from '@lexical/list';
import {
  $getNodeByKey,
  $getSelection,
  $isRangeSelection,
  $isRootOrShadowRoot,
  COMMAND_PRIORITY_EDITOR,
  createCommand,
  type LexicalCommand,
  type LexicalEditor,
  type LexicalNode,
  type NodeKey
} from 'lexical';
import type * as Y from 'yjs';
import type { Actor } from '../../shared/model/doc.ts';
import { markTaskDone } from '../../shared/model/task.ts';
import { createBlockState } from '../blocks.ts';
import { $caretAfterBlock } from '../insert-block.ts';
import { $createBlockNode, type BlockNode } from '../nodes/BlockNode.ts';
import { m } from '../../paraglide/messages.js';

/**
 * "Make task": turn a check-list item into a task block whose title is the item's text,
 * so a to-do jotted in meeting notes becomes something a member can claim. The payload is
 * the list item's key; without one, the check-list item at the caret.
 */
export const MAKE_TASK_COMMAND: LexicalCommand<NodeKey | undefined> = createCommand('MAKE_TASK_COMMAND');

/** The check-list item holding the caret, or null (call inside a read or update). */
export function $checkListItemAtSelection(): ListItemNode | null {
  const selection = $getSelection();
  if (!$isRangeSelection(selection)) return null;
  let node: LexicalNode | null = selection.anchor.getNode();
  while (node !== null && !$isListItemNode(node)) node = node.getParent();
  const list = node?.getParent();
  return node && $isListNode(list) && list.getListType() === 'check' ? node : null;
}

/**
 * Put `block` where `item` was. A block cannot live inside a list, so the list is split
 * around it: items before stay in the list, items after move to a new list of the same
 * type below the block. A nested item's block goes below its whole top-level list.
 */
function $replaceItemWithBlock(item: ListItemNode, block: BlockNode): void {
  const list = item.getParent();
  if (!$isListNode(list)) return;
  if ($isRootOrShadowRoot(list.getParent())) {
    const after = item.getNextSiblings();
    if (after.length > 0) {
      const rest = $createListNode(list.getListType());
      rest.append(...after);
      list.insertAfter(rest);
    }
    list.insertAfter(block);
    item.remove();
    if (list.getChildrenSize() === 0) list.remove();
  } else {
    list.getTopLevelElementOrThrow().insertAfter(block);
    item.remove();
  }
  $caretAfterBlock(block);
}

/** Handle {@link MAKE_TASK_COMMAND} in `editor`, creating task state in `doc` as `actor`. */
export function registerMakeTask(editor: LexicalEditor, doc: Y.Doc, actor: () => Actor): () => void {
  return editor.registerCommand(
    MAKE_TASK_COMMAND,
    (key) => {
      const found = editor.getEditorState().read(() => {
        const node = key ? $getNodeByKey(key) : $checkListItemAtSelection();
        return $isListItemNode(node) ? { key: node.getKey(), title: node.getTextContent().trim(), checked: node.getChecked() === true } : null;
      });
      if (!found) return false;
      // State first, node second: a node must never point at a block that does not exist.
      const blockId = createBlockState(doc, 'task', actor(), found.title || m.blocks_new_task());
      // A ticked item was already done: keep that, rather than put it back on the board.
      if (found.checked) markTaskDone(doc, blockId, actor());
      editor.update(() => {
        const item = $getNodeByKey(found.key);
        if ($isListItemNode(item)) $replaceItemWithBlock(item, $createBlockNode(blockId, 'task'));
      });
      return true;
    },
    COMMAND_PRIORITY_EDITOR
  );
}

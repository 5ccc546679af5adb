import { $insertNodeToNearestRoot, mergeRegister } from '@lexical/utils';
import {
  $createParagraphNode,
  $getSelection,
  $isDecoratorNode,
  $isParagraphNode,
  $isRangeSelection,
  $isTextNode,
  COMMAND_PRIORITY_EDITOR,
  type EditorState,
  type LexicalEditor,
  type LexicalNode
} from 'lexical';
import type * as Y from 'yjs';
import type { Actor } from '../shared/model/doc.ts';
import { createBlockState } from './blocks.ts';
import { $createBlockNode, $isBlockNode, BLOCK_LABELS, INSERT_BLOCK_COMMAND, type BlockKind, type BlockNode } from './nodes/BlockNode.ts';
import { m } from '../paraglide/messages.js';

/**
 * Put a block where the caret is. On an empty paragraph (where "/task" was just typed) the
 * block takes the paragraph's place instead of leaving a blank line above it. The caret then
 * goes to the line after the block (see {@link $caretAfterBlock}).
 */
export function $insertBlock(node: BlockNode): void {
  const selection = $getSelection();
  const top = $isRangeSelection(selection) ? selection.anchor.getNode().getTopLevelElement() : null;
  // After "/task" is removed an empty text node may remain (it holds the caret's format).
  if ($isParagraphNode(top) && top.getTextContentSize() === 0 && top.getChildren().every($isTextNode)) {
    top.replace(node);
  } else {
    $insertNodeToNearestRoot(node);
  }
  $caretAfterBlock(node);
}

/**
 * Put the caret at the start of the line after a block just put into the text, adding an
 * empty line when the block ends the document or another block follows it.
 *
 * Why always: the line the block replaced held the caret. Left there, the caret points at a
 * removed node — Lexical then rejects the whole update (error #19, "selection has been lost")
 * and nothing is inserted — or at the root between two blocks, where typing has no line to
 * go to. A line between two blocks is also where a person keeps writing.
 */
export function $caretAfterBlock(block: LexicalNode): void {
  const next = block.getNextSibling();
  if (next !== null && !$isDecoratorNode(next)) next.selectStart();
  else block.insertAfter($createParagraphNode()).selectStart();
}

/** True when `state` (an editor's text) holds a block node pointing at `blockId`. */
export function stateHasBlock(state: EditorState, blockId: string): boolean {
  for (const node of state._nodeMap.values()) {
    if ($isBlockNode(node) && node.__blockId === blockId) return true;
  }
  return false;
}

/**
 * Handle {@link INSERT_BLOCK_COMMAND} (slash menu, toolbar): create the block's state in
 * `doc` as `actor`, then put its node at the caret. When the editor refuses the change,
 * `onFailed` gets a sentence for the person.
 */
export function registerInsertBlock(
  editor: LexicalEditor,
  doc: Y.Doc,
  actor: () => Actor,
  onFailed: (kind: BlockKind, message: string) => void
): () => void {
  /** The insertion waiting for its update to be committed — or rejected. */
  let pending: { blockId: string; kind: BlockKind } | null = null;
  return mergeRegister(
    editor.registerCommand(
      INSERT_BLOCK_COMMAND,
      ({ kind }) => {
        // State first, node second: a node must never point at a block that does not exist.
        const blockId = createBlockState(doc, kind, actor());
        pending = { blockId, kind };
        editor.update(() => $insertBlock($createBlockNode(blockId, kind)));
        return true;
      },
      COMMAND_PRIORITY_EDITOR
    ),
    // The first commit after the command holds the insertion, or the text as it was when
    // Lexical rejected the update (it reports the error through onError and reverts the whole
    // update; an `onUpdate` callback would only run with a later commit). A state left without
    // a node shows nowhere (the model's views count only blocks anchored in the text), so there
    // is nothing to undo; the person needs to know, though.
    editor.registerUpdateListener(({ editorState }) => {
      if (!pending) return;
      const { blockId, kind } = pending;
      pending = null;
      if (!stateHasBlock(editorState, blockId)) {
        onFailed(kind, m.insert_block_failed({ kind: BLOCK_LABELS[kind].toLowerCase() }));
      }
    })
  );
}

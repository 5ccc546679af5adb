import { $isLinkNode } from '@lexical/link';
import { mergeRegister } from '@lexical/utils';
import {
  $getSelection,
  $isElementNode,
  $isTextNode,
  COMMAND_PRIORITY_HIGH,
  COPY_COMMAND,
  CUT_COMMAND,
  type LexicalEditor,
  type LexicalNode,
  SELECTION_INSERT_CLIPBOARD_NODES_COMMAND
} from 'lexical';
import type * as Y from 'yjs';
import { $isBlockNode, type BlockKind } from '../nodes/BlockNode.ts';
import { sanitizeUrl } from '../url.ts';

/** What the paste path needs from the block model: make a copy under a new id. */
export interface BlockCopier {
  /**
   * Copy the state of `blockId` (found in `source`, or nowhere) into this document under a
   * new id, and return that id; null drops the pasted block.
   */
  copy(blockId: string, kind: BlockKind, source: Y.Doc | null): string | null;
}

/**
 * Which document each recently copied block came from, so a paste into another document
 * of this tab can copy its state. The system clipboard only carries Lexical JSON (the id);
 * pasting into another tab or device finds no source and gets a fresh block of that kind.
 * Page-wide on purpose: the clipboard is page-wide too. Weak so closed docs can be freed.
 */
const copiedFrom = new Map<string, WeakRef<Y.Doc>>();

/**
 * Clean pasted content before it lands in the document:
 * - drop inline styles (Google Docs and Word paste fonts, colours and sizes as `style`);
 *   formats (bold, italic…), headings, lists and links survive as nodes;
 * - links go through the sanitiser; a refused link (javascript:…) keeps its text only;
 * - every pasted block gets a new id with a copy of the state, so two nodes never share
 *   one block's votes or claims by accident.
 * Classes, scripts and event handlers never survive Lexical's HTML import (it builds
 * nodes, not DOM), so there is nothing to strip for them; the tests check it.
 */
export function registerPasteSanitiser(editor: LexicalEditor, doc: Y.Doc, blocks: BlockCopier): () => void {
  const rememberCopiedBlocks = (): false => {
    const selection = $getSelection();
    for (const node of selection?.getNodes() ?? []) {
      if ($isBlockNode(node)) copiedFrom.set(node.getBlockId(), new WeakRef(doc));
    }
    return false; // let rich text do the actual copy
  };

  return mergeRegister(
    editor.registerCommand(COPY_COMMAND, rememberCopiedBlocks, COMMAND_PRIORITY_HIGH),
    editor.registerCommand(CUT_COMMAND, rememberCopiedBlocks, COMMAND_PRIORITY_HIGH),
    editor.registerCommand(
      SELECTION_INSERT_CLIPBOARD_NODES_COMMAND,
      ({ nodes }) => {
        $sanitiseNodes(nodes, doc, blocks);
        return false; // nodes were cleaned in place; the default insertion proceeds
      },
      COMMAND_PRIORITY_HIGH
    )
  );
}

/**
 * Clean pasted top-level nodes in place (exported for tests). The array itself is edited:
 * a refused top-level link is replaced by its children.
 */
export function $sanitiseNodes(nodes: LexicalNode[], doc: Y.Doc, blocks: BlockCopier): void {
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i];
    if ($isLinkNode(node) && node.getParent() === null && sanitizeUrl(node.getURL()) === null) {
      const children = node.getChildren();
      for (const child of children) child.remove();
      nodes.splice(i, 1, ...children);
      i--;
      continue;
    }
    $sanitiseNode(node, doc, blocks);
  }
  for (let i = nodes.length - 1; i >= 0; i--) {
    // Blocks the copier refused were removed; drop them from the list too.
    const node = nodes[i];
    if ($isBlockNode(node) && node.getBlockId() === '') nodes.splice(i, 1);
  }
}

function $sanitiseNode(node: LexicalNode, doc: Y.Doc, blocks: BlockCopier): void {
  if ($isTextNode(node)) {
    if (node.getStyle() !== '') node.setStyle('');
    return;
  }
  if ($isBlockNode(node)) {
    const sourceDoc = copiedFrom.get(node.getBlockId())?.deref() ?? null;
    const newId = blocks.copy(node.getBlockId(), node.getBlockKind(), sourceDoc);
    if (newId !== null) node.setBlockId(newId);
    else if (node.getParent() !== null) node.remove();
    else node.getWritable().__blockId = ''; // top level: filtered out by $sanitiseNodes
    return;
  }
  if (!$isElementNode(node)) return;
  if (node.getStyle() !== '') node.setStyle('');
  if ($isLinkNode(node)) {
    const safe = sanitizeUrl(node.getURL());
    if (safe === null) {
      const children = node.getChildren();
      for (const child of children) $sanitiseNode(child, doc, blocks);
      // Top-level links were unwrapped by $sanitiseNodes; nested ones have a parent.
      for (const child of children) node.insertBefore(child);
      node.remove();
      return;
    }
    node.setURL(safe);
    node.setTarget('_blank');
    node.setRel('noopener noreferrer');
  }
  for (const child of node.getChildren()) $sanitiseNode(child, doc, blocks);
}

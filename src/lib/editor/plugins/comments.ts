/**
 * Comment anchors in the text (issue 22): the words a thread is about are wrapped in a mark
 * node (@lexical/mark) naming the thread. @lexical/yjs stores the mark as an element, so the
 * anchor moves with edits around and inside it, on every device. The thread itself (messages,
 * resolved) is in the document's `comments` map (shared/model/comments.ts).
 */
import { $unwrapMarkNode, $wrapSelectionInMarkNode, $isMarkNode, type MarkNode } from '@lexical/mark';
import { $dfs } from '@lexical/utils';
import { $getNearestNodeFromDOMNode, $getSelection, $isRangeSelection, $setSelection, type LexicalEditor, type RangeSelection } from 'lexical';

/** The words a new comment will be about: the selection when "Comment" was pressed. */
export interface CommentTarget {
  quote: string;
  selection: RangeSelection;
}

/** The selected words, kept to anchor a comment once it is written (null: nothing selected). */
export function captureCommentTarget(editor: LexicalEditor): CommentTarget | null {
  return editor.getEditorState().read(() => {
    const selection = $getSelection();
    if (!$isRangeSelection(selection) || selection.isCollapsed()) return null;
    const quote = selection.getTextContent().trim();
    return quote ? { quote, selection: selection.clone() } : null;
  });
}

/** Wrap the target's words in a mark naming `threadId`. False when they are gone meanwhile. */
export function anchorComment(editor: LexicalEditor, target: CommentTarget, threadId: string): boolean {
  let done = false;
  editor.update(
    () => {
      const selection = target.selection.clone();
      if (selection.getNodes().every((node) => !node.isAttached())) return;
      $setSelection(selection);
      $wrapSelectionInMarkNode(selection, selection.isBackward(), threadId);
      done = true;
    },
    { discrete: true }
  );
  return done;
}

function $marksOf(threadId: string): MarkNode[] {
  return $dfs()
    .map((entry) => entry.node)
    .filter((node): node is MarkNode => $isMarkNode(node) && node.hasID(threadId));
}

/** Take a thread's anchor out of the text (its words stay). */
export function removeAnchor(editor: LexicalEditor, threadId: string): void {
  editor.update(() => {
    for (const mark of $marksOf(threadId)) {
      mark.deleteID(threadId);
      if (mark.getIDs().length === 0) $unwrapMarkNode(mark);
    }
  });
}

/** The DOM elements of a thread's anchor (to scroll to and highlight). */
export function anchorElements(editor: LexicalEditor, threadId: string): HTMLElement[] {
  return editor.getEditorState().read(() => $marksOf(threadId).flatMap((mark) => editor.getElementByKey(mark.getKey()) ?? []));
}

/** Threads whose anchor holds a DOM node (a click in the text), innermost first. */
export function threadsAt(editor: LexicalEditor, target: Node): string[] {
  // `editor.read`, not the state's: finding a node from the DOM needs the active editor.
  return editor.read(() => {
    let node = $getNearestNodeFromDOMNode(target);
    const ids: string[] = [];
    while (node) {
      if ($isMarkNode(node)) ids.push(...node.getIDs());
      node = node.getParent();
    }
    return ids;
  });
}

/** Call `onSelect` with the threads under a click in the text. Returns the unsubscribe function. */
export function registerCommentClicks(editor: LexicalEditor, onSelect: (threadIds: string[]) => void): () => void {
  const onClick = (event: MouseEvent) => {
    if (!(event.target instanceof Node) || !(event.target instanceof Element ? event.target.closest('mark') : event.target.parentElement?.closest('mark'))) return;
    const ids = threadsAt(editor, event.target);
    if (ids.length > 0) onSelect(ids);
  };
  const stop = editor.registerRootListener((root, previous) => {
    previous?.removeEventListener('click', onClick);
    root?.addEventListener('click', onClick);
  });
  return () => {
    stop();
    editor.getRootElement()?.removeEventListener('click', onClick);
  };
}


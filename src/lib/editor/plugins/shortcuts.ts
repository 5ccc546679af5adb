import {
  $getSelection,
  $isRangeSelection,
  COMMAND_PRIORITY_LOW,
  FORMAT_TEXT_COMMAND,
  KEY_DOWN_COMMAND,
  type LexicalEditor
} from 'lexical';
import { $selectedLinkUrl } from './links.ts';

/**
 * Shortcuts Lexical's core does not bind. Core already handles Ctrl/Cmd+B/I/U, Ctrl/Cmd+Z,
 * Ctrl/Cmd+Shift+Z and Ctrl+Y; we add Ctrl/Cmd+Shift+X (strikethrough, as Google Docs),
 * Ctrl/Cmd+E (inline code) and Ctrl/Cmd+K (link, asks through `onLink`) — when words are
 * selected or the caret is in a link; otherwise Ctrl/Cmd+K is left to the page, where it opens
 * search (issue 22), as it does anywhere else in the workspace.
 */
export function registerShortcuts(editor: LexicalEditor, options: { onLink: () => void }): () => void {
  return editor.registerCommand(
    KEY_DOWN_COMMAND,
    (event: KeyboardEvent) => {
      const mod = event.ctrlKey || event.metaKey;
      if (!mod || event.altKey) return false;
      const key = event.key.toLowerCase();
      if (event.shiftKey && key === 'x') {
        event.preventDefault();
        editor.dispatchCommand(FORMAT_TEXT_COMMAND, 'strikethrough');
        return true;
      }
      if (!event.shiftKey && key === 'e') {
        event.preventDefault();
        editor.dispatchCommand(FORMAT_TEXT_COMMAND, 'code');
        return true;
      }
      if (!event.shiftKey && key === 'k' && (domSelectionHasText(editor) || editor.getEditorState().read(linkable))) {
        event.preventDefault();
        options.onLink();
        return true;
      }
      return false;
    },
    COMMAND_PRIORITY_LOW
  );
}

/** Whether Ctrl/Cmd+K means "link": words selected, or the caret in a link. */
function linkable(): boolean {
  const selection = $getSelection();
  return $isRangeSelection(selection) && (!selection.isCollapsed() || $selectedLinkUrl() !== null);
}

/**
 * Whether the browser's selection holds words inside this editor. Read from the DOM, not the
 * editor state: a key pressed right after Shift+Home can arrive before Lexical has taken in the
 * new selection (it does so on the next `selectionchange`).
 */
function domSelectionHasText(editor: LexicalEditor): boolean {
  const root = editor.getRootElement();
  const selection = root?.ownerDocument.defaultView?.getSelection();
  return !!root && !!selection && !selection.isCollapsed && root.contains(selection.anchorNode) && selection.toString().trim() !== '';
}

import { $isLinkNode, $toggleLink, TOGGLE_LINK_COMMAND } from '@lexical/link';
import { $findMatchingParent, mergeRegister } from '@lexical/utils';
import { $getSelection, $isRangeSelection, COMMAND_PRIORITY_LOW, type LexicalEditor } from 'lexical';
import { sanitizeUrl } from '../url.ts';

/**
 * Links: TOGGLE_LINK_COMMAND through the URL sanitiser (only http, https, mailto, tel), and
 * opening a link on click in read-only mode or with Ctrl/Cmd+click while editing (a plain
 * click must place the caret, as in any word processor).
 */
export function registerLinks(editor: LexicalEditor): () => void {
  const onClick = (event: MouseEvent): void => {
    const target = event.target instanceof Element ? event.target.closest('a') : null;
    if (!target || !editor.getRootElement()?.contains(target)) return;
    if (editor.isEditable() && !(event.ctrlKey || event.metaKey)) return;
    const href = sanitizeUrl(target.getAttribute('href') ?? '');
    event.preventDefault();
    // noopener: the opened page must not be able to navigate this tab.
    if (href) window.open(href, '_blank', 'noopener,noreferrer');
  };

  const root = editor.getRootElement();
  root?.addEventListener('click', onClick);

  return mergeRegister(
    editor.registerCommand(
      TOGGLE_LINK_COMMAND,
      (payload) => {
        const raw = typeof payload === 'string' ? payload : payload === null ? null : payload.url;
        if (raw === null) {
          $toggleLink(null);
          return true;
        }
        const url = sanitizeUrl(raw);
        // Refused URLs (javascript:, data:…) never become links; the caller tells the person.
        if (url === null) return true;
        $toggleLink({ url, rel: 'noopener noreferrer', target: '_blank' });
        return true;
      },
      COMMAND_PRIORITY_LOW
    ),
    () => root?.removeEventListener('click', onClick)
  );
}

/** The URL of the link at the selection, or null (for the toolbar's pressed state and Ctrl+K). */
export function $selectedLinkUrl(): string | null {
  const selection = $getSelection();
  if (!$isRangeSelection(selection)) return null;
  const link = $findMatchingParent(selection.anchor.getNode(), $isLinkNode);
  return link && $isLinkNode(link) ? link.getURL() : null;
}

/**
 * A viewer's quoted words shown in the text (issue 22). A viewer's thread quotes the words it is
 * about instead of marking them (a mark would change the text, which a viewer may not); the
 * comments panel highlights the first place the text reads so. Loaded with the panel, not
 * with the page.
 */
import type { LexicalEditor } from 'lexical';

/** The name of the highlight showing a quoted thread's words (CSS `::highlight(m-comment-quote)`). */
export const QUOTE_HIGHLIGHT = 'm-comment-quote';

/**
 * The first stretch of the editor's own text reading `quote` (a viewer's thread quotes words
 * it may not mark: issue 22), as a DOM range — across text nodes of one or more paragraphs,
 * never inside a block's view (buttons and labels are not the document's words). Null when
 * the words are no longer there.
 */
export function quoteRange(root: HTMLElement, quote: string): Range | null {
  const wanted = quote.replace(/\s*\n\s*/g, '');
  if (!wanted) return null;
  const nodes: Text[] = [];
  let flat = '';
  const walker = root.ownerDocument.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
    if (node.parentElement?.closest('[contenteditable="false"]')) continue;
    nodes.push(node);
    flat += node.data;
  }
  const at = flat.indexOf(wanted);
  if (at < 0) return null;
  const range = root.ownerDocument.createRange();
  let offset = 0;
  for (const node of nodes) {
    const end = offset + node.data.length;
    if (at >= offset && at < end) range.setStart(node, at - offset);
    if (at + wanted.length > offset && at + wanted.length <= end) {
      range.setEnd(node, at + wanted.length - offset);
      break;
    }
    offset = end;
  }
  return range;
}

/**
 * Show a quoted thread's words in the text without changing it: the CSS Custom Highlight API
 * paints a range the document never holds (a mark would be an edit, which a viewer may not
 * make). Scrolls them into view. Returns the function that takes the highlight away; nothing
 * happens where the browser lacks the API or the words are gone.
 */
export function highlightQuote(editor: LexicalEditor, quote: string): () => void {
  const root = editor.getRootElement();
  const highlights = typeof CSS !== 'undefined' ? CSS.highlights : undefined;
  if (!root || !highlights || typeof Highlight === 'undefined') return () => {};
  const range = quoteRange(root, quote);
  if (!range) return () => {};
  highlights.set(QUOTE_HIGHLIGHT, new Highlight(range));
  range.startContainer.parentElement?.scrollIntoView({ block: 'center', behavior: 'smooth' });
  return () => highlights.delete(QUOTE_HIGHLIGHT);
}

/**
 * Pasted HTML is cleaned before Lexical reads it. Lexical builds nodes rather than DOM, so
 * scripts never become part of a document — but while importing, Chromium can still try an
 * inline handler (`<img onerror=…>`) of the pasted markup, and only the Content-Security-
 * Policy stopped it. So the markup is parsed in an inert document (DOMParser: no scripts, no
 * loads), stripped of active content, and only then handed to Lexical's usual paste.
 */
import { $getSelection, COMMAND_PRIORITY_CRITICAL, PASTE_COMMAND, PASTE_TAG, type LexicalEditor } from 'lexical';
import { $insertDataTransferForRichText } from '../clipboard-lazy.ts';
import { sanitizeUrl } from '../url.ts';

/** Elements that are active, embed other documents, or carry no text worth pasting. */
const DROP = 'script,style,iframe,frame,frameset,object,embed,applet,link,meta,base,form,input,button,textarea,select,option,svg,math,template,noscript,audio,video,source,track,canvas,portal';
/** Attributes holding URLs that a browser may fetch or navigate to. */
const URL_ATTRIBUTES = new Set(['href', 'src', 'xlink:href', 'action', 'formaction', 'poster', 'background', 'cite', 'srcset']);

/** Remove scripts, embeds, event handlers and unsafe URLs from pasted HTML. */
export function sanitizePastedHtml(html: string, parser: DOMParser = new DOMParser()): string {
  const doc = parser.parseFromString(html, 'text/html');
  for (const el of doc.querySelectorAll(DROP)) el.remove();
  for (const el of doc.body.querySelectorAll('*')) {
    for (const attr of [...el.attributes]) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on') || name === 'srcdoc' || name === 'style' && /expression\s*\(|url\s*\(/i.test(attr.value)) {
        el.removeAttribute(attr.name);
      } else if (URL_ATTRIBUTES.has(name) && (name === 'srcset' || sanitizeUrl(attr.value) === null)) {
        el.removeAttribute(attr.name);
      }
    }
  }
  return doc.body.innerHTML;
}

/** Handle pastes that carry HTML: clean it, then let Lexical import the clean copy. */
export function registerHtmlPasteCleaner(editor: LexicalEditor): () => void {
  return editor.registerCommand(
    PASTE_COMMAND,
    (event) => {
      const data = 'clipboardData' in event ? event.clipboardData : null;
      const html = data?.getData('text/html');
      // Our own editor's copies carry Lexical JSON, imported (and validated) node by node.
      if (!data || !html || data.getData('application/x-lexical-editor')) return false;
      const clean = sanitizePastedHtml(html);
      const transfer = {
        types: data.types,
        getData: (type: string) => (type === 'text/html' ? clean : data.getData(type))
      } as unknown as DataTransfer;
      event.preventDefault();
      editor.update(
        () => {
          const selection = $getSelection();
          if (selection !== null) $insertDataTransferForRichText(transfer, selection, editor);
        },
        { tag: PASTE_TAG }
      );
      return true;
    },
    COMMAND_PRIORITY_CRITICAL
  );
}

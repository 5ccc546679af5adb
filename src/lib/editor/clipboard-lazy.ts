/**
 * @lexical/clipboard, loaded when it is first needed rather than with the editor.
 *
 * Only copying, cutting, pasting, dragging and dropping use it, and it brings @lexical/html and
 * the extension builder with it (≈ 6 KB gzipped of the document page's first paint, issue 25).
 * @lexical/rich-text imports it statically; the build points that import here instead
 * (scripts/lazy-clipboard.mjs), and the editor loads the real module at the first idle moment
 * after the page painted ({@link loadClipboard}), so a person's first paste finds it.
 *
 * Until it has arrived, each function does the part that cannot wait and nothing is lost:
 * - a paste (or drop) reads the clipboard's data while the event lasts (a browser empties it
 *   afterwards) and inserts it, with the caret where it is then, once the module is here;
 * - a copy or cut writes the selected text and markup as the browser would, so a cut removes
 *   exactly what it copied;
 * - a drag carries the browser's own data (text and markup, not Lexical's node copy).
 * Once loaded, every function is the real one, called synchronously as Lexical expects.
 */
import type * as Clipboard from '@lexical/clipboard';
import { $getEditor, $getSelection, PASTE_TAG, type BaseSelection, type LexicalEditor } from 'lexical';

type ClipboardModule = typeof Clipboard;
type ClipboardData = ReturnType<ClipboardModule['$getClipboardDataFromSelection']>;

let real: ClipboardModule | null = null;
let loading: Promise<ClipboardModule> | null = null;

/** Load @lexical/clipboard (once); afterwards every function here is the real one. */
export function loadClipboard(): Promise<ClipboardModule> {
  loading ??= import('@lexical/clipboard').then((module) => (real = module));
  return loading;
}

/** True once the real module is here (for tests). */
export function clipboardLoaded(): boolean {
  return real !== null;
}

/** The strings a DataTransfer carries, kept past the event (a browser empties it afterwards). */
export function keepTransfer(data: Pick<DataTransfer, 'types' | 'getData'>): DataTransfer {
  const values = new Map([...data.types].filter((type) => type !== 'Files').map((type) => [type, data.getData(type)]));
  return { types: [...values.keys()], getData: (type: string) => values.get(type) ?? '' } as unknown as DataTransfer;
}

/** Insert pasted or dropped data at `selection` (Lexical's rich-text import). */
export function $insertDataTransferForRichText(dataTransfer: DataTransfer, selection: BaseSelection, editor?: LexicalEditor): void {
  if (real) return real.$insertDataTransferForRichText(dataTransfer, selection, editor);
  const target = editor ?? $getEditor();
  const kept = keepTransfer(dataTransfer);
  void loadClipboard().then((module) =>
    target.update(
      () => {
        const now = $getSelection();
        if (now !== null) module.$insertDataTransferForRichText(kept, now, target);
      },
      { tag: PASTE_TAG }
    )
  );
}

/** Copy the selection to the clipboard (the browser's own copy of text and markup until loaded). */
export async function copyToClipboard(editor: LexicalEditor, event: null | ClipboardEvent, data?: ClipboardData): Promise<boolean> {
  if (real) return real.copyToClipboard(editor, event, data);
  if (event?.clipboardData && writeDomSelection(event.clipboardData, editor)) {
    event.preventDefault();
    void loadClipboard();
    return true;
  }
  return (await loadClipboard()).copyToClipboard(editor, null, data);
}

/** Write the DOM selection inside the editor as text/html and text/plain; false when there is none. */
function writeDomSelection(clipboard: DataTransfer, editor: LexicalEditor): boolean {
  const root = editor.getRootElement();
  const selection = root?.ownerDocument.getSelection();
  if (!root || !selection || selection.rangeCount === 0 || selection.isCollapsed) return false;
  const range = selection.getRangeAt(0);
  if (!root.contains(range.commonAncestorContainer)) return false;
  const holder = root.ownerDocument.createElement('div');
  holder.append(range.cloneContents());
  clipboard.setData('text/html', holder.innerHTML);
  clipboard.setData('text/plain', selection.toString());
  return true;
}

/** The selection as clipboard data (its text only until loaded). */
export function $getClipboardDataFromSelection(selection?: BaseSelection | null): ClipboardData {
  if (real) return real.$getClipboardDataFromSelection(selection);
  return { 'text/plain': (selection ?? $getSelection())?.getTextContent() ?? '' };
}

/** Put Lexical's copy of dragged nodes into a drag's data (the browser's own data until loaded). */
export function setLexicalClipboardDataTransfer(clipboardData: DataTransfer, data: ClipboardData): void {
  real?.setLexicalClipboardDataTransfer(clipboardData, data);
}

/** Mark a drag as coming from this editor (nothing until loaded: a drop then copies, not moves). */
export function $writeDragSourceToDataTransfer(dataTransfer: DataTransfer, editor: LexicalEditor): void {
  real?.$writeDragSourceToDataTransfer(dataTransfer, editor);
}

/** A drop of text or markup; until loaded, the browser's drop inserts it (through the paste path above). */
export function $handleRichTextDrop(event: DragEvent, editor: LexicalEditor): boolean {
  if (real) return real.$handleRichTextDrop(event, editor);
  void loadClipboard();
  return false;
}

/** The caret at a point of the screen (the real one handles shadow roots; the editor has none). */
export function caretFromPoint(x: number, y: number, rootElement: HTMLElement | null = null): null | { offset: number; node: Node } {
  if (real) return real.caretFromPoint(x, y, rootElement);
  const doc = rootElement?.ownerDocument ?? document;
  if (typeof doc.caretRangeFromPoint === 'function') {
    const range = doc.caretRangeFromPoint(x, y);
    return range ? { node: range.startContainer, offset: range.startOffset } : null;
  }
  const position = doc.caretPositionFromPoint?.(x, y);
  return position ? { node: position.offsetNode, offset: position.offset } : null;
}

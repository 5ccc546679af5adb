/**
 * Read a document's text as a small neutral tree, straight from the Yjs structure that
 * @lexical/yjs writes — no Lexical, no DOM, so the same code runs in the browser, on the
 * server and in the backup tools.
 *
 * The structure (@lexical/yjs 0.52): the `root` Y.XmlText holds one embedded Y.XmlText per
 * element node, whose attributes carry the node's properties (`__type`, `__tag`,
 * `__listType`, `__checked`, `__url`…). Inside an element, a text node is a Y.Map of its
 * properties (`__type: 'text'`, `__format`) followed by its characters; a line break is a
 * Y.Map with `__type: 'linebreak'`; a decorator node (a Mutual block) is a Y.XmlElement
 * whose attributes are its properties (`__blockId`, `__blockKind`); an @mention inside a
 * paragraph is a Y.XmlElement too (`__type: 'mention'`, `__memberId`, `__name`, `__by`,
 * `__at`: editor/nodes/MentionNode.ts). Anything unknown is
 * read for its text, never thrown on: a peer on a newer version may write new node types.
 */
import * as Y from 'yjs';

/** Text format bits, as Lexical stores them in `__format`. */
export const TextFormat = { bold: 1, italic: 2, strikethrough: 4, underline: 8, code: 16 } as const;

/** Inline content of a paragraph, heading, quote or list item. */
export type Inline =
  | { type: 'text'; text: string; format: number }
  | { type: 'break' }
  | { type: 'link'; url: string; children: Inline[] }
  | MentionInline;

/** An @mention in the text: the member it is bound to, their name when written, who wrote it and when. */
export interface MentionInline {
  type: 'mention';
  memberId: string;
  name: string;
  by: string;
  at: number;
}

/** A list item: its own text, then any nested lists. */
export interface ListItem {
  checked: boolean | null;
  children: Inline[];
  nested: ListBlock[];
}

/** A bullet, numbered or check list. */
export interface ListBlock {
  type: 'list';
  listType: 'bullet' | 'number' | 'check';
  start: number;
  items: ListItem[];
}

/** One top-level piece of the document. */
export type Block =
  | { type: 'paragraph'; children: Inline[] }
  | { type: 'heading'; level: 1 | 2 | 3 | 4 | 5 | 6; children: Inline[] }
  | { type: 'quote'; children: Inline[] }
  | ListBlock
  | { type: 'block'; kind: string; blockId: string };

const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);

/** The document's text as blocks, in order. Never throws on odd content. */
export function readDocumentTree(doc: Y.Doc): Block[] {
  return readTopLevel(doc).map((b) => b.block);
}

/** A top-level block and its position among the root's children (as Lexical counts them). */
export interface PlacedBlock {
  /** Index of the element among the root's embedded children: the editor's nth top-level node. */
  position: number;
  block: Block;
}

/**
 * The document's top-level blocks with their positions, so a reader (search) can point at the
 * editor's nth top-level node. A stray string at the root (no Lexical node) takes the position
 * of the element after it.
 */
export function readTopLevel(doc: Y.Doc): PlacedBlock[] {
  const root = doc.get('root', Y.XmlText);
  const blocks: PlacedBlock[] = [];
  let position = 0;
  for (const op of root.toDelta() as Array<{ insert?: unknown }>) {
    const child = op.insert;
    if (child instanceof Y.XmlText) {
      const block = readElement(child);
      if (block) blocks.push({ position, block });
      position++;
    } else if (child instanceof Y.XmlElement) {
      blocks.push({ position, block: readDecorator(child) });
      position++;
    } else if (typeof child === 'string' && child.trim() !== '') {
      blocks.push({ position, block: { type: 'paragraph', children: [{ type: 'text', text: child, format: 0 }] } });
    }
  }
  return blocks;
}

function readDecorator(el: Y.XmlElement): Block {
  const attrs = el.getAttributes() as Record<string, unknown>;
  return { type: 'block', kind: str(attrs.__blockKind, 'block'), blockId: str(attrs.__blockId) };
}

function readElement(el: Y.XmlText): Block | null {
  const attrs = el.getAttributes() as Record<string, unknown>;
  const type = str(attrs.__type);
  switch (type) {
    case 'heading': {
      const level = Number(/^h([1-6])$/.exec(str(attrs.__tag))?.[1] ?? 2) as 1 | 2 | 3 | 4 | 5 | 6;
      return { type: 'heading', level, children: readInline(el) };
    }
    case 'quote':
      return { type: 'quote', children: readInline(el) };
    case 'list':
      return readList(el);
    default:
      // paragraph, and any element type we do not know: keep its text.
      return { type: 'paragraph', children: readInline(el) };
  }
}

function readList(el: Y.XmlText): ListBlock {
  const attrs = el.getAttributes() as Record<string, unknown>;
  const listType = attrs.__listType === 'number' || attrs.__listType === 'check' ? attrs.__listType : 'bullet';
  const start = typeof attrs.__start === 'number' && Number.isFinite(attrs.__start) ? attrs.__start : 1;
  const items: ListItem[] = [];
  for (const op of el.toDelta() as Array<{ insert?: unknown }>) {
    if (!(op.insert instanceof Y.XmlText)) continue;
    const itemAttrs = op.insert.getAttributes() as Record<string, unknown>;
    const nested: ListBlock[] = [];
    const children = readInline(op.insert, nested);
    // Lexical nests a list inside a list item of its own; fold it into the previous item.
    const prev = items[items.length - 1];
    if (children.length === 0 && nested.length > 0 && prev) {
      prev.nested.push(...nested);
      continue;
    }
    items.push({ checked: listType === 'check' ? itemAttrs.__checked === true : null, children, nested });
  }
  return { type: 'list', listType, start, items };
}

/** Inline content of an element; nested lists (inside list items) go to `nested`. */
function readInline(el: Y.XmlText, nested?: ListBlock[]): Inline[] {
  const out: Inline[] = [];
  let pending: Record<string, unknown> | null = null;
  for (const op of el.toDelta() as Array<{ insert?: unknown }>) {
    const part = op.insert;
    if (typeof part === 'string') {
      const format = pending && typeof pending.__format === 'number' ? pending.__format : 0;
      if (!pending || pending.__type === 'text' || pending.__type === 'tab' || pending.__type === undefined) {
        out.push({ type: 'text', text: part, format });
      }
      pending = null;
    } else if (part instanceof Y.Map) {
      const props = part.toJSON() as Record<string, unknown>;
      if (props.__type === 'linebreak') out.push({ type: 'break' });
      pending = props;
    } else if (part instanceof Y.XmlText) {
      const attrs = part.getAttributes() as Record<string, unknown>;
      if (attrs.__type === 'link' || attrs.__type === 'autolink') out.push({ type: 'link', url: str(attrs.__url), children: readInline(part) });
      else if (attrs.__type === 'list' && nested) nested.push(readList(part));
      else out.push(...readInline(part));
    } else if (part instanceof Y.XmlElement) {
      const mention = readMention(part);
      if (mention) out.push(mention);
      pending = null;
    }
  }
  return out;
}

const MEMBER_ID = /^[A-Za-z0-9_-]{1,64}$/;

function readMention(el: Y.XmlElement): MentionInline | null {
  const attrs = el.getAttributes() as Record<string, unknown>;
  if (attrs.__type !== 'mention' || typeof attrs.__memberId !== 'string' || !MEMBER_ID.test(attrs.__memberId)) return null;
  const at = typeof attrs.__at === 'number' && Number.isFinite(attrs.__at) ? attrs.__at : 0;
  return { type: 'mention', memberId: attrs.__memberId, name: str(attrs.__name), by: str(attrs.__by), at };
}

/** How a mention reads in text: "@" and the member's name (current when `memberName` is given). */
export function mentionLabel(c: MentionInline, memberName?: (memberId: string) => string | undefined): string {
  return `@${memberName?.(c.memberId) ?? (c.name || c.memberId)}`;
}

/** Plain text of inline content (mentions as "@Name": current names when `memberName` is given). */
export function inlineText(children: readonly Inline[], memberName?: (memberId: string) => string | undefined): string {
  return children
    .map((c) => {
      if (c.type === 'text') return c.text;
      if (c.type === 'break') return '\n';
      if (c.type === 'mention') return mentionLabel(c, memberName);
      return inlineText(c.children, memberName);
    })
    .join('');
}

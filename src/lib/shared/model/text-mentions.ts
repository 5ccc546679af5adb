/**
 * @mentions written in a document's text (issue 22), read straight from the Y.Doc (the
 * editor's MentionNode, stored by @lexical/yjs as a Y.XmlElement in its paragraph: see
 * export/tree.ts). They join comment mentions in "What needs me" and in notifications: one
 * {@link MentionEntry} per member mentioned, per mention written (who wrote it, and when).
 *
 * A text mention has no thread: its `threadId` is the document's ({@link textThreadOf}), so
 * "What needs me" lists it until the member opens the document after it was written; `place`
 * is the paragraph (`p<n>`, as search counts them), where the link opens the document.
 */
import type * as Y from 'yjs';
import { readTopLevel, mentionLabel, type Inline, type ListBlock, type MentionInline } from '../export/tree.ts';
import { mentionToken, textThreadOf, type MentionEntry } from './mentions';

/** Longest excerpt kept per entry (as comment mentions). */
const EXCERPT = 200;

/** Each run of inline content of a block (a paragraph; every item of a list, nested included). */
function runsOf(block: ReturnType<typeof readTopLevel>[number]['block']): Inline[][] {
  if (block.type === 'block') return [];
  if (block.type !== 'list') return [block.children];
  const items = (list: ListBlock): Inline[][] => list.items.flatMap((item) => [item.children, ...item.nested.flatMap(items)]);
  return items(block);
}

function mentionsOf(children: readonly Inline[]): MentionInline[] {
  return children.flatMap((c) => (c.type === 'mention' ? [c] : c.type === 'link' ? mentionsOf(c.children) : []));
}

/** Inline content as stored text: words, and mentions as `@{memberId}` (shown with current names). */
function storedText(children: readonly Inline[]): string {
  return children.map((c) => (c.type === 'text' ? c.text : c.type === 'break' ? '\n' : c.type === 'mention' ? mentionToken(c.memberId) : storedText(c.children))).join('');
}

/** Plain words (mentions under the name they were written with): what a notification quotes. */
function plainText(children: readonly Inline[]): string {
  return children.map((c) => (c.type === 'text' ? c.text : c.type === 'break' ? ' ' : c.type === 'mention' ? mentionLabel(c) : plainText(c.children))).join('');
}

/** Members mentioned in a document's text (not by themselves), one entry per mention written. */
export function textMentionsIn(docId: string, doc: Y.Doc): MentionEntry[] {
  const found = new Map<string, MentionEntry>();
  for (const { position, block } of readTopLevel(doc)) {
    for (const run of runsOf(block)) {
      for (const m of mentionsOf(run)) {
        const messageId = `text:${m.by}:${m.at}`;
        const key = `${messageId}:${m.memberId}`;
        if (m.memberId === m.by || found.has(key)) continue;
        found.set(key, { docId, threadId: textThreadOf(docId), messageId, member: m.memberId, by: m.by, at: m.at, excerpt: storedText(run).slice(0, EXCERPT), quote: plainText(run).trim().slice(0, EXCERPT), place: `p${position}` });
      }
    }
  }
  return [...found.values()];
}

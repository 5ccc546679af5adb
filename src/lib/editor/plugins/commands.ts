import { INSERT_CHECK_LIST_COMMAND, INSERT_ORDERED_LIST_COMMAND, INSERT_UNORDERED_LIST_COMMAND } from '@lexical/list';
import { $createHeadingNode, $createQuoteNode } from '@lexical/rich-text';
import { $setBlocksType } from '@lexical/selection';
import { $createParagraphNode, $getSelection, $isRangeSelection, type LexicalEditor } from 'lexical';
import { BLOCK_LABELS, INSERT_BLOCK_COMMAND, type BlockKind } from '../nodes/BlockNode.ts';
import { m } from '../../paraglide/messages.js';

/** One thing the slash menu and the toolbar's insert menu can do. */
export interface InsertItem {
  id: string;
  label: string;
  /** Extra words that match when filtering ("h1", "todo"…). */
  keywords: string[];
  /** Short hint shown beside the label. */
  hint: string;
  /** Run inside no update: dispatches commands or opens its own update. */
  run(editor: LexicalEditor): void;
}

function setBlock(editor: LexicalEditor, create: () => Parameters<typeof $setBlocksType>[1] extends () => infer R ? R : never): void {
  editor.update(() => {
    const selection = $getSelection();
    if ($isRangeSelection(selection)) $setBlocksType(selection, create);
  });
}

const blockItem = (kind: BlockKind, keywords: string[], hint: string): InsertItem => ({
  id: kind,
  label: BLOCK_LABELS[kind],
  keywords,
  hint,
  run: (editor) => editor.dispatchCommand(INSERT_BLOCK_COMMAND, { kind })
});

/**
 * Everything "/" offers, in menu order: the group's live blocks first (issue 16: below the
 * fold on a phone with its keyboard open, they were the last four of eleven), then text formats.
 */
export const INSERT_ITEMS: readonly InsertItem[] = [
  blockItem('proposal', ['decision', 'vote', 'consent'], m.commands_decide_together()),
  blockItem('task', ['todo', 'claim', 'action'], m.commands_someone_claims_it()),
  blockItem('need', ['offer', 'request', 'help'], m.commands_ask_or_offer()),
  blockItem('agenda', ['meeting', 'item', 'topic'], m.commands_for_the_meeting()),
  { id: 'paragraph', label: m.commands_text(), keywords: ['paragraph', 'plain'], hint: m.commands_text_hint(), run: (e) => setBlock(e, () => $createParagraphNode()) },
  { id: 'h1', label: m.commands_heading_1(), keywords: ['h1', 'title', '#'], hint: '#', run: (e) => setBlock(e, () => $createHeadingNode('h1')) },
  { id: 'h2', label: m.commands_heading_2(), keywords: ['h2', 'subtitle', '##'], hint: '##', run: (e) => setBlock(e, () => $createHeadingNode('h2')) },
  { id: 'bullet', label: m.commands_bulleted_list(), keywords: ['ul', 'unordered', 'bullet', '-'], hint: '-', run: (e) => e.dispatchCommand(INSERT_UNORDERED_LIST_COMMAND, undefined) },
  { id: 'number', label: m.commands_numbered_list(), keywords: ['ol', 'ordered', '1.'], hint: '1.', run: (e) => e.dispatchCommand(INSERT_ORDERED_LIST_COMMAND, undefined) },
  { id: 'check', label: m.commands_check_list(), keywords: ['todo', 'checkbox', '[ ]'], hint: '[ ]', run: (e) => e.dispatchCommand(INSERT_CHECK_LIST_COMMAND, undefined) },
  { id: 'quote', label: m.commands_quote(), keywords: ['blockquote', '>'], hint: '>', run: (e) => setBlock(e, () => $createQuoteNode()) }
];

/** Items matching what was typed after "/" (label start first, then any word). */
export function filterItems(query: string, items: readonly InsertItem[] = INSERT_ITEMS): InsertItem[] {
  const q = query.trim().toLowerCase();
  if (q === '') return [...items];
  const starts = items.filter((i) => i.label.toLowerCase().startsWith(q));
  const rest = items.filter(
    (i) => !starts.includes(i) && (i.label.toLowerCase().includes(q) || i.keywords.some((k) => k.toLowerCase().startsWith(q)))
  );
  return [...starts, ...rest];
}

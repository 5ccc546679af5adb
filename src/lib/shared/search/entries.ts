/**
 * What search finds in one document: one entry per top-level block of its text (a paragraph,
 * a heading, a quote, a whole list) and per Mutual block (a proposal's title, statement and
 * options; a task's title; an agenda item's title and outcome), plus every ask and offer of a
 * needs board (title, category, area, when). Each entry says where it is, so a result opens
 * the document scrolled to it.
 *
 * Never here: contact details of needs (they live in the board's `private-…` document, which
 * is not in the catalogue and which search never reads), ballots, claims, member directory
 * entries. Reads through the model's defensive views, so odd peer data is skipped, not thrown.
 */
import type * as Y from 'yjs';
import { inlineText, readTopLevel, type Block, type ListBlock } from '../export/tree.ts';
import { readAgendaItem } from '../model/agenda.ts';
import { readNeeds } from '../model/need.ts';
import { readProposal } from '../model/proposal-read.ts';
import { readTask } from '../model/task.ts';

/** Where an entry is: `p<n>` the editor's nth top-level node, `n<id>` an entry of a needs board. */
export type SearchPlace = `p${number}` | `n${string}`;

/** What kind of thing an entry is (results say it in words). */
export type SearchEntryKind = 'text' | 'heading' | 'list' | 'quote' | 'proposal' | 'task' | 'agenda' | 'need';

/** One searchable piece of a document. */
export interface SearchEntry {
  at: SearchPlace;
  kind: SearchEntryKind;
  text: string;
}

/** Longest text kept per entry: a pasted book in one paragraph must not bloat the index. */
export const MAX_ENTRY_TEXT = 4000;

/** Names members mentioned in the text (default: the name the mention was written with). */
type Namer = ((memberId: string) => string | undefined) | undefined;

function listText(list: ListBlock, name: Namer): string {
  return list.items.map((item) => [inlineText(item.children, name), ...item.nested.map((n) => listText(n, name))].join('\n')).join('\n');
}

function blockText(doc: Y.Doc, kind: string, blockId: string): { kind: SearchEntryKind; text: string } | null {
  switch (kind) {
    case 'proposal': {
      const p = readProposal(doc, blockId).value;
      return p ? { kind: 'proposal', text: [p.title, p.statement, ...p.options.map((o) => o.label)].filter(Boolean).join('\n') } : null;
    }
    case 'task': {
      const t = readTask(doc, blockId).value;
      return t ? { kind: 'task', text: t.title } : null;
    }
    case 'agenda': {
      const a = readAgendaItem(doc, blockId).value;
      return a ? { kind: 'agenda', text: [a.title, a.outcome].filter(Boolean).join('\n') } : null;
    }
    default:
      return null; // needs are read from the board (below); unknown kinds have no text we know
  }
}

function entryOf(doc: Y.Doc, block: Block, name: Namer): { kind: SearchEntryKind; text: string } | null {
  switch (block.type) {
    case 'paragraph':
      return { kind: 'text', text: inlineText(block.children, name) };
    case 'heading':
      return { kind: 'heading', text: inlineText(block.children, name) };
    case 'quote':
      return { kind: 'quote', text: inlineText(block.children, name) };
    case 'list':
      return { kind: 'list', text: listText(block, name) };
    case 'block':
      return blockText(doc, block.kind, block.blockId);
  }
}

/** Everything search finds in one document, in document order (@mentions as "@Name"). */
export function searchEntriesOf(doc: Y.Doc, memberName?: (memberId: string) => string | undefined): SearchEntry[] {
  const entries: SearchEntry[] = [];
  const push = (at: SearchPlace, kind: SearchEntryKind, text: string) => {
    const trimmed = text.trim();
    if (trimmed) entries.push({ at, kind, text: trimmed.slice(0, MAX_ENTRY_TEXT) });
  };
  for (const { position, block } of readTopLevel(doc)) {
    const found = entryOf(doc, block, memberName);
    if (found) push(`p${position}`, found.kind, found.text);
  }
  for (const need of readNeeds(doc).value) {
    push(`n${need.id}`, 'need', [need.title, need.category, need.area, need.when].filter(Boolean).join(' · '));
  }
  return entries;
}

/**
 * The meeting agenda: its template (check-in, items, appreciations, next meeting) and
 * "Add item", which puts a new agenda item block with a line for notes under the last
 * item, from anywhere on the page.
 *
 * Notes for an item are the document text under its block (see minutes.ts for why), so
 * every item is followed by a paragraph to type into.
 */
import { $createHeadingNode, $isHeadingNode } from '@lexical/rich-text';
import { $createParagraphNode, $createTextNode, $getRoot, type ElementNode, type LexicalEditor, type LexicalNode } from 'lexical';
import type * as Y from 'yjs';
import { createAgendaItem, type AgendaItemInput } from '../shared/model/agenda.ts';
import type { Actor } from '../shared/model/doc.ts';
import type { Strain } from '../shared/model/pulse-totals.ts';
import { $createBlockNode, $isBlockNode } from './nodes/BlockNode.ts';
import type { DocumentTemplate } from './template-types.ts';
import { m } from '../paraglide/messages.js';
import { locales } from '../paraglide/runtime.js';

/** Heading under which the items sit (found again by "Add item", in any language Mutual speaks). */
const itemsHeadings = (): Set<string> => new Set(locales.map((locale) => m.template_agenda_items({}, { locale })));

function heading(text: string, level: 'h1' | 'h2' = 'h2'): ElementNode {
  return $createHeadingNode(level).append($createTextNode(text));
}

function paragraph(text = ''): ElementNode {
  const p = $createParagraphNode();
  return text ? p.append($createTextNode(text)) : p;
}

/** The first check on how the group itself is doing; group health comes first by default. */
const groupHealth = (): AgendaItemInput => ({ title: m.template_agenda_group_health(), kind: 'group-health', timebox: 5 });

/** The group pulse's totals as the notes of "How are we doing?" (issue 24). */
export function pulseAgendaNote(strain: Strain): string {
  const { answered, stretched, lowEnergy, apart } = strain;
  return m.pulse_agenda_note({ answered, stretched, lowEnergy, apart });
}

/**
 * The items in agenda order. When the group's pulse shows strain (`strain` given), "How are
 * we doing?" comes first, whatever was carried over: internal problems first.
 */
function orderItems(items: readonly AgendaItemInput[], strain: Strain | null): AgendaItemInput[] {
  const health = items.find((i) => i.kind === 'group-health');
  if (!strain) return health ? [...items] : [groupHealth(), ...items];
  const first: AgendaItemInput = health ?? { ...groupHealth(), title: m.pulse_agenda_title(), timebox: 10 };
  return [first, ...items.filter((i) => i !== first)];
}

/**
 * An agenda template. `items` (e.g. carried over from the last meeting) become agenda item
 * blocks, created through the model in the template's scratch document; a fresh agenda
 * gets one group-health item to start from. `strain`: the group pulse's latest totals when
 * they show strain — "How are we doing?" goes first with those totals as its notes.
 */
export function agendaTemplate(items: readonly AgendaItemInput[] = [], strain: Strain | null = null): DocumentTemplate {
  return (root, doc, init) => {
    const actor: Actor = init?.actor ?? { memberId: '' };
    const nodes: LexicalNode[] = [];
    for (const [i, input] of orderItems(items, strain).entries()) {
      const id = createAgendaItem(doc, input, actor);
      nodes.push($createBlockNode(id, 'agenda'), paragraph(i === 0 && strain ? pulseAgendaNote(strain) : ''));
    }
    root.append(
      heading(m.doc_kind_agenda(), 'h1'),
      heading(m.template_agenda_check_in()),
      paragraph(m.template_agenda_check_in_text()),
      heading(m.template_agenda_items()),
      ...nodes,
      heading(m.template_agenda_appreciations()),
      paragraph(),
      heading(m.meeting_bar_next_meeting()),
      paragraph(m.template_agenda_next_meeting_text())
    );
  };
}

/**
 * "Add item": create the item's state, then put its block (and a line for notes) after
 * the last item's notes — before the next heading — or under the Items heading, or at the
 * end. State first: a node must never point at a block that does not exist.
 */
export function insertAgendaItem(editor: LexicalEditor, doc: Y.Doc, input: AgendaItemInput, actor: Actor): string {
  const id = createAgendaItem(doc, input, actor);
  editor.update(() => {
    const root = $getRoot();
    const children = root.getChildren();
    const lastItem = [...children].reverse().find((n) => $isBlockNode(n) && n.getBlockKind() === 'agenda');
    let anchor: LexicalNode | null = lastItem ?? children.find((n) => $isHeadingNode(n) && itemsHeadings().has(n.getTextContent().trim())) ?? null;
    if (anchor && lastItem) {
      // Skip the last item's notes: stop before the next item, block or heading.
      let next = anchor.getNextSibling();
      while (next && !$isHeadingNode(next) && !$isBlockNode(next)) {
        anchor = next;
        next = next.getNextSibling();
      }
    }
    const block = $createBlockNode(id, 'agenda');
    const notes = $createParagraphNode();
    if (anchor) anchor.insertAfter(block);
    else root.append(block);
    block.insertAfter(notes);
  });
  return id;
}

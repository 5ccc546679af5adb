/**
 * Minutes of a meeting, from its agenda document (issue 11): who was there and in which
 * role, each item with its notes and outcome, the decisions taken and the tasks that came
 * out of it with who claimed them.
 *
 * Decisions are the proposals linked from agenda items AND the proposals written in the
 * agenda's own text; tasks are the items' actions AND the tasks written in the text
 * (issue 16: a group that decides inside its agenda must find that decision in the
 * minutes). A block in the text belongs to the agenda item above it, up to the next heading.
 *
 * Notes are the document's own text under each agenda item (up to the next item or
 * heading): people type them in the editor, where concurrent typing merges character by
 * character, instead of in a block field where the last writer would win.
 *
 * Pure: the same document gives the same minutes on every device and in tests (dates are
 * UTC). Names and other documents come from the caller.
 */
import type * as Y from 'yjs';
import { describeBlock, formatDate } from '../export/blocks.ts';
import { inlineText, readDocumentTree, type Block, type ListBlock } from '../export/tree.ts';
import { escapeMarkdown } from '../export/markdown.ts';
import { agendaOrder, type AgendaItemKind, type AgendaItemStatus } from './agenda';
import { getMeta } from './doc';
import { MEETING_ROLE_LABELS, MeetingRoles, readMeeting, type MeetingRole } from './meeting';
import { AGENDA_KIND_LABELS, ENGLISH_MINUTES_WORDS, type MinutesWords } from './minutes-words.ts';
import { readTask, type TaskView } from './task';
import type { ModelIssue, Read } from './validate';

/** What minutes need besides the agenda itself. */
export interface MinutesOptions {
  /** A member's display name (default: the id). */
  memberName?: (memberId: string) => string;
  /** Another document of the workspace, for proposals linked from elsewhere. */
  documentOf?: (docId: string) => Y.Doc | undefined;
  /** Mutual's words, in the reader's language (default: English; src/lib/i18n/document-words.ts). */
  words?: MinutesWords;
}

/** A decision taken (or still open) at the meeting. */
export interface MinutesDecision {
  /** The agenda item it belongs to (null: written in the text outside any item). */
  itemTitle: string | null;
  /** "Proposal: Buy a freezer" */
  title: string;
  /** Method, result, statement… (empty when the proposal could not be found). */
  details: string[];
  found: boolean;
}

/** An action that came out of an item. */
export interface MinutesTask {
  id: string;
  /** The agenda item it came out of (null: written in the text outside any item). */
  itemTitle: string | null;
  title: string;
  claimant: string | null;
  status: TaskView['status'];
  due: string | null;
}

/** One agenda item as minuted. */
export interface MinutesItem {
  id: string;
  title: string;
  kind: AgendaItemKind;
  status: AgendaItemStatus;
  owner: string | null;
  timebox: number;
  outcome: string;
  /** The text under the item, as Markdown paragraphs and lists (one string each). */
  notes: string[];
  /** The first of {@link decisions} (the linked proposal when there is one), or null. */
  decision: MinutesDecision | null;
  /** The linked proposal, then proposals written in the text under the item. */
  decisions: MinutesDecision[];
  tasks: MinutesTask[];
}

/** The whole of a meeting's minutes. */
export interface MeetingMinutes {
  title: string;
  startedAt: number | null;
  endedAt: number | null;
  roles: Array<{ role: MeetingRole; label: string; memberId: string | null }>;
  attendees: string[];
  items: MinutesItem[];
  decisions: MinutesDecision[];
  tasks: MinutesTask[];
}

export { AGENDA_KIND_LABELS, ENGLISH_MINUTES_WORDS, type MinutesWords };

function listLines(block: ListBlock, indent: string, name?: (id: string) => string): string[] {
  return block.items.flatMap((item, i) => {
    const marker = block.listType === 'number' ? `${block.start + i}.` : '-';
    const box = block.listType === 'check' ? (item.checked ? '[x] ' : '[ ] ') : '';
    const text = escapeMarkdown(inlineText(item.children, name)).trim();
    const own = text === '' && item.nested.length > 0 ? [] : [`${indent}${marker} ${box}${text}`.trimEnd()];
    return [...own, ...item.nested.flatMap((n) => listLines(n, indent + '  ', name))];
  });
}

/** A Mutual block written in the text, and the agenda item it sits under (null: none). */
interface TextBlock {
  kind: string;
  blockId: string;
  itemId: string | null;
}

/**
 * Walk the text once: the notes under each agenda item (blocks after its node until the next
 * item or heading), and the other Mutual blocks in text order with the item they sit under.
 */
function readAgendaText(tree: Block[], name?: (id: string) => string): { notes: Map<string, string[]>; blocks: TextBlock[] } {
  const notes = new Map<string, string[]>();
  const blocks: TextBlock[] = [];
  let current: string[] | null = null;
  let itemId: string | null = null;
  for (const block of tree) {
    if (block.type === 'block') {
      if (block.kind === 'agenda') {
        current = [];
        itemId = block.blockId;
        notes.set(block.blockId, current);
      } else if (block.blockId) blocks.push({ kind: block.kind, blockId: block.blockId, itemId });
      continue;
    }
    if (block.type === 'heading') {
      current = null;
      itemId = null;
      continue;
    }
    if (!current) continue;
    if (block.type === 'list') {
      // Empty items (the template's blank to-do) say nothing.
      const lines = listLines(block, '', name).filter((l) => !/^\s*(-|\d+\.)( \[[ x]\])?$/.test(l));
      if (lines.length) current.push(lines.join('\n'));
    } else {
      const text = inlineText(block.children, name).trim();
      if (text !== '') current.push(text.split('\n').map((l) => (block.type === 'quote' ? `> ${escapeMarkdown(l)}` : escapeMarkdown(l))).join('\n'));
    }
  }
  return { notes, blocks };
}

/** The minutes of the meeting held from agenda `doc`. Never throws on malformed data. */
export function meetingMinutes(doc: Y.Doc, options: MinutesOptions = {}): Read<MeetingMinutes> {
  const meeting = readMeeting(doc);
  const order = agendaOrder(doc);
  const issues: ModelIssue[] = [...meeting.issues, ...order.issues];
  const text = readAgendaText(readDocumentTree(doc), options.memberName);
  const name = (id: string) => options.memberName?.(id) ?? id;
  const w = options.words ?? ENGLISH_MINUTES_WORDS;
  const unreadable = w.blocks.unreadable('proposal');
  const describeProposal = (itemTitle: string | null, source: Y.Doc | undefined, proposalId: string, blockId: string | null): MinutesDecision => {
    const described = source ? describeBlock(source, 'proposal', proposalId, { memberName: name, words: w.blocks }) : null;
    const found = described !== null && described.title !== unreadable;
    if (!found) issues.push({ blockId: blockId ?? proposalId, reason: blockId ? 'linked proposal not found on this device' : 'proposal in the text could not be read' });
    return { itemTitle, title: found ? described.title : w.notAvailable, details: found ? described.details : [], found };
  };
  const toTask = (taskId: string, itemTitle: string | null): (MinutesTask & { createdAt: number }) | null => {
    const t = readTask(doc, taskId);
    if (!t.value) {
      issues.push(...t.issues);
      return null;
    }
    return { id: t.value.id, itemTitle, title: t.value.title, claimant: t.value.claimant, status: t.value.status, due: t.value.due, createdAt: t.value.createdAt };
  };

  // Blocks written in the text, by the item they sit under ('' = under none).
  const textProposals = new Map<string, string[]>();
  const textTasks = new Map<string, string[]>();
  for (const b of text.blocks) {
    const into = b.kind === 'proposal' ? textProposals : b.kind === 'task' ? textTasks : null;
    if (!into) continue;
    const key = b.itemId !== null && order.value.some((i) => i.id === b.itemId) ? b.itemId : '';
    into.set(key, [...(into.get(key) ?? []), b.blockId]);
  }
  const seenProposals = new Set<string>();
  const seenTasks = new Set<string>();
  const decisions: MinutesDecision[] = [];
  const tasks: MinutesTask[] = [];

  const items = order.value.map((item): MinutesItem => {
    const itemDecisions: MinutesDecision[] = [];
    if (item.proposalId) {
      const inThisDoc = !item.proposalDoc;
      itemDecisions.push(describeProposal(item.title, inThisDoc ? doc : options.documentOf?.(item.proposalDoc!), item.proposalId, item.id));
      if (inThisDoc) seenProposals.add(item.proposalId);
    }
    for (const id of textProposals.get(item.id) ?? []) {
      if (seenProposals.has(id)) continue;
      seenProposals.add(id);
      itemDecisions.push(describeProposal(item.title, doc, id, null));
    }
    decisions.push(...itemDecisions);
    const linked = item.linkedTasks
      .flatMap((taskId) => {
        const t = toTask(taskId, item.title);
        return t ? [t] : [];
      })
      // In the order they were written down (ids break ties, the same on every device).
      .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
    linked.forEach((t) => seenTasks.add(t.id));
    const written = (textTasks.get(item.id) ?? []).flatMap((taskId) => {
      if (seenTasks.has(taskId)) return [];
      seenTasks.add(taskId);
      const t = toTask(taskId, item.title);
      return t ? [t] : [];
    });
    const itemTasks = [...linked, ...written].map(withoutCreatedAt);
    tasks.push(...itemTasks);
    return {
      id: item.id,
      title: item.title,
      kind: item.kind,
      status: item.status,
      owner: item.owner,
      timebox: item.timebox,
      outcome: item.outcome,
      notes: text.notes.get(item.id) ?? [],
      decision: itemDecisions[0] ?? null,
      decisions: itemDecisions,
      tasks: itemTasks
    };
  });
  // Written in the text outside any item (e.g. under "Next meeting").
  for (const id of textProposals.get('') ?? []) {
    if (seenProposals.has(id)) continue;
    seenProposals.add(id);
    decisions.push(describeProposal(null, doc, id, null));
  }
  for (const taskId of textTasks.get('') ?? []) {
    if (seenTasks.has(taskId)) continue;
    seenTasks.add(taskId);
    const t = toTask(taskId, null);
    if (t) tasks.push(withoutCreatedAt(t));
  }
  const title = getMeta(doc).get('title');
  return {
    value: {
      title: typeof title === 'string' ? title : '',
      startedAt: meeting.value.startedAt,
      endedAt: meeting.value.endedAt,
      roles: MeetingRoles.map((role) => ({ role, label: MEETING_ROLE_LABELS[role], memberId: meeting.value.roles[role] })),
      attendees: meeting.value.attendees.map((a) => a.memberId),
      items,
      decisions,
      tasks
    },
    issues
  };
}

function withoutCreatedAt({ createdAt: _createdAt, ...task }: MinutesTask & { createdAt: number }): MinutesTask {
  return task;
}

/** "claimed by Ben", "done (Ben)", "nobody has claimed it yet" (in the reader's language with `words`). */
export function taskLine(task: MinutesTask, name: (id: string) => string, words: MinutesWords = ENGLISH_MINUTES_WORDS): string {
  if (task.status === 'done') return words.taskDone(task.claimant ? name(task.claimant) : null);
  return task.claimant ? words.taskClaimedBy(name(task.claimant)) : words.taskNobody;
}

/** The minutes as Markdown. */
export function minutesMarkdown(minutes: MeetingMinutes, options: Pick<MinutesOptions, 'memberName' | 'words'> = {}): string {
  const name = (id: string) => escapeMarkdown(options.memberName?.(id) ?? id);
  const w = options.words ?? ENGLISH_MINUTES_WORDS;
  const md = escapeMarkdown;
  const out: string[] = [`# ${w.heading(md(minutes.title || w.untitled))}`, ''];
  if (minutes.startedAt !== null) out.push(w.held(formatDate(minutes.startedAt), minutes.endedAt !== null ? formatDate(minutes.endedAt) : null), '');
  else out.push(w.notStarted, '');
  out.push(minutes.roles.map((r) => w.role(r.role, r.memberId ? name(r.memberId) : null)).join(' · '), '');
  out.push(`## ${w.attendees}`, '');
  out.push(...(minutes.attendees.length ? minutes.attendees.map((id) => `- ${name(id)}`) : [w.nobodyRecorded]), '');
  out.push(`## ${w.items}`, '');
  minutes.items.forEach((item, i) => out.push(...itemLines(item, i, name, w)));
  out.push(`## ${w.decisions}`, '');
  out.push(
    ...(minutes.decisions.length
      ? minutes.decisions.flatMap((d) => [`- **${md(d.title)}**${d.itemTitle !== null ? ` (${w.ofItem(md(d.itemTitle))})` : ''}`, ...d.details.map((l) => `  - ${md(l)}`)])
      : [w.noDecisions]),
    ''
  );
  out.push(`## ${w.tasks}`, '');
  out.push(
    ...(minutes.tasks.length
      ? minutes.tasks.map((t) => `- ${md(t.title)}: ${taskLine(t, name, w)}${t.due ? `, ${w.due(t.due)}` : ''}${t.itemTitle !== null ? ` (${w.ofItem(md(t.itemTitle))})` : ''}`)
      : [w.noTasks])
  );
  return out.join('\n') + '\n';
}

/** One agenda item of the minutes' Markdown. */
function itemLines(item: MinutesItem, i: number, name: (id: string) => string, w: MinutesWords): string[] {
  const md = escapeMarkdown;
  const meta = [w.kind(item.kind), w.timebox(item.timebox), item.owner ? w.ledBy(name(item.owner)) : null, item.status === 'done' ? null : w.notFinished];
  const out = [`### ${i + 1}. ${md(item.title)}`, '', `*${meta.filter(Boolean).join(' · ')}*`, ''];
  if (item.outcome) out.push(`**${w.outcome}** ${md(item.outcome)}`, '');
  for (const note of item.notes) out.push(note, '');
  for (const d of item.decisions) out.push(`**${md(d.title)}**${d.found ? ` (${w.seeDecisions})` : ''}`, '');
  if (item.tasks.length) out.push(`**${w.actions}**`, '', ...item.tasks.map((t) => `- [${t.status === 'done' ? 'x' : ' '}] ${md(t.title)}: ${taskLine(t, name, w)}`), '');
  return out;
}

/**
 * Agenda items and meeting facilitation state.
 *
 * Item fields are plain keys: they are edited by one facilitator or owner at a
 * time and last-writer-wins is what people expect of a title or a status.
 * Linked tasks are a Y.Map used as a set (task id → true), so two people
 * linking different tasks at once keep both. Order: group health items first
 * (by default), then `position`, then creation time, then id — a total order,
 * so concurrently added items with the same position still sort identically
 * everywhere.
 *
 * Facilitation (issue 11: the current item and its shared countdown) is in
 * agenda-facilitation.ts, loaded with the agenda's view and the meeting bar rather than
 * with every document that can insert an agenda item (issue 25).
 */
import * as Y from 'yjs';
import { blockTypeOf, checkNewBlockId, getBlockMap, getMeta, insertBlock, listBlockIds, mutate, requireBlock, timeOf, type Actor } from './doc';
import { ModelError } from './errors';
import { newBlockId } from './ids';
import { IssueLog, compact, isFiniteNumber, isRecord, isString, oneOf, orNull, readField, type ModelIssue, type Read } from './validate';

export const AgendaItemKinds = ['decision', 'discussion', 'report', 'group-health'] as const;
export type AgendaItemKind = (typeof AgendaItemKinds)[number];
export const AgendaItemStatuses = ['pending', 'discussing', 'done'] as const;
export type AgendaItemStatus = (typeof AgendaItemStatuses)[number];

export interface AgendaItemInput {
  id?: string;
  title: string;
  owner?: string | null;
  /** Minutes. */
  timebox?: number;
  kind?: AgendaItemKind;
  /** Manual order; defaults to after the last item. */
  position?: number;
  /** A decision item's proposal block. */
  proposalId?: string | null;
  /**
   * The document holding that proposal, when it is not this agenda (decisions are often
   * drafted in their own proposal document); null means this document.
   */
  proposalDoc?: string | null;
}

export interface AgendaItemView {
  id: string;
  title: string;
  owner: string | null;
  timebox: number;
  kind: AgendaItemKind;
  status: AgendaItemStatus;
  outcome: string;
  position: number;
  proposalId: string | null;
  /** Document of the linked proposal; null: this document. */
  proposalDoc: string | null;
  linkedTasks: string[];
  createdAt: number;
  createdBy: string;
}

/** Default timebox in minutes. */
export const DEFAULT_TIMEBOX = 10;

function checkInput(input: Partial<AgendaItemInput>): void {
  if (input.timebox !== undefined && !(Number.isFinite(input.timebox) && input.timebox > 0)) throw new ModelError('invalid-input', 'A timebox is a number of minutes.');
  if (input.kind !== undefined && !oneOf(AgendaItemKinds)(input.kind)) throw new ModelError('invalid-input', 'Unknown agenda item kind.');
  if (input.position !== undefined && !Number.isFinite(input.position)) throw new ModelError('invalid-input', 'Invalid position.');
}

/** Read an agenda item; null (with an issue) when missing or not an agenda item. */
export function readAgendaItem(doc: Y.Doc, itemId: string): Read<AgendaItemView | null> {
  const log = new IssueLog(itemId);
  const block = getBlockMap(doc, itemId);
  if (!block || blockTypeOf(block) !== 'agenda-item') {
    log.add(block ? 'block is not an agenda item' : 'agenda item not found');
    return { value: null, issues: log.issues };
  }
  const links = block.get('linkedTasks');
  const linkedTasks = links instanceof Y.Map ? [...links.keys()].sort() : [];
  if (!(links instanceof Y.Map)) log.add('linked tasks are missing');
  const value: AgendaItemView = {
    id: itemId,
    title: readField(block, 'title', isString, '', log),
    owner: readField(block, 'owner', orNull(isString), null, log, false),
    timebox: readField(block, 'timebox', (v): v is number => isFiniteNumber(v) && v > 0, DEFAULT_TIMEBOX, log, false),
    kind: readField(block, 'kind', oneOf(AgendaItemKinds), 'discussion', log),
    status: readField(block, 'status', oneOf(AgendaItemStatuses), 'pending', log),
    outcome: readField(block, 'outcome', isString, '', log, false),
    position: readField(block, 'position', isFiniteNumber, 0, log, false),
    proposalId: readField(block, 'proposalId', orNull(isString), null, log, false),
    proposalDoc: readField(block, 'proposalDoc', orNull(isString), null, log, false),
    linkedTasks,
    createdAt: readField(block, 'createdAt', isFiniteNumber, 0, log),
    createdBy: readField(block, 'createdBy', isString, '', log)
  };
  return { value, issues: log.issues };
}

/**
 * The agenda in meeting order: group health first (unless turned off), then
 * position, creation time and id.
 */
export function agendaOrder(doc: Y.Doc, options: { groupHealthFirst?: boolean } = {}): Read<AgendaItemView[]> {
  const ids = listBlockIds(doc, 'agenda-item');
  const issues: ModelIssue[] = [...ids.issues];
  const items: AgendaItemView[] = [];
  for (const id of ids.value) {
    const read = readAgendaItem(doc, id);
    issues.push(...read.issues);
    if (read.value) items.push(read.value);
  }
  const healthFirst = options.groupHealthFirst ?? true;
  const band = (i: AgendaItemView): number => (healthFirst && i.kind === 'group-health' ? 0 : 1);
  items.sort((a, b) => band(a) - band(b) || a.position - b.position || a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { value: items, issues };
}

/** Add an agenda item (pending); returns its block id. */
export function createAgendaItem(doc: Y.Doc, input: AgendaItemInput, actor: Actor): string {
  const id = input.id ?? newBlockId();
  checkNewBlockId(doc, id);
  checkInput(input);
  const last = agendaOrder(doc, { groupHealthFirst: false }).value.reduce((max, i) => Math.max(max, i.position), 0);
  mutate(doc, actor, () => {
    const block = insertBlock(doc, id, 'agenda-item', actor);
    block.set('title', input.title);
    block.set('owner', input.owner ?? null);
    block.set('timebox', input.timebox ?? DEFAULT_TIMEBOX);
    block.set('kind', input.kind ?? 'discussion');
    block.set('status', 'pending');
    block.set('outcome', '');
    block.set('position', input.position ?? last + 1);
    block.set('proposalId', input.proposalId ?? null);
    block.set('proposalDoc', input.proposalDoc ?? null);
    block.set('linkedTasks', new Y.Map<true>());
  });
  return id;
}

/** Change an item's title, owner, timebox, kind, position, outcome or proposal link. */
export function updateAgendaItem(
  doc: Y.Doc,
  itemId: string,
  patch: Partial<Omit<AgendaItemInput, 'id'>> & { outcome?: string },
  actor: Actor
): void {
  const block = requireBlock(doc, itemId, 'agenda-item');
  checkInput(patch);
  mutate(doc, actor, () => {
    for (const [k, v] of Object.entries(compact(patch))) block.set(k, v);
  });
}

/** Set an item's status (pending → discussing → done, or back). */
export function setAgendaItemStatus(doc: Y.Doc, itemId: string, status: AgendaItemStatus, actor: Actor): void {
  const block = requireBlock(doc, itemId, 'agenda-item');
  if (!oneOf(AgendaItemStatuses)(status)) throw new ModelError('invalid-input', 'Unknown agenda item status.');
  mutate(doc, actor, () => block.set('status', status));
}

/** Link a task block to an item (action items become claimable tasks). */
export function linkTask(doc: Y.Doc, itemId: string, taskId: string, actor: Actor): void {
  const links = requireBlock(doc, itemId, 'agenda-item').get('linkedTasks');
  requireBlock(doc, taskId, 'task');
  if (!(links instanceof Y.Map)) throw new ModelError('invalid-input', 'This agenda item is damaged.');
  mutate(doc, actor, () => links.set(taskId, true));
}

/** Remove a task link from an item. */
export function unlinkTask(doc: Y.Doc, itemId: string, taskId: string, actor: Actor): void {
  const links = requireBlock(doc, itemId, 'agenda-item').get('linkedTasks');
  if (links instanceof Y.Map && links.has(taskId)) mutate(doc, actor, () => links.delete(taskId));
}

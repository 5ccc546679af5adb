/**
 * Task blocks: title, due date and co-lead settings as plain keys; who holds
 * the task as an append-only claim log (rules in task-claims.ts).
 */
import * as Y from 'yjs';
import { blockTypeOf, checkNewBlockId, getBlockMap, insertBlock, mutate, requireBlock, timeOf, type Actor } from './doc';
import { ModelError } from './errors';
import { newBlockId } from './ids';
import { causalPasts, fairOrder, nextStamp, readLogNodes, seenVectorOf, type LogNode, type SeenVector } from './log-order';
import { parseTaskEvent, replayClaims, type ClaimHistoryEntry, type ClaimState, type SawEntry, type TaskEvent } from './task-claims';
import { IssueLog, compact, isBoolean, isFiniteNumber, isIsoDate, isString, orNull, readField, type Read } from './validate';

/** Settings of a new task. */
export interface TaskInput {
  id?: string;
  title: string;
  /** Calendar date `YYYY-MM-DD`, or null. */
  due?: string | null;
  /** Offer a co-lead place: a second member who learns the task. */
  coLeadWanted?: boolean;
  /** Mark the co-lead place "good for newcomers" (issue 9 shows these first to new members). */
  newcomerFriendly?: boolean;
}

/** A task as the block and dashboards show it. */
export interface TaskView extends ClaimState {
  id: string;
  title: string;
  due: string | null;
  coLeadWanted: boolean;
  newcomerFriendly: boolean;
  createdAt: number;
  createdBy: string;
  history: ClaimHistoryEntry[];
}

function checkInput(input: Partial<TaskInput>): void {
  if (input.due != null && !isIsoDate(input.due)) throw new ModelError('invalid-input', 'A due date is a calendar date (YYYY-MM-DD).');
  if (input.title !== undefined && typeof input.title !== 'string') throw new ModelError('invalid-input', 'A task title is text.');
}

/** Create an open task; returns its block id. */
export function createTask(doc: Y.Doc, input: TaskInput, actor: Actor): string {
  const id = input.id ?? newBlockId();
  checkNewBlockId(doc, id);
  checkInput(input);
  mutate(doc, actor, () => {
    const block = insertBlock(doc, id, 'task', actor);
    block.set('title', input.title);
    block.set('due', input.due ?? null);
    block.set('coLeadWanted', input.coLeadWanted ?? false);
    block.set('newcomerFriendly', input.newcomerFriendly ?? false);
    block.set('events', new Y.Array<TaskEvent>());
  });
  return id;
}

/** Change a task's title, due date or co-lead settings. */
export function updateTask(doc: Y.Doc, taskId: string, patch: Partial<Omit<TaskInput, 'id'>>, actor: Actor): void {
  const block = requireBlock(doc, taskId, 'task');
  checkInput(patch);
  mutate(doc, actor, () => {
    for (const [key, value] of Object.entries(compact(patch))) block.set(key, value);
  });
}

/** Read a task block; null (with an issue) when missing or not a task. */
export function readTask(doc: Y.Doc, taskId: string): Read<TaskView | null> {
  const log = new IssueLog(taskId);
  const block = getBlockMap(doc, taskId);
  if (!block || blockTypeOf(block) !== 'task') {
    log.add(block ? 'block is not a task' : 'task not found');
    return { value: null, issues: log.issues };
  }
  const events: TaskEvent[] = [];
  const nodes: LogNode[] = [];
  let saw: SawEntry | undefined;
  const raw = block.get('events');
  if (raw instanceof Y.Array) {
    // The fair order: as made, concurrent entries by their server-time stamps (log-order.ts).
    const all = readLogNodes(raw as Y.Array<unknown>);
    for (const node of fairOrder(all)) {
      const parsed = parseTaskEvent(node.value);
      if (typeof parsed === 'string') log.add(`${parsed}; skipped`);
      else {
        events.push(parsed);
        nodes.push(node);
      }
    }
    const past = causalPasts(all);
    saw = (later, earlier) => past(nodes[later], nodes[earlier]);
  } else log.add('claim log is missing');
  const { state, history } = replayClaims(events, saw);
  const value: TaskView = {
    id: taskId,
    title: readField(block, 'title', isString, '', log),
    due: readField(block, 'due', orNull(isIsoDate), null, log, false),
    coLeadWanted: readField(block, 'coLeadWanted', isBoolean, false, log, false),
    newcomerFriendly: readField(block, 'newcomerFriendly', isBoolean, false, log, false),
    createdAt: readField(block, 'createdAt', isFiniteNumber, 0, log),
    createdBy: readField(block, 'createdBy', isString, '', log),
    ...state,
    history
  };
  return { value, issues: log.issues };
}

/** Who holds the task now (status, claimant, co-lead, done by). */
export function currentClaim(doc: Y.Doc, taskId: string): Read<ClaimState | null> {
  const read = readTask(doc, taskId);
  if (!read.value) return { value: null, issues: read.issues };
  const { status, claimant, claimedAt, coLead, doneBy, doneAt } = read.value;
  return { value: { status, claimant, claimedAt, coLead, doneBy, doneAt }, issues: read.issues };
}

/** The task's claim history in the agreed order, each entry with what it did. */
export function claimHistory(doc: Y.Doc, taskId: string): Read<ClaimHistoryEntry[]> {
  const read = readTask(doc, taskId);
  return { value: read.value?.history ?? [], issues: read.issues };
}

/**
 * Who beat `memberId` to the task: the winner when the member's latest claim
 * was lost and they hold no claim now, else null. The block shows
 * "X claimed it first" with it.
 */
export function claimLostTo(history: readonly ClaimHistoryEntry[], memberId: string): string | null {
  return lostClaimOf(history, memberId)?.winner ?? null;
}

/** A member's claim that lost a race, and the times that decided it (see {@link lostClaimOf}). */
export interface LostClaim {
  /** Who holds it: their claim came first. */
  winner: string;
  /** The winner's entry: its server-time stamp, else its device time. */
  winnerAt: number;
  /** The member's own lost claim, the same way. */
  ownAt: number;
  /** True when both entries carry server-time stamps, so the times decided it; false for entries from before issue 26 (array order decided). */
  byTime: boolean;
}

/** When `memberId`'s latest claim lost a race: who won, and when each claim was made. */
export function lostClaimOf(history: readonly ClaimHistoryEntry[], memberId: string): LostClaim | null {
  for (let i = history.length - 1; i >= 0; i--) {
    const h = history[i];
    if (h.event.type !== 'claim' || h.event.member !== memberId) continue;
    if (h.effect !== 'lost' || h.lostTo === undefined) return null;
    const own = h.event;
    const win = h.winner;
    const byTime = own.serverAt !== undefined && win?.serverAt !== undefined;
    return { winner: h.lostTo, winnerAt: win?.serverAt ?? win?.at ?? own.at, ownAt: own.serverAt ?? own.at, byTime };
  }
  return null;
}

/** A time of day with seconds, as people read it ("14:02:05"), in the reader's locale. */
export function clockTime(ms: number): string {
  return new Date(ms).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/**
 * Plain words for a member whose claim lost a race (issue 26): who holds the task, and the
 * times that decided it — both claims were made before either device had the other's, and the
 * earlier one holds. `title` is in quotes when given ("X claimed “Deliver groceries” at …").
 */
export function describeLostClaim(lost: LostClaim, winnerName: string, title?: string): string {
  const it = title ? `“${title}”` : 'it';
  if (!lost.byTime) return `${winnerName} claimed ${it} first. You both claimed it at about the same time; ${winnerName}'s claim came first in the order every device agrees on, so the task is theirs.`;
  // Counted as the clock times shown are (whole seconds), so the words and the times agree.
  const seconds = Math.max(0, Math.floor(lost.ownAt / 1000) - Math.floor(lost.winnerAt / 1000));
  const plural = (n: number, unit: string): string => `${n} ${unit}${n === 1 ? '' : 's'}`;
  const apart =
    seconds === 0 ? 'less than a second' : seconds < 120 ? plural(seconds, 'second') : seconds < 7200 ? plural(Math.round(seconds / 60), 'minute') : plural(Math.round(seconds / 3600), 'hour');
  return `${winnerName} claimed ${it} first, at ${clockTime(lost.winnerAt)} — ${apart} before your claim at ${clockTime(lost.ownAt)}. Neither device had the other's claim yet, so the earlier claim holds and the task is ${winnerName}'s.`;
}

function stateOrThrow(doc: Y.Doc, taskId: string): { view: TaskView; events: Y.Array<TaskEvent> } {
  const block = requireBlock(doc, taskId, 'task');
  const view = readTask(doc, taskId).value;
  const events = block.get('events');
  if (!view || !(events instanceof Y.Array)) throw new ModelError('invalid-input', 'This task is damaged and cannot be changed.');
  return { view, events: events as Y.Array<TaskEvent> };
}

/**
 * What an entry appended now by `actor` records for the fair order (issue 26, log-order.ts): its
 * server-time stamp — the actor's estimate of the relay's clock (`serverAt`; the device's own
 * clock when it has none), never earlier than a stamp the log already holds — and what this
 * copy has of the log (`seen`).
 */
function ordering(events: Y.Array<TaskEvent>, actor: Actor): { serverAt: number; seen: SeenVector } {
  const nodes = readLogNodes(events as Y.Array<unknown>);
  return { serverAt: nextStamp(nodes, actor.serverAt ?? timeOf(actor)), seen: seenVectorOf(nodes) };
}

function append(doc: Y.Doc, events: Y.Array<TaskEvent>, event: TaskEvent, actor: Actor): void {
  const entry = { ...event, ...ordering(events, actor) };
  mutate(doc, actor, () => events.push([entry]));
}

/** Claim the task for the acting member. Refused when someone else already holds it here. */
export function claimTask(doc: Y.Doc, taskId: string, actor: Actor): void {
  const { view, events } = stateOrThrow(doc, taskId);
  if (view.status === 'done') throw new ModelError('already-done', 'This task is already done.');
  if (view.status === 'claimed') {
    if (view.claimant === actor.memberId) return;
    throw new ModelError('already-claimed', `${view.claimant} has already claimed this task.`);
  }
  append(doc, events, { type: 'claim', member: actor.memberId, at: timeOf(actor) }, actor);
}

/** Release the acting member's claim, putting the task back on the board. */
export function releaseTask(doc: Y.Doc, taskId: string, actor: Actor, note?: string): void {
  const { view, events } = stateOrThrow(doc, taskId);
  if (view.status !== 'claimed' || view.claimant !== actor.memberId) throw new ModelError('not-claimant', 'You do not hold this task.');
  append(doc, events, compact({ type: 'release' as const, member: actor.memberId, by: actor.memberId, at: timeOf(actor), note: note?.trim() || undefined }), actor);
}

/**
 * "Scale back" (issue 9): release several of the acting member's claims in this
 * document at once, with one note, in one transaction. Tasks the member does not
 * hold are left alone; returns the ids released.
 */
export function releaseTasks(doc: Y.Doc, taskIds: readonly string[], actor: Actor, note?: string): string[] {
  const held: Array<Y.Array<TaskEvent>> = [];
  const released: string[] = [];
  for (const id of taskIds) {
    const view = readTask(doc, id).value;
    const events = getBlockMap(doc, id)?.get('events');
    if (view && view.status === 'claimed' && view.claimant === actor.memberId && events instanceof Y.Array) {
      held.push(events as Y.Array<TaskEvent>);
      released.push(id);
    }
  }
  const event = compact({ type: 'release' as const, member: actor.memberId, by: actor.memberId, at: timeOf(actor), note: note?.trim() || undefined });
  if (held.length > 0) mutate(doc, actor, () => held.forEach((events) => events.push([{ ...event, ...ordering(events, actor) }])));
  return released;
}

/** Hand the task to `to` (from its current claimant, or assign it when open). */
export function reassignTask(doc: Y.Doc, taskId: string, to: string, actor: Actor): void {
  const { view, events } = stateOrThrow(doc, taskId);
  if (view.status === 'done') throw new ModelError('already-done', 'This task is already done.');
  if (!to) throw new ModelError('invalid-input', 'Choose a member to hand the task to.');
  if (view.claimant === to) return;
  append(doc, events, { type: 'reassign', from: view.claimant, to, by: actor.memberId, at: timeOf(actor) }, actor);
}

/** Mark the task done (by whoever did it; the claimant stays in the history). */
export function markTaskDone(doc: Y.Doc, taskId: string, actor: Actor): void {
  const { view, events } = stateOrThrow(doc, taskId);
  if (view.status === 'done') throw new ModelError('already-done', 'This task is already done.');
  append(doc, events, { type: 'done', by: actor.memberId, at: timeOf(actor) }, actor);
}

/** Put a done task back on the board, unclaimed. */
export function reopenTask(doc: Y.Doc, taskId: string, actor: Actor): void {
  const { view, events } = stateOrThrow(doc, taskId);
  if (view.status !== 'done') throw new ModelError('not-done', 'This task is not done.');
  append(doc, events, { type: 'reopen', by: actor.memberId, at: timeOf(actor) }, actor);
}

/** Take the task's co-lead place. */
export function joinAsCoLead(doc: Y.Doc, taskId: string, actor: Actor): void {
  const { view, events } = stateOrThrow(doc, taskId);
  if (view.status === 'done') throw new ModelError('already-done', 'This task is already done.');
  if (view.coLead === actor.memberId || view.claimant === actor.memberId) return;
  if (view.coLead !== null) throw new ModelError('co-lead-taken', `${view.coLead} is already co-leading this task.`);
  append(doc, events, { type: 'co-lead', member: actor.memberId, at: timeOf(actor) }, actor);
}

/** Leave the co-lead place (the acting member's own, or `member`'s when a claimant frees it). */
export function leaveCoLead(doc: Y.Doc, taskId: string, actor: Actor, member: string = actor.memberId): void {
  const { view, events } = stateOrThrow(doc, taskId);
  if (view.coLead !== member) throw new ModelError('not-claimant', `${member} is not co-leading this task.`);
  append(doc, events, { type: 'co-lead-release', member, by: actor.memberId, at: timeOf(actor) }, actor);
}

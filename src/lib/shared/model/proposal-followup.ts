/**
 * Follow-up of a decision (issue 8): claimable tasks created from the outcome, and a date
 * on which the group reviews the decision.
 *
 * The link lives on the task (`fromProposal`, a plain key written once with the task), not
 * in a list on the proposal: two members adding follow-ups at once each write their own
 * task, so neither link can be lost. The review date is a plain key (last writer wins).
 */
import { getBlockMap, listBlockIds, mutate, requireBlock, type Actor } from './doc';
import { ModelError } from './errors';
import { readProposal } from './proposal-read';
import { createTask, readTask, type TaskView } from './task';
import { isIsoDate, isString, type ModelIssue, type Read } from './validate';
import type * as Y from 'yjs';

/** A proposal's follow-up: its tasks (oldest first) and review date. */
export interface ProposalFollowUp {
  tasks: TaskView[];
  /** Calendar date `YYYY-MM-DD`, or null. */
  reviewDate: string | null;
}

/**
 * Create a claimable task that follows from a proposal's outcome, in the same document and
 * the same transaction as its link. Allowed once the proposal is closed.
 */
export function addFollowUpTask(doc: Y.Doc, proposalId: string, input: { title: string; due?: string | null }, actor: Actor): string {
  const view = readProposal(doc, proposalId).value;
  if (!view) throw new ModelError('not-found', 'This proposal no longer exists.');
  if (view.status !== 'closed') throw new ModelError('not-closed', 'Follow-up tasks are added once the proposal is decided.');
  const title = input.title.trim();
  if (!title) throw new ModelError('invalid-input', 'A follow-up task needs a title.');
  if (input.due != null && !isIsoDate(input.due)) throw new ModelError('invalid-input', 'A due date is a calendar date (YYYY-MM-DD).');
  return mutate(doc, actor, () => {
    const id = createTask(doc, { title, due: input.due ?? null }, actor);
    getBlockMap(doc, id)!.set('fromProposal', proposalId);
    return id;
  });
}

/** Set or clear the date the group reviews the decision. */
export function setReviewDate(doc: Y.Doc, proposalId: string, date: string | null, actor: Actor): void {
  const block = requireBlock(doc, proposalId, 'proposal');
  if (date !== null && !isIsoDate(date)) throw new ModelError('invalid-input', 'A review date is a calendar date (YYYY-MM-DD).');
  mutate(doc, actor, () => block.set('reviewDate', date));
}

/** The follow-up tasks and review date of a proposal. */
export function readFollowUp(doc: Y.Doc, proposalId: string): Read<ProposalFollowUp> {
  const issues: ModelIssue[] = [];
  const tasks: TaskView[] = [];
  for (const id of listBlockIds(doc, 'task').value) {
    if (getBlockMap(doc, id)?.get('fromProposal') !== proposalId) continue;
    const read = readTask(doc, id);
    issues.push(...read.issues);
    if (read.value) tasks.push(read.value);
  }
  tasks.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
  const raw = getBlockMap(doc, proposalId)?.get('reviewDate');
  let reviewDate: string | null = null;
  if (isString(raw) && isIsoDate(raw)) reviewDate = raw;
  else if (raw != null) issues.push({ blockId: proposalId, reason: 'review date is not a calendar date; ignored' });
  return { value: { tasks, reviewDate }, issues };
}

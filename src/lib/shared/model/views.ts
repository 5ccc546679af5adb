/**
 * Views across documents (dashboards): a member's open work, the open tasks
 * board, workload against the group's norm, proposals due to close. Pure
 * functions of document state; every list is in a total order so every device
 * shows the same list.
 */
import type * as Y from 'yjs';
import type { AgendaItemView } from './agenda';
import { collectBlocks, listBlockIds } from './doc';
import type { InDoc, WorkspaceDoc } from './doc-set';
import { readProposal, type ProposalView } from './proposal-read';
import { summariseDocuments, type DocSummary } from './summary';
import { readTask, type TaskView } from './task';
import { uniqueIssues, type ModelIssue, type Read } from './validate';

export type { InDoc, WorkspaceDoc } from './doc-set';

/** Everything waiting on one member. */
export interface OpenWork {
  /** Tasks the member holds: due date first (earliest, so overdue on top), undated last. */
  tasks: InDoc<TaskView>[];
  /** Tasks the member co-leads. */
  coLeading: InDoc<TaskView>[];
  /** Open proposals without the member's ballot: soonest deadline first. */
  proposalsAwaitingBallot: InDoc<ProposalView>[];
  /** Agenda items the member owns that are not done. */
  agendaItems: InDoc<AgendaItemView>[];
}

const byId = (a: { id: string; docId: string }, b: { id: string; docId: string }): number =>
  a.docId < b.docId ? -1 : a.docId > b.docId ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

/** Dated before undated, earlier dates first. */
function byDue(a: { due: string | null }, b: { due: string | null }): number {
  if (a.due === b.due) return 0;
  if (a.due === null) return 1;
  if (b.due === null) return -1;
  return a.due < b.due ? -1 : 1;
}

function allTasks(docs: readonly WorkspaceDoc[], issues: ModelIssue[]): InDoc<TaskView>[] {
  return collectBlocks(docs, 'task', readTask, issues);
}

/**
 * A member's open work across documents (issue 9's "My work"). `now` (ms)
 * leaves out proposals whose deadline has passed on this device.
 */
export function memberOpenWork(docs: readonly WorkspaceDoc[], memberId: string, options: { now?: number } = {}): Read<OpenWork> {
  const summaries = summariseDocuments(docs);
  const open = openWorkOf(summaries.value, memberId, options);
  return { value: open, issues: uniqueIssues([...summaries.issues]) };
}

/** {@link memberOpenWork} over documents already summarised (dashboards keep one summary per document). */
export function openWorkOf(summaries: readonly DocSummary[], memberId: string, options: { now?: number } = {}): OpenWork {
  const tasks = summaries.flatMap((s) => s.tasks);
  const proposalsAwaitingBallot = summaries
    .flatMap((s) => s.proposals)
    .filter((p) => p.status === 'open' && !p.ballots.has(memberId) && (options.now === undefined || p.deadline === null || p.deadline >= options.now));
  const agendaItems = summaries.flatMap((s) => s.agendaItems).filter((item) => item.owner === memberId && item.status !== 'done');
  const deadline = (p: ProposalView): number => p.deadline ?? Number.POSITIVE_INFINITY;
  return {
    tasks: tasks.filter((t) => t.status === 'claimed' && t.claimant === memberId).sort((a, b) => byDue(a, b) || byId(a, b)),
    coLeading: tasks.filter((t) => t.status !== 'done' && t.coLead === memberId).sort((a, b) => byDue(a, b) || byId(a, b)),
    proposalsAwaitingBallot: proposalsAwaitingBallot.sort((a, b) => deadline(a) - deadline(b) || byId(a, b)),
    agendaItems
  };
}

/** Unclaimed, not-done tasks across documents (issue 9's open tasks board), earliest due first. */
export function openTasks(docs: readonly WorkspaceDoc[]): Read<InDoc<TaskView>[]> {
  const issues: ModelIssue[] = [];
  const tasks = allTasks(docs, issues).filter((t) => t.status === 'open');
  return { value: tasks.sort((a, b) => byDue(a, b) || byId(a, b)), issues: uniqueIssues(issues) };
}

/** One member's load against the group norm. */
export interface MemberLoad {
  memberId: string;
  openClaims: number;
  /** Claims the member could still take before reaching the norm (0 when at or over). */
  room: number;
  overNorm: boolean;
}

/** Open claims per member against the norm (issue 9's workload page), in the order of `memberIds`. */
export function workload(docs: readonly WorkspaceDoc[], memberIds: readonly string[], norm: number): Read<MemberLoad[]> {
  const issues: ModelIssue[] = [];
  const counts = new Map<string, number>();
  for (const t of allTasks(docs, issues)) if (t.status === 'claimed' && t.claimant) counts.set(t.claimant, (counts.get(t.claimant) ?? 0) + 1);
  const value = memberIds.map((memberId) => {
    const openClaims = counts.get(memberId) ?? 0;
    return { memberId, openClaims, room: Math.max(0, norm - openClaims), overNorm: openClaims > norm };
  });
  return { value, issues: uniqueIssues(issues) };
}

/** Open proposals of a document whose deadline has passed at `now` (issue 8 closes them). */
export function proposalsDueToClose(doc: Y.Doc, now: number): string[] {
  return listBlockIds(doc, 'proposal').value.filter((id) => {
    const p = readProposal(doc, id).value;
    return p !== null && p.status === 'open' && p.deadline !== null && p.deadline < now;
  });
}

/**
 * The workload "work check" (issue 9): before a claim, the claimant's open tasks across the
 * workspace's documents against the group's norm. The dashboards call it directly; a task in a
 * document asks through its page's member directory (member-directory.ts), which loads this
 * module with the first claim rather than with the document page's first paint (issue 25).
 */
import { checkClaimAgainstNorm, localDate, workloadsOf, type DocSummary, type InDoc, type Member, type NormCheck, type TaskView } from '$lib/shared/model';
import type { WorkspaceSession } from './workspace.svelte';
import { libraryOf } from './library-of';
import { m } from '../paraglide/messages.js';

/** Members who can hold tasks (viewers cannot edit, so they never claim). */
export function workingMembers(session: WorkspaceSession): Member[] {
  return session.members.filter((m) => m.role !== 'viewer');
}

/**
 * The summaries of the workspace's documents (not archived), for the model's cross-document
 * views. Reads `library.version`, so calling it inside `$derived` recomputes when a document
 * changes (only that document's summary was computed again).
 */
export function librarySummaries(session: WorkspaceSession): { summaries: DocSummary[]; tasks: InDoc<TaskView>[]; loaded: boolean; titles: Map<string, string> } {
  const library = libraryOf(session);
  void library.version;
  const entries = library.entries();
  return {
    summaries: entries,
    tasks: entries.flatMap((e) => e.tasks),
    loaded: library.loaded,
    titles: new Map(entries.map((e) => [e.docId, e.title || m.document_list_untitled()]))
  };
}

/** The norm check for a claim by `memberId`, or null while the documents are still loading. */
export function normCheckFor(session: WorkspaceSession, memberId: string): NormCheck | null {
  const { tasks, loaded } = librarySummaries(session);
  if (!loaded) return null;
  const norm = session.settings.workloadNorm;
  const loads = workloadsOf(tasks, workingMembers(session).map((m) => m.id), norm, localDate(Date.now()));
  return checkClaimAgainstNorm(loads, memberId, norm);
}

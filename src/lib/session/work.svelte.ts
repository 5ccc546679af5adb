/**
 * Sharing the work (issue 9), as the pages use it: the workspace's documents for the
 * cross-document views, the member directory and norm check handed to block views, and
 * claim / release / scale back from a dashboard (through `withDocument`, so they work on
 * documents that are not open, offline too).
 */
import type * as Y from 'yjs';
import type { MemberDirectory } from '$lib/editor/members';
import {
  checkClaimAgainstNorm,
  claimTask,
  groupByDocument,
  isModelError,
  joinAsCoLead,
  localDate,
  markTaskDone,
  releaseTasks,
  workloadsOf,
  type DocSummary,
  type InDoc,
  type Member,
  type NormCheck,
  type TaskRef,
  type TaskView
} from '$lib/shared/model';
import type { WorkspaceSession } from './workspace.svelte';

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
  const library = session.library();
  void library.version;
  const entries = library.entries();
  return {
    summaries: entries,
    tasks: entries.flatMap((e) => e.tasks),
    loaded: library.loaded,
    titles: new Map(entries.map((e) => [e.docId, e.title || 'Untitled']))
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

/** What the document page hands to block views: names from the directory, and the norm check. */
export function memberDirectoryFor(session: WorkspaceSession): MemberDirectory {
  return { members: () => session.members, checkClaim: (memberId) => normCheckFor(session, memberId) };
}

/** A member's display name ("you" for the member on this device). */
export function nameOf(session: WorkspaceSession, id: string | null, you = true): string {
  if (id === null) return 'someone';
  if (you && id === session.record.memberId) return 'you';
  return session.members.find((m) => m.id === id)?.name ?? 'a former member';
}

/** Run a task change from a dashboard; a refusal comes back as plain words (null when it went through). */
async function change(session: WorkspaceSession, docId: string, fn: (doc: Y.Doc) => void): Promise<string | null> {
  try {
    await session.withDocument(docId, fn);
    return null;
  } catch (error) {
    if (isModelError(error)) {
      if (error.code === 'already-claimed') return 'Someone else claimed this task first.';
      return error.message;
    }
    return error instanceof Error ? `That didn't work: ${error.message}` : "That didn't work.";
  }
}

/** Claim a task from a board. */
export function claimFromBoard(session: WorkspaceSession, ref: TaskRef): Promise<string | null> {
  return change(session, ref.docId, (doc) => claimTask(doc, ref.id, session.actor));
}

/** Take a task's co-lead place from a board. */
export function coLeadFromBoard(session: WorkspaceSession, ref: TaskRef): Promise<string | null> {
  return change(session, ref.docId, (doc) => joinAsCoLead(doc, ref.id, session.actor));
}

/** Mark a task done from "My work". */
export function doneFromBoard(session: WorkspaceSession, ref: TaskRef): Promise<string | null> {
  return change(session, ref.docId, (doc) => markTaskDone(doc, ref.id, session.actor));
}

/**
 * "Scale back": release several of my claims with one note, one document at a time.
 * Returns how many were released and any refusal in plain words.
 */
export async function scaleBackClaims(session: WorkspaceSession, refs: readonly TaskRef[], note: string): Promise<{ released: number; error: string | null }> {
  let released = 0;
  let error: string | null = null;
  for (const [docId, ids] of groupByDocument(refs)) {
    const failed = await change(session, docId, (doc) => {
      released += releaseTasks(doc, ids, session.actor, note).length;
    });
    error ??= failed;
  }
  return { released, error };
}

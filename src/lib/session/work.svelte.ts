/**
 * Sharing the work (issue 9), as the pages use it: the workspace's documents for the
 * cross-document views, the member directory and norm check handed to block views, keeping a
 * dashboard's documents live (issue 26), and claim / release / scale back from a dashboard
 * (through `withDocument`: on a copy brought up to date with the relay first, and on
 * documents that are not open, offline too).
 */
import type * as Y from 'yjs';
import { claimTask, groupByDocument, isModelError, joinAsCoLead, markTaskDone, readTask, reassignTask, releaseTasks, type TaskRef } from '$lib/shared/model';
import type { WorkspaceSession } from './workspace.svelte';
import { liveSetOf } from './live-set-of';
import { m } from '../paraglide/messages.js';
import { modelErrorText } from '../i18n/model-errors.ts';

export { librarySummaries, normCheckFor, workingMembers } from './work-check';

/** A member's display name ("you" for the member on this device). */
export function nameOf(session: WorkspaceSession, id: string | null, you = true): string {
  if (id === null) return m.common_someone();
  if (you && id === session.record.memberId) return m.common_you();
  return session.members.find((m) => m.id === id)?.name ?? m.common_former_member();
}

/**
 * What became of an action taken from a dashboard (issue 26):
 * - `done`: written. `offline` when the device could not check with the relay first (it is
 *   offline, or the relay did not answer in time): if someone else claimed first, the fair
 *   order decides and the task says so.
 * - `already-claimed`: the copy, brought up to date with the relay, shows the task held by
 *   someone else; nothing was written. `since` is when their claim was made (server time).
 * - `refused`: the model refused, in plain words.
 */
export type BoardAnswer =
  | { kind: 'done'; offline: boolean }
  | { kind: 'already-claimed'; claimant: string; since: number | null; coLeadOpen: boolean }
  | { kind: 'refused'; message: string };

/** Run a task change from a dashboard on a fresh copy of its document; `fn` may answer instead of writing. */
async function change(session: WorkspaceSession, docId: string, fn: (doc: Y.Doc) => BoardAnswer | void): Promise<BoardAnswer> {
  try {
    const { result, freshness } = await session.withDocument(docId, fn);
    return result ?? { kind: 'done', offline: freshness !== 'fresh' };
  } catch (error) {
    if (isModelError(error)) return { kind: 'refused', message: modelErrorText(error) };
    return { kind: 'refused', message: error instanceof Error ? m.work_failed_because({ reason: error.message }) : m.work_failed() };
  }
}

/** When the task is held by someone other than `me` on this (fresh) copy: the "already claimed" answer. */
function heldByOther(doc: Y.Doc, taskId: string, me: string): BoardAnswer | null {
  const task = readTask(doc, taskId).value;
  if (!task || task.status !== 'claimed' || task.claimant === null || task.claimant === me) return null;
  const holding = [...task.history].reverse().find((h) => h.effect === 'applied' && (h.event.type === 'claim' || h.event.type === 'reassign'));
  const since = holding ? (holding.event.serverAt ?? holding.event.at) : task.claimedAt;
  return { kind: 'already-claimed', claimant: task.claimant, since, coLeadOpen: task.coLeadWanted && task.coLead === null };
}

/**
 * Claim a task from a board: on a fresh copy, and only if nobody holds it there. Stamped when
 * the person pressed Claim (`session.actor` read now), not when the copy had caught up: that
 * is when they made the claim.
 */
export function claimFromBoard(session: WorkspaceSession, ref: TaskRef): Promise<BoardAnswer> {
  const actor = session.actor;
  return change(session, ref.docId, (doc) => heldByOther(doc, ref.id, actor.memberId) ?? claimTask(doc, ref.id, actor));
}

/** Take a task's co-lead place from a board. */
export function coLeadFromBoard(session: WorkspaceSession, ref: TaskRef): Promise<BoardAnswer> {
  const actor = session.actor;
  return change(session, ref.docId, (doc) => joinAsCoLead(doc, ref.id, actor));
}

/** Mark a task done from "My work". */
export function doneFromBoard(session: WorkspaceSession, ref: TaskRef): Promise<BoardAnswer> {
  const actor = session.actor;
  return change(session, ref.docId, (doc) => markTaskDone(doc, ref.id, actor));
}

/** Hand a task I hold to its co-lead (a pulse suggestion, issue 24), on a fresh copy. */
export function handToCoLead(session: WorkspaceSession, ref: TaskRef, coLead: string): Promise<BoardAnswer> {
  const actor = session.actor;
  return change(session, ref.docId, (doc) => reassignTask(doc, ref.id, coLead, actor));
}

/**
 * "Scale back": release several of my claims with one note, one document at a time (each on a
 * fresh copy). Returns how many were released and any refusal in plain words.
 */
export async function scaleBackClaims(session: WorkspaceSession, refs: readonly TaskRef[], note: string): Promise<{ released: number; error: string | null }> {
  let released = 0;
  let error: string | null = null;
  const actor = session.actor;
  for (const [docId, ids] of groupByDocument(refs)) {
    const answer = await change(session, docId, (doc) => {
      released += releaseTasks(doc, ids, actor, note).length;
    });
    if (answer.kind === 'refused') error ??= answer.message;
  }
  return { released, error };
}

/**
 * Keep the documents a dashboard shows live while it is on screen (issue 26). Call in a
 * component's setup; `ids` (most important first, see `documentsToWatch`) is read in an effect,
 * so the set follows what the dashboard lists.
 */
export function keepLive(session: () => WorkspaceSession, ids: () => readonly string[]): void {
  $effect(() => liveSetOf(session()).want(ids()));
}

/**
 * The workspace's documents newest first: what a dashboard watches after the documents holding
 * its blocks (a new document is where new tasks and proposals are most likely to be written).
 */
export function newestDocuments(session: WorkspaceSession): string[] {
  return [...session.documents].sort((a, b) => b.created - a.created || (a.id < b.id ? -1 : 1)).map((d) => d.id);
}

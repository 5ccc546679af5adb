/**
 * Page glue for running a meeting (issue 11): record the roles into the rotation when a
 * meeting starts, mark the end of a meeting in the document's history, and create the
 * next meeting's agenda with the unfinished items carried over.
 */
import type * as Y from 'yjs';
import { agendaTemplate } from '$lib/editor/agenda-template';
import { seedDocument } from '$lib/editor/seed';
import { carryOverItems, isModelError, MeetingRoles, readMeeting, recordTurn, type Actor } from '$lib/shared/model';
import { recordVersion } from './history';
import { pulseStrainNow } from './pulse.svelte';
import type { WorkspaceSession } from './workspace.svelte';

/**
 * Record who took each filled meeting role into the workspace's rotation history, so the
 * next suggestion moves on. Call once, when a meeting first starts (not on resume).
 */
export function recordMeetingRoles(session: WorkspaceSession, doc: Y.Doc, actor: Actor): void {
  const roles = readMeeting(doc).value.roles;
  for (const role of MeetingRoles) {
    const memberId = roles[role];
    if (!memberId) continue;
    try {
      recordTurn(session.index.doc, role, memberId, actor);
    } catch (error) {
      // The meeting goes on without the record; the rotation page still lets people add it.
      if (!isModelError(error)) throw error;
    }
  }
}

/**
 * When a meeting ends, keep the agenda as it stood as a version in the document's history
 * (issue 12), named after the meeting. The meeting has ended either way; a failure rejects
 * with plain words for the caller to show.
 */
export function onMeetingEnded(session: WorkspaceSession, docId: string, doc: Y.Doc, title: string): Promise<void> {
  return recordVersion(session.historyTarget(docId), doc, { reason: 'meeting-ended', name: title, actor: session.actor }).then(() => undefined);
}

/**
 * Create the next meeting's agenda: a fresh agenda whose items are this meeting's
 * unfinished ones (same owners, timeboxes, kinds and proposal links). Returns its id.
 */
export async function createNextMeeting(session: WorkspaceSession, fromDocId: string, from: Y.Doc, title: string): Promise<string> {
  const items = carryOverItems(from, fromDocId);
  // "How are we doing?" first, with the totals, when the group pulse shows strain (issue 24).
  const strain = await pulseStrainNow(session);
  return session.createDocument('agenda', title, (doc) => {
    seedDocument(doc, agendaTemplate(items, strain), { kind: 'agenda', title, actor: session.actor });
  });
}

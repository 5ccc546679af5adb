/**
 * The documents the dashboards on screen keep live (issue 26): each says which documents it
 * shows with `liveSetOf(session).want(ids)`; at most a budget of them are connected at once,
 * the rest are caught by a digest pass every few seconds while a dashboard is on screen.
 *
 * One set per workspace session, made by the first dashboard that asks and disposed with the
 * session. Here rather than in the session so that the set's machinery (`LiveSet`) comes with
 * the dashboards, not with the document page's first paint (issue 25).
 */
import { LiveSet } from '$lib/local/live-set';
import type { WorkspaceSession } from './workspace.svelte';

/** The session's live set (made on first use). */
export function liveSetOf(session: WorkspaceSession): LiveSet {
  session.liveSet ??= new LiveSet({ repo: session.repo, access: session.access, refresh: () => session.replication.refresh() });
  return session.liveSet;
}

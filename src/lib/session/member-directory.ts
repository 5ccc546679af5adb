/**
 * What the document page hands to block views (editor/members.ts): names from the workspace's
 * directory, and the work check of a claim. The check (work-check.ts: the workspace's open
 * tasks against the norm) is loaded when a task is first claimed, not with the page (issue 25).
 */
import type { MemberDirectory } from '$lib/editor/members';
import type { WorkspaceSession } from './workspace.svelte';

/** Load the work check (once; a failed load is tried again at the next claim). */
let loading: Promise<typeof import('./work-check')> | null = null;
function workCheck(): Promise<typeof import('./work-check')> {
  loading ??= import('./work-check').catch((error: unknown) => {
    loading = null;
    throw error;
  });
  return loading;
}

/** The page's member directory: reactive names, and the claim check loaded on first use. */
export function memberDirectoryFor(session: WorkspaceSession): MemberDirectory {
  return {
    members: () => session.members,
    checkClaim: async (memberId) => (await workCheck()).normCheckFor(session, memberId)
  };
}

/**
 * Who is who, for block views: the workspace's member directory (names instead of ids)
 * and the claim check against the group's workload norm.
 *
 * The page hands a directory to block views through their {@link BlockContext}
 * (context.svelte.ts, passed to `mount()`). The functions are getters over the page's
 * reactive state, so a view reading them inside `$derived` or its template updates when a
 * member renames themselves.
 *
 * Views without a directory (the /dev/editor sandbox, tests) fall back to ids and skip
 * the norm check.
 */
import type { NormCheck } from '../shared/model/sharing.ts';
import { m } from '../paraglide/messages.js';

/** What block views need to know about a member. */
export interface MemberInfo {
  id: string;
  name: string;
  joinedAt: number;
}

/** The workspace as block views see it. */
export interface MemberDirectory {
  /** Members of the workspace (reactive when backed by page state). */
  members(): readonly MemberInfo[];
  /**
   * Check a claim by `memberId` against the group's norm, across all documents; null
   * when the workload is not known on this device yet (then the claim goes ahead). May answer
   * later: the page's check is loaded with the first claim (session/member-directory.ts).
   */
  checkClaim?(memberId: string): NormCheck | null | Promise<NormCheck | null>;
}

/**
 * A function naming members of the workspace: "you" for `meId` (when given), the member's
 * name, or — for someone no longer in the directory — "a former member". Without a
 * directory (the sandbox), ids.
 */
export function memberNamer(directory: MemberDirectory | null | undefined, meId?: string): (id: string | null) => string {
  return (id) => {
    if (id === null || id === '') return m.common_someone();
    if (id === meId) return m.common_you();
    if (!directory) return id;
    return directory.members().find((m) => m.id === id)?.name ?? m.common_former_member();
  };
}

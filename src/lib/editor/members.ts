/**
 * Who is who, for block views: the workspace's member directory (names instead of ids)
 * and the claim check against the group's workload norm.
 *
 * Block views are mounted by the decorator bridge with `mount()`, outside the page's
 * component tree, so Svelte context does not reach them. The page registers a directory
 * per Y.Doc instead (a WeakMap: it goes when the document does). The functions are
 * getters over the page's reactive state, so a view reading them inside `$derived` or its
 * template updates when a member renames themselves.
 *
 * Views without a directory (the /dev/editor sandbox, tests) fall back to ids and skip
 * the norm check.
 */
import type * as Y from 'yjs';
import type { NormCheck } from '../shared/model/sharing.ts';

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
   * when the workload is not known on this device yet (then the claim goes ahead).
   */
  checkClaim?(memberId: string): NormCheck | null;
}

const directories = new WeakMap<Y.Doc, MemberDirectory>();

/** Register the directory for block views of `doc` (the document page, once per open document). */
export function setMemberDirectory(doc: Y.Doc, directory: MemberDirectory): void {
  directories.set(doc, directory);
}

/** The directory registered for `doc`, if any. */
export function memberDirectory(doc: Y.Doc): MemberDirectory | undefined {
  return directories.get(doc);
}

/**
 * A function naming members of `doc`'s workspace: "you" for `meId` (when given), the
 * member's name, or — for someone no longer in the directory — "a former member".
 */
export function memberNamer(doc: Y.Doc, meId?: string): (id: string | null) => string {
  return (id) => {
    if (id === null || id === '') return 'someone';
    if (id === meId) return 'you';
    const directory = directories.get(doc);
    if (!directory) return id;
    return directory.members().find((m) => m.id === id)?.name ?? 'a former member';
  };
}

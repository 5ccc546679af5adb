/**
 * Leaving a workspace deletes this device's copy of it, so first make sure nothing is lost:
 * write what is batched, try one sync pass for every document holding edits the relay has not
 * confirmed, and name those still unsent so the person can download a backup before going.
 */
import { INDEX_DOC_ID } from '#shared/protocol';
import type { DocStorage } from './doc-storage.ts';
import type { WorkspaceAccess } from './handle/doc-handle.ts';
import type { Repo } from './repo.ts';

/** What {@link checkBeforeLeaving} found. */
export interface LeaveCheck {
  /** Documents whose changes have not reached the relay, even after trying now. */
  unsent: string[];
  /** The device was offline: nothing could be tried. */
  offline: boolean;
}

/** Documents of a workspace with edits the relay has not confirmed (held ones by their status, others by their meta). */
async function unsentDocuments(repo: Repo, storage: DocStorage, workspaceId: string): Promise<string[]> {
  const unsent = new Set<string>();
  for (const handle of repo.handlesOf(workspaceId)) if (handle.status.get().unsynced) unsent.add(handle.docId);
  for (const meta of await storage.listMeta(workspaceId)) {
    if (meta.unsynced && !repo.peek(workspaceId, meta.docId)?.loaded) unsent.add(meta.docId);
  }
  return [...unsent].sort((a, b) => (a === INDEX_DOC_ID ? -1 : b === INDEX_DOC_ID ? 1 : a.localeCompare(b)));
}

/**
 * Write everything, try one sync pass (documents in parallel, for at most `timeoutMs`), and
 * list what is still unsent.
 */
export async function checkBeforeLeaving(repo: Repo, access: WorkspaceAccess, options: { timeoutMs?: number } = {}): Promise<LeaveCheck> {
  const { storage } = repo;
  await Promise.all(repo.handlesOf(access.workspaceId).map((handle) => handle.flush()));
  await storage.whenIdle();
  const before = await unsentDocuments(repo, storage, access.workspaceId);
  if (before.length === 0) return { unsent: [], offline: !repo.isOnline() };
  if (!repo.isOnline()) return { unsent: before, offline: true };
  const timeoutMs = options.timeoutMs ?? 10_000;
  await Promise.all(
    before.map(async (docId) => {
      const ref = repo.find(access, docId, { sync: true });
      try {
        await ref.handle.whenLoaded;
        await ref.handle.whenSynced(timeoutMs);
      } finally {
        await ref.release();
      }
    })
  );
  await repo.whenReleased();
  return { unsent: await unsentDocuments(repo, storage, access.workspaceId), offline: !repo.isOnline() };
}

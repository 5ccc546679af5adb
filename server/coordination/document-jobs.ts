/**
 * Work on one document that must happen once across instances (closing proposals past their
 * deadline, purging contact details): run under the coordinator's exclusive lock for that
 * document, after catching up with the shared store — another instance may have done the
 * same work a moment ago, and its change (durable before it let go of the lock) may not have
 * reached this instance yet through Redis. Then the job sees it done and does nothing.
 */
import type { DocumentManager } from '../relay/documents.ts';
import type { Coordinator } from './types.ts';

/** Run the job named `kind` for a document once; null when another instance is running it now. */
export type RunOnce = <T>(kind: string, workspaceId: string, docId: string, job: () => Promise<T>) => Promise<T | null>;

/** Without coordination (tests, single-purpose tools): run the job directly. */
export const runDirectly: RunOnce = (_k, _w, _d, job) => job();

export function documentJobs(coordinator: Coordinator, documents: Pick<DocumentManager, 'catchUp'>, { shared }: { shared: boolean }): RunOnce {
  return async (kind, workspaceId, docId, job) => {
    // Per kind of job: a deadline check and a purge of the same document may run together.
    const outcome = await coordinator.exclusive(`${kind}:${workspaceId}/${docId}`, async () => {
      if (shared) await documents.catchUp(workspaceId, docId);
      return job();
    });
    return outcome.ran ? outcome.value : null;
  };
}

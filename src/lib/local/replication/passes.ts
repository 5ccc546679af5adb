/**
 * The passes of background replication (workspace-replication.ts): which documents a pass
 * syncs (the relay's digests against the device's, unsent edits, the private documents this
 * member may read), and the queue that syncs them a few at a time through the Repo.
 *
 * Loaded by {@link WorkspaceReplication} when its first pass runs — after the page painted and
 * was idle (issue 25) — so the document page's first paint does not carry it. Until then the
 * replication has nothing queued, and what it learns (refusals) it hands over on load.
 */
import { INDEX_DOC_ID } from '#shared/protocol';
import { IndexKeys } from '#shared/model/schema';
import type { DocHandle, WorkspaceAccess } from '../handle/doc-handle.ts';
import type { Repo } from '../repo.ts';
import { selectChanged, type DigestSource } from './digests.ts';
import { PrivateDocs } from './private-docs.ts';
import { BackgroundQueue, type StopSignal } from './queue.ts';

/** What the passes need of their replication. */
export interface PassHost {
  readonly workspaceId: string;
  readonly index: DocHandle;
  readonly workspace: WorkspaceAccess & { memberId?: string };
  readonly repo: Repo;
  readonly digests?: DigestSource;
  readonly concurrency?: number;
  readonly docTimeoutMs?: number;
  /** The replication was destroyed, or the relay refused the whole workspace. */
  stopped(): boolean;
  /** The queue changed: publish the status again. */
  publish(): void;
}

/** The pass machinery of one workspace's replication. */
export class ReplicationPasses {
  readonly privateDocs: PrivateDocs;
  readonly queue: BackgroundQueue;

  constructor(private readonly host: PassHost) {
    const { repo, workspaceId, workspace } = host;
    this.privateDocs = new PrivateDocs(repo.storage, workspaceId, workspace.memberId);
    // What the member directory says now (later changes are told by the replication).
    this.privateDocs.membersChanged(host.index.doc);
    this.queue = new BackgroundQueue({
      concurrency: Math.max(1, host.concurrency ?? 3),
      run: (docId, stop) => this.syncOne(docId, stop),
      changed: () => host.publish(),
      failed: (docId, error) => repo.storage.report(error, workspaceId, docId)
    });
  }

  /** One pass: ask for the digests, queue what changed. */
  async run(): Promise<void> {
    const { repo, workspaceId, workspace } = this.host;
    const index = this.host.index.doc;
    const held = (docId: string): boolean => !!repo.peek(workspaceId, docId) || this.queue.isRunning(docId);
    this.privateDocs.forget(index, held);
    const catalogue = [...index.getMap(IndexKeys.catalogue).keys()].sort();
    // Documents a page holds live are synced by their own connection.
    const live = (docId: string): boolean => !!repo.peek(workspaceId, docId)?.syncWanted && !this.queue.isRunning(docId);
    const candidates = [...catalogue, ...this.privateDocs.wanted(index)].filter(
      (docId) => docId !== INDEX_DOC_ID && !this.privateDocs.isForbidden(docId) && !live(docId)
    );
    const due = await selectChanged(candidates, { storage: repo.storage, workspace, digests: this.host.digests });
    if (this.host.stopped() || !repo.isOnline()) return this.host.publish();
    this.queue.enqueue(due);
  }

  /** Sync one document in the background: hold it live until the relay has it (or give up), then let go. */
  private async syncOne(docId: string, stop: StopSignal): Promise<void> {
    const ref = this.host.repo.find(this.host.workspace, docId, { sync: true });
    try {
      await ref.handle.whenLoaded;
      if (stop.stopped || this.host.stopped()) return;
      await settled(ref.handle, stop, this.host.docTimeoutMs ?? 30_000);
      await ref.handle.flush();
    } finally {
      await ref.release();
    }
  }
}

/** Resolves when the document is synced, cannot sync now (offline, refused), `stop` fires, or after `timeoutMs`. */
function settled(handle: DocHandle, stop: StopSignal, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    let unsubscribe: (() => void) | undefined;
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      unsubscribe?.();
      resolve();
    };
    const timer = setTimeout(finish, timeoutMs);
    stop.onStop(finish);
    // Offline or refused: stop here; the next pass (e.g. back online) tries again.
    unsubscribe = handle.status.subscribe(() => {
      const tag = handle.state.tag;
      if (tag === 'synced' || tag === 'ready' || tag === 'refused' || tag === 'released') finish();
    });
    if (done) unsubscribe();
  });
}

/**
 * The digest of every document of a workspace (`GET /api/workspaces/:id/digest`), so a
 * device's background replication opens sockets only for documents that differ from its copy
 * instead of one per document per pass. One digest function for both ends:
 * src/lib/shared/digest.ts.
 *
 * A document in memory is digested live. One that is not comes from a cache filled when it
 * leaves memory (its final state) or, the first time, from one read of the store into a
 * scratch Y.Doc (destroyed at once). Every write goes through the document manager, which
 * loads the document first, so on one instance the cache cannot go stale. With several
 * instances (STORE=postgres, FANOUT=redis) another instance may change a document this one
 * has not loaded: the cache is off there, and each request reads unloaded documents from the
 * store (docs/scaling.md).
 */
import * as Y from 'yjs';
import { documentDigest } from '#shared/digest';
import { INDEX_DOC_ID, isValidId } from '#shared/protocol';
import { boardDocIdOf, privateDocIdFor } from '#shared/model/contacts';
import { memberPrivateDocId } from '#shared/model/private-answers';
import { IndexKeys } from '#shared/model/schema';
import { mayRead } from '../auth/auth.ts';
import type { AuthenticatedMember } from '../auth/types.ts';
import { errorMessage, type Logger } from '../log.ts';
import { docKey, type DocKey, type DocumentStore } from '../store/types.ts';
import type { DocumentManager } from './documents.ts';

/** Store reads at once when digesting documents not in memory. */
const READS_AT_ONCE = 8;

/** Options of {@link WorkspaceDigests}. */
export interface WorkspaceDigestsOptions {
  documents: DocumentManager;
  store: DocumentStore;
  logger: Logger;
  /** Keep digests of documents not in memory (only safe with one instance). */
  cache: boolean;
}

/** Digests of workspaces' documents. */
export class WorkspaceDigests {
  private readonly cached = new Map<DocKey, string>();
  /** Bumped when a document loads or unloads: a store read that started before must not be cached. */
  private readonly generation = new Map<DocKey, number>();

  constructor(private readonly opts: WorkspaceDigestsOptions) {
    opts.documents.onUnloading((key, ydoc) => {
      this.bump(key);
      if (opts.cache) this.cached.set(key, documentDigest(ydoc));
    });
    opts.documents.onLoading((key) => {
      this.bump(key);
      this.cached.delete(key);
    });
  }

  /**
   * The digest of every document `member` may read in their workspace: the index, every
   * document of its catalogue and, for admins and coordinators, the needs boards' private
   * documents. Documents never stored have the digest of an empty document.
   */
  async ofWorkspace(member: AuthenticatedMember): Promise<Record<string, string>> {
    const { workspaceId } = member;
    const ids = await this.opts.documents.read(workspaceId, INDEX_DOC_ID, (index) => documentIds(index));
    // The member's own private document (issue 24) too: their devices replicate it like any other.
    const own = memberPrivateDocId(member.memberId);
    const readable = [INDEX_DOC_ID, ...(own ? [own] : []), ...ids.filter((id) => id !== own && mayRead(member, id))];
    const out: Record<string, string> = {};
    for (let i = 0; i < readable.length; i += READS_AT_ONCE) {
      const batch = readable.slice(i, i + READS_AT_ONCE);
      const digests = await Promise.all(batch.map((docId) => this.of(workspaceId, docId)));
      batch.forEach((docId, n) => {
        const digest = digests[n];
        if (digest !== null) out[docId] = digest;
      });
    }
    return out;
  }

  /** One document's digest; null when its stored data cannot be read (the device then syncs it, and hears 1011). */
  private async of(workspaceId: string, docId: string): Promise<string | null> {
    const live = this.opts.documents.peek(workspaceId, docId);
    if (live) return documentDigest(live);
    const key = docKey(workspaceId, docId);
    const known = this.cached.get(key);
    if (known !== undefined) return known;
    const generation = this.generation.get(key) ?? 0;
    const scratch = new Y.Doc();
    try {
      const stored = await this.opts.store.load(key);
      scratch.transact(() => {
        if (stored.snapshot) Y.applyUpdate(scratch, stored.snapshot);
        for (const update of stored.updates) Y.applyUpdate(scratch, update);
      });
      const digest = documentDigest(scratch);
      if (this.opts.cache && (this.generation.get(key) ?? 0) === generation) this.cached.set(key, digest);
      return digest;
    } catch (err) {
      this.opts.logger.warn('digest-read-failed', { doc: key, error: errorMessage(err) });
      return null;
    } finally {
      scratch.destroy();
    }
  }

  private bump(key: DocKey): void {
    this.generation.set(key, (this.generation.get(key) ?? 0) + 1);
  }
}

/** The catalogue's documents (valid ids only: members write the catalogue), and each needs board's private document. */
function documentIds(index: Y.Doc): string[] {
  const ids: string[] = [];
  index.getMap<unknown>(IndexKeys.catalogue).forEach((raw, id) => {
    if (!isValidId(id) || id === INDEX_DOC_ID) return;
    ids.push(id);
    const privateId = privateDocIdFor(id);
    if (raw instanceof Y.Map && raw.get('kind') === 'needs' && boardDocIdOf(privateId) === id) ids.push(privateId);
  });
  return ids.sort();
}

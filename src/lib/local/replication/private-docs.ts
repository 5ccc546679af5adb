/**
 * Private documents (needs boards' contact details, issue 10) in background replication:
 * replicated only for members the index says may read them (admins and coordinators; others
 * never even ask), deleted from the device when that stops being true, and retried when it
 * becomes true again. Also the documents the relay refused to this member (4403).
 */
import type * as Y from 'yjs';
import { PRIVATE_DOC_PREFIX } from '#shared/protocol';
import { privateDocsFor, privateDocsToForget } from '#shared/model/contacts';
import { memberPrivateDocId } from '#shared/model/private-answers';
import type { DocStorage } from '../doc-storage.ts';

/** The private-document policy of one workspace on this device. */
export class PrivateDocs {
  /** Documents this member may not read (4403): not retried. */
  private readonly forbidden = new Set<string>();
  /** Copies of private documents this member may no longer read, deleted once per session. */
  private readonly forgotten = new Set<string>();
  private known = '';

  constructor(
    private readonly storage: DocStorage,
    private readonly workspaceId: string,
    private readonly memberId: string | undefined
  ) {}

  /**
   * Private documents this member should replicate: their own (issue 24: private answers and
   * secret ballots, so they work offline and sync when back), and the needs boards' for admins
   * and coordinators.
   */
  wanted(index: Y.Doc): string[] {
    if (!this.memberId) return [];
    const own = memberPrivateDocId(this.memberId);
    return [...(own ? [own] : []), ...privateDocsFor(index, this.memberId)];
  }

  isForbidden(docId: string): boolean {
    return this.forbidden.has(docId);
  }

  /** The relay refused `docId` to this member: stop asking; a private copy goes from the device. */
  refused(docId: string, forbiddenCode: boolean): void {
    this.forbidden.add(docId);
    if (docId.startsWith(PRIVATE_DOC_PREFIX) && forbiddenCode) this.delete(docId);
  }

  /** Delete copies this member may no longer read (`inUse`: documents held or syncing now are left alone). */
  forget(index: Y.Doc, inUse: (docId: string) => boolean): void {
    if (!this.memberId) return;
    for (const docId of privateDocsToForget(index, this.memberId)) {
      if (this.forgotten.has(docId) || inUse(docId)) continue;
      this.forgotten.add(docId);
      this.delete(docId);
    }
  }

  /**
   * The member directory changed. True when this member's private documents changed (becoming a
   * coordinator adds them: those refused before are retried, and a later removal deletes again).
   */
  membersChanged(index: Y.Doc): boolean {
    const now = this.wanted(index).join(' ');
    if (now === this.known) return false; // renames and other members' changes: nothing to do
    this.known = now;
    if (now) this.forgotten.clear();
    for (const id of [...this.forbidden]) if (id.startsWith(PRIVATE_DOC_PREFIX)) this.forbidden.delete(id);
    return true;
  }

  private delete(docId: string): void {
    // Best effort; a failure is reported like any store failure.
    this.storage.store.deleteDocument(this.workspaceId, docId).catch((error: unknown) => this.storage.report(error, this.workspaceId, docId));
  }
}

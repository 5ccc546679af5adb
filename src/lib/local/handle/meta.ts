/**
 * What a handle remembers in the device store besides the content: whether edits wait for
 * the relay (so "waiting to sync" survives a reload), the state vector the relay confirmed,
 * when, and the document's digest (what the workspace digest is compared with, so background
 * replication opens only documents that differ).
 */
import * as Y from 'yjs';
import { documentDigest } from '#shared/digest';
import type { DocStorage } from '../doc-storage.ts';
import type { DocMeta } from '../store.ts';

/** Writes one document's meta record, sparingly. */
export class MetaKeeper {
  /** What the stored record says about pending edits (undefined until read). */
  private storedPending: boolean | undefined;
  private needsRefetch = false;
  private lastAckWriteAt = Number.NEGATIVE_INFINITY;
  /** When the relay last confirmed this device's edits. */
  lastSyncedAt: number | undefined;

  constructor(
    private readonly storage: DocStorage,
    private readonly workspaceId: string,
    private readonly docId: string,
    private readonly now: () => number
  ) {}

  /** Read the stored record (failures are reported by the storage and read as a fresh one). */
  async read(): Promise<DocMeta> {
    const meta = await this.storage.getMeta(this.workspaceId, this.docId);
    this.storedPending = meta.unsynced;
    this.needsRefetch = !!meta.needsRefetch;
    this.lastSyncedAt ??= meta.lastSyncedAt;
    return meta;
  }

  /** Edits wait for the relay (written once, not per keystroke). */
  pending(): void {
    if (this.storedPending === true) return;
    this.storedPending = true;
    void this.storage.updateMeta(this.workspaceId, this.docId, { unsynced: true });
  }

  /** The relay confirmed everything: remember its state vector. Throttled unless `force`. */
  confirmed(doc: Y.Doc, force = false): void {
    // While live every keystroke is confirmed; the record need not be rewritten each time.
    if (!force && this.storedPending === false && !this.needsRefetch && this.now() - this.lastAckWriteAt < 5000) return;
    this.storedPending = false;
    this.needsRefetch = false;
    this.lastAckWriteAt = this.now();
    void this.storage.updateMeta(this.workspaceId, this.docId, {
      unsynced: false,
      syncedStateVector: Y.encodeStateVector(doc),
      ...(this.lastSyncedAt !== undefined ? { lastSyncedAt: this.lastSyncedAt } : {}),
      needsRefetch: false
    });
  }

  /**
   * The document's digest as stored now (after the last write landed). Skipped when a write
   * failed: the stored content then lacks something, and an honest "unknown" makes the next
   * pass sync it.
   */
  async digest(doc: Y.Doc): Promise<void> {
    const digest = this.storage.hasUnsaved(this.workspaceId, this.docId) ? undefined : documentDigest(doc);
    await this.storage.updateMeta(this.workspaceId, this.docId, { digest });
  }
}

/**
 * What a handle remembers in the device store besides the content: whether edits wait for
 * the relay (so "waiting to sync" survives a reload), the state vector the relay confirmed,
 * when, and the document's digest (what the workspace digest is compared with, so background
 * replication opens only documents that differ).
 */
import type * as Y from 'yjs';
import { equalBytes } from '#shared/bytes';
import { documentDigest } from '#shared/digest';
import type { DocStorage } from '../doc-storage.ts';
import type { DocMeta } from '../store.ts';
import { onLeavingPage } from './leaving.ts';
import { mergedStateVectors } from './receipts.ts';

/** How often a live document's confirmations rewrite the record at most (the last one always lands). */
const CONFIRM_WRITE_GAP_MS = 1000;

/** Writes one document's meta record, sparingly. */
export class MetaKeeper {
  /** What the stored record says about pending edits (undefined until read). */
  private storedPending: boolean | undefined;
  private needsRefetch = false;
  private lastAckWriteAt = Number.NEGATIVE_INFINITY;
  /** The state vector last written as confirmed (to skip rewriting the same one). */
  private writtenStateVector: Uint8Array | undefined;
  /** A confirmation held back by the gap, and the timer that writes it. */
  private trailing: { relayHolds: () => Uint8Array; timer: ReturnType<typeof setTimeout> } | undefined;
  /** When the relay last confirmed this device's edits. */
  lastSyncedAt: number | undefined;
  /**
   * A page going away notes the confirmation held back where it can still write at once (the
   * unload journal; its store write would be aborted): a reload a moment after a peer's edit.
   */
  private readonly stopLeaving = onLeavingPage(() => {
    if (!this.trailing) return;
    const stateVector = this.trailing.relayHolds();
    this.storage.journal.writeAcked(this.workspaceId, this.docId, stateVector);
    this.write(stateVector);
  });

  constructor(
    private readonly storage: DocStorage,
    private readonly workspaceId: string,
    private readonly docId: string,
    private readonly now: () => number
  ) {}

  /**
   * Read the stored record (failures are reported by the storage and read as a fresh one), with
   * what pages that went away noted of the relay's state vector (stored now, then forgotten). A
   * note is written only for a confirmation of everything the page had (nothing was pending
   * after it), so it also clears a "waiting" its page wrote before that confirmation.
   */
  async read(): Promise<DocMeta> {
    let meta = await this.storage.getMeta(this.workspaceId, this.docId);
    const noted = this.storage.journal.readAcked(this.workspaceId, this.docId);
    if (noted.keys.length > 0) {
      const confirmed = { syncedStateVector: mergedStateVectors([meta.syncedStateVector, ...noted.stateVectors]), unsynced: false };
      meta = { ...meta, ...confirmed };
      void this.storage.updateMeta(this.workspaceId, this.docId, confirmed).then((ok) => ok && this.storage.journal.remove(noted.keys));
    }
    this.storedPending = meta.unsynced;
    this.needsRefetch = !!meta.needsRefetch;
    this.lastSyncedAt ??= meta.lastSyncedAt;
    return meta;
  }

  /**
   * Edits wait for the relay (written once, not per keystroke; offline, or a deletion, which the
   * stored document's state vector cannot show); a confirmation held back is void.
   */
  pending(): void {
    this.cancelTrailing();
    if (this.storedPending === true) return;
    this.storedPending = true;
    void this.storage.updateMeta(this.workspaceId, this.docId, { unsynced: true });
  }

  /**
   * The relay holds everything this device has; `relayHolds` reads its state vector (what it
   * confirmed or sent), when the record is written: at once, or — within
   * {@link CONFIRM_WRITE_GAP_MS} of the last write — once the gap is over (a page reloaded a
   * moment later still knows; a peer typing costs one write a second, not one a keystroke).
   * `force`: at once. What the relay holds only grows, so reading it later is never wrong.
   */
  confirmed(relayHolds: () => Uint8Array, force = false): void {
    if (this.trailing && !force) return; // the write waiting reads the latest
    const wait = this.lastAckWriteAt + CONFIRM_WRITE_GAP_MS - this.now();
    if (!force && wait > 0) {
      this.trailing = { relayHolds, timer: setTimeout(() => this.trailing && this.write(this.trailing.relayHolds()), wait) };
      return;
    }
    const stateVector = relayHolds();
    if (!force && this.storedPending === false && !this.needsRefetch && this.writtenStateVector !== undefined && equalBytes(stateVector, this.writtenStateVector)) return;
    this.write(stateVector);
  }

  /** Nothing more will be written by timer or on leaving (the handle is being released). */
  stop(): void {
    this.cancelTrailing();
    this.stopLeaving();
  }

  private write(stateVector: Uint8Array): void {
    this.cancelTrailing();
    this.storedPending = false;
    this.needsRefetch = false;
    this.lastAckWriteAt = this.now();
    this.writtenStateVector = stateVector;
    void this.storage.updateMeta(this.workspaceId, this.docId, {
      unsynced: false,
      syncedStateVector: stateVector,
      ...(this.lastSyncedAt !== undefined ? { lastSyncedAt: this.lastSyncedAt } : {}),
      needsRefetch: false
    });
  }

  private cancelTrailing(): void {
    if (!this.trailing) return;
    clearTimeout(this.trailing.timer);
    this.trailing = undefined;
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

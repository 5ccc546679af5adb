/**
 * One document's copy in the device store: load what is stored into the Y.Doc, then write
 * every later change (typed here, received from the relay, from another tab) in batches of
 * one write per microtask. What has not committed when the page goes away is put in the
 * unload journal (../journal.ts) and stored by the next load.
 */
import * as Y from 'yjs';
import { isValidUpdate, type DocStorage, type LoadedDoc } from '../doc-storage.ts';
import { onLeavingPage } from './leaving.ts';

/**
 * Transaction origin of content applied from the device store. Updates with this origin are
 * not written back (they are already stored) and are not counted as edits made here.
 */
export const STORE_ORIGIN: unique symbol = Symbol('mutual/local-store');

/** Transaction origin of edits read back from the unload journal: written to the store like any edit. */
export const JOURNAL_ORIGIN: unique symbol = Symbol('mutual/unload-journal');

/**
 * Run `fn` with the document's 'update' listeners set aside. Content from the store is never
 * announced as an update: every listener ignores {@link STORE_ORIGIN} (it is stored already),
 * yet with any listener attached Yjs encodes the whole transaction to hand it over — for a
 * load, a second copy of the document, ≈ 10% of opening a 1,000-block page (issue 25).
 * The transaction is synchronous, so no edit can slip past the listeners meanwhile.
 */
function withoutUpdateEvents<T>(doc: Y.Doc, fn: () => T): T {
  const listeners = doc._observers.get('update');
  doc._observers.delete('update');
  try {
    return fn();
  } finally {
    // One added meanwhile (by an observer of the load) joins the others.
    const added: Set<unknown> | undefined = doc._observers.get('update');
    if (listeners) {
      for (const listener of added ?? []) listeners.add(listener);
      doc._observers.set('update', listeners);
    }
  }
}

/** One update holding all of `updates` (the update itself when there is one). */
function mergedOf(updates: Uint8Array[]): Uint8Array {
  return updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates);
}

/** Outcome of loading; never a rejection (a failing store is reported and carried in `error`). */
export type DocLoadResult = Omit<LoadedDoc, 'update' | 'updates'>;

/** Writes a document's changes to the device store. Listens from construction, before loading. */
export class DocPersistence {
  private batch: Uint8Array[] = [];
  /** Batches handed to the store whose write has not committed yet, in order. */
  private unstored: { seq: number; update: Uint8Array }[] = [];
  private seq = 0;
  /** This page's journal entry for the document holds something. */
  private journaled = false;
  private scheduled = false;
  private writing: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly stopListening: () => void;

  constructor(
    private readonly storage: DocStorage,
    private readonly workspaceId: string,
    private readonly docId: string,
    private readonly doc: Y.Doc
  ) {
    const onUpdate = (update: Uint8Array, origin: unknown): void => {
      if (origin === STORE_ORIGIN || this.stopped) return;
      this.batch.push(update);
      if (this.scheduled) return;
      this.scheduled = true;
      // A microtask, not a timer: the write starts in the same task as the keystroke, so closing
      // the tab or following a link right after typing cannot strand the last words in memory.
      queueMicrotask(() => void this.flush());
    };
    // Listen before loading, so an edit made while the store is still reading is not lost.
    doc.on('update', onUpdate);
    // Leaving the page (tab closed, reload, navigation, app switched away on a phone): write now,
    // and journal what has not committed, since an unloading page's writes are aborted.
    const stopLeaving = onLeavingPage(() => this.leaving());
    this.stopListening = () => {
      doc.off('update', onUpdate);
      stopLeaving();
    };
  }

  /** Apply what the store holds. Resolves with what was read, never rejects. */
  async load(): Promise<DocLoadResult> {
    const { storage, workspaceId, docId } = this;
    try {
      // Each record is decoded once, by applying it: one that fails is then checked on its own.
      const result = await storage.load(workspaceId, docId, { check: 'bytes' });
      const failed = result.updates.length > 0 && !this.stopped ? this.applyStored(result.updates) : [];
      // Bytes that do not decode: skipped, reported, dropped by the next compaction.
      const damaged = failed.filter((update) => !isValidUpdate(update)).length;
      if (damaged > 0) await storage.damaged(workspaceId, docId);
      // Readable bytes that still fail to apply: the rest is applied, the record is kept in
      // the store, the person is told, and the relay fills the document in.
      if (failed.length > damaged) await storage.unusable(workspaceId, docId);
      if (!this.stopped) await this.applyJournal();
      return { records: result.records - damaged, corrupt: result.corrupt + damaged, ...(result.error ? { error: result.error } : {}) };
    } catch (error) {
      return { records: 0, corrupt: 0, error: storage.report(error, workspaceId, docId) };
    }
  }

  /**
   * The stored records, in one transaction: one round of observers for the whole load, and no
   * 'update' event. Returns the records that failed to apply.
   */
  private applyStored(updates: Uint8Array[]): Uint8Array[] {
    return withoutUpdateEvents(this.doc, () => {
      const failed: Uint8Array[] = [];
      this.doc.transact(() => {
        for (const update of updates) {
          try {
            Y.applyUpdate(this.doc, update, STORE_ORIGIN);
          } catch {
            failed.push(update);
          }
        }
      }, STORE_ORIGIN);
      return failed;
    });
  }

  /**
   * Edits journaled by a page that went away before storing them (this one's last life, or
   * another tab's): apply them (as edits: they are written to the store, and sent to the relay
   * if it lacks them), and remove the entries once stored.
   */
  private async applyJournal(): Promise<void> {
    const { journal } = this.storage;
    const { keys, updates } = journal.read(this.workspaceId, this.docId);
    if (keys.length === 0) return;
    for (const update of updates) {
      try {
        Y.applyUpdate(this.doc, update, JOURNAL_ORIGIN);
      } catch {
        // A damaged entry: what it held cannot be read back; the rest is applied.
      }
    }
    await this.flush();
    if (!this.storage.hasUnsaved(this.workspaceId, this.docId)) journal.remove(keys);
  }

  /** The page is going away (or may be discarded): journal what has not committed, then write. */
  private leaving(): void {
    const pending = [...this.unstored.map((u) => u.update), ...this.batch];
    if (pending.length > 0) {
      try {
        const update = mergedOf(pending);
        this.storage.journal.write(this.workspaceId, this.docId, update);
        this.journaled = true;
      } catch (error) {
        this.storage.report(error, this.workspaceId, this.docId);
      }
    }
    void this.flush();
  }

  /** A write committed: everything handed to the store up to `seq` is stored. */
  private stored(seq: number): void {
    this.unstored = this.unstored.filter((u) => u.seq > seq);
    if (this.unstored.length > 0 || this.batch.length > 0 || !this.journaled) return;
    this.journaled = false;
    this.storage.journal.clear(this.workspaceId, this.docId);
  }

  /** Write the batched changes now; resolves when they are stored (or reported as failed). */
  flush(): Promise<void> {
    this.scheduled = false;
    if (this.batch.length === 0) return this.writing;
    const updates = this.batch;
    this.batch = [];
    // The store's transaction is created right here, synchronously: IndexedDB runs read-write
    // transactions in creation order, so batches stay in order without waiting for each other.
    let written: Promise<unknown>;
    try {
      const update = mergedOf(updates);
      const seq = ++this.seq;
      this.unstored.push({ seq, update });
      // A failed write keeps its bytes in the store's retry list (and here): a later commit stores them too.
      written = this.storage.append(this.workspaceId, this.docId, update).then((ok) => ok && this.stored(seq)); // never rejects
    } catch (error) {
      // mergeUpdates on our own fresh updates should not fail; if it does, say so.
      this.storage.report(error, this.workspaceId, this.docId);
      written = Promise.resolve();
    }
    this.writing = Promise.all([this.writing, written]).then(() => {});
    return this.writing;
  }

  /** Write the last batch and stop listening (journaled too: the page may go away before it commits). */
  stop(): Promise<void> {
    if (this.stopped) return this.writing;
    this.leaving();
    const last = this.writing;
    this.stopped = true;
    this.stopListening();
    return last;
  }
}

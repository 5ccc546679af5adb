/**
 * Open one document as a Y.Doc backed by the device store: load what is
 * stored, then persist every later change (typed here, received from the
 * relay, from another tab) in batches of one write per tick.
 */
import * as Y from 'yjs';
import type { DocStorage, LoadedDoc } from './doc-storage.ts';

/**
 * Transaction origin of content applied from the device store. Updates with
 * this origin are not written back (they are already stored) and are not
 * counted as new local edits by the sync module.
 */
export const STORE_ORIGIN: unique symbol = Symbol('mutual/local-store');

/** Outcome of loading; `whenLoaded` always resolves with one, never rejects. */
export type DocLoadResult = Omit<LoadedDoc, 'update'>;

/** A document open on this device. */
export interface DocHandle {
  readonly workspaceId: string;
  readonly docId: string;
  readonly doc: Y.Doc;
  /** Resolves once stored content is in `doc` (also when the store failed: see `error`). */
  readonly whenLoaded: Promise<DocLoadResult>;
  /** True once `whenLoaded` has resolved. */
  readonly loaded: boolean;
  /** Write any batched changes now; resolves when they are stored (or reported as failed). */
  flush(): Promise<void>;
  /** Stop persisting (after a final flush) and destroy the Y.Doc if this handle created it. */
  destroy(): Promise<void>;
}

/** Options of {@link openDocHandle}. */
export interface DocHandleOptions {
  /** Use this Y.Doc instead of creating one (it is then not destroyed by the handle). */
  doc?: Y.Doc;
  /** How to defer a batch to the next tick. Default `setTimeout(fn, 0)`. */
  schedule?: (fn: () => void) => void;
}

/** Open a document from the device store. Changes made before loading finishes are persisted too. */
export function openDocHandle(
  storage: DocStorage,
  workspaceId: string,
  docId: string,
  options: DocHandleOptions = {}
): DocHandle {
  const ownsDoc = !options.doc;
  // gc stays on (Yjs default): the relay and the store keep no history we would need.
  const doc = options.doc ?? new Y.Doc();
  // A microtask, not a timer: the write starts in the same task as the keystroke, so closing
  // the tab or following a link right after typing cannot strand the last words in memory.
  const schedule = options.schedule ?? ((fn: () => void) => queueMicrotask(fn));
  let batch: Uint8Array[] = [];
  let scheduled = false;
  let writing: Promise<void> = Promise.resolve();
  let destroyed = false;
  let loaded = false;

  const writeBatch = (): Promise<void> => {
    scheduled = false;
    if (batch.length === 0) return writing;
    const updates = batch;
    batch = [];
    // The store's transaction is created right here, synchronously: IndexedDB runs read-write
    // transactions in creation order, so batches stay in order without waiting for each other
    // (waiting left the newest words unwritten for as long as the previous write took).
    let written: Promise<unknown>;
    try {
      const update = updates.length === 1 ? updates[0] : Y.mergeUpdates(updates);
      written = storage.append(workspaceId, docId, update); // never rejects; failures are reported
    } catch (error) {
      // mergeUpdates on our own fresh updates should not fail; if it does, say so.
      storage.report(error, workspaceId, docId);
      written = Promise.resolve();
    }
    writing = Promise.all([writing, written]).then(() => {});
    return writing;
  };

  const onUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === STORE_ORIGIN || destroyed) return;
    batch.push(update);
    if (!scheduled) {
      scheduled = true;
      schedule(() => void writeBatch());
    }
  };
  // Listen before loading, so an edit made while the store is still reading is not lost.
  doc.on('update', onUpdate);

  const whenLoaded: Promise<DocLoadResult> = storage
    .load(workspaceId, docId)
    .then((result) => {
      if (result.update && !destroyed) {
        try {
          Y.applyUpdate(doc, result.update, STORE_ORIGIN);
        } catch (error) {
          // Validated bytes that still fail to apply: report, and let the relay fill the document.
          const storeError = storage.report(error, workspaceId, docId);
          return { records: result.records, corrupt: result.corrupt, error: storeError };
        }
      }
      return { records: result.records, corrupt: result.corrupt, error: result.error };
    })
    .catch((error: unknown) => ({ records: 0, corrupt: 0, error: storage.report(error, workspaceId, docId) }))
    .finally(() => {
      loaded = true;
    });

  const onDocDestroy = (): void => {
    void handle.destroy();
  };
  doc.on('destroy', onDocDestroy);
  // Leaving the page (tab closed, reload, navigation, app switched away on a phone): write now.
  const onPageHide = (): void => void writeBatch();
  const onVisibility = (): void => {
    if (document.visibilityState === 'hidden') void writeBatch();
  };
  if (typeof addEventListener === 'function' && typeof document !== 'undefined') {
    addEventListener('pagehide', onPageHide);
    document.addEventListener('visibilitychange', onVisibility);
  }

  const handle: DocHandle = {
    workspaceId,
    docId,
    doc,
    whenLoaded,
    get loaded() {
      return loaded;
    },
    flush: () => writeBatch(),
    async destroy() {
      if (destroyed) return writing;
      destroyed = true;
      doc.off('update', onUpdate);
      doc.off('destroy', onDocDestroy);
      if (typeof removeEventListener === 'function' && typeof document !== 'undefined') {
        removeEventListener('pagehide', onPageHide);
        document.removeEventListener('visibilitychange', onVisibility);
      }
      // The last batch was queued before destroy: write it rather than drop it.
      const last = writeBatch();
      if (ownsDoc) doc.destroy();
      await last;
      await whenLoaded;
    }
  };
  return handle;
}

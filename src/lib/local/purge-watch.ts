/**
 * Private documents on the device (needs boards' contact details, issue 10).
 *
 * When contact details are deleted — by the relay's retention purge arriving with a sync, or by
 * a coordinator here — the device's stored records still hold the old bytes (IndexedDB keeps
 * every appended update until compaction). So once the deletion itself is stored, the document
 * is compacted: the merged record is rebuilt from a garbage-collected Y.Doc and holds none of
 * the deleted content.
 */
import type * as Y from 'yjs';
import { ContactKeys } from '#shared/model/schema';
import type { DocHandle } from './handle/doc-handle.ts';
import type { DocStorage } from './doc-storage.ts';

/**
 * Compact `docId` on this device after contact details were deleted from it. Returns the
 * function that stops watching. `handle.flush()` first: compaction merges what is stored, and
 * the deletion must be among it, or the merged record would bring the old bytes back.
 */
export function compactAfterContactPurges(doc: Y.Doc, handle: Pick<DocHandle, 'flush'>, storage: Pick<DocStorage, 'compact'>, workspaceId: string, docId: string): () => void {
  // The contacts map by its key: the model's contacts module is the needs board's, not storage's.
  const contacts = doc.getMap<unknown>(ContactKeys.contacts);
  let scheduled: Promise<unknown> | null = null;
  let stopped = false;
  const onChange = (event: Y.YMapEvent<unknown>): void => {
    let deleted = false;
    event.changes.keys.forEach((change) => {
      if (change.action === 'delete') deleted = true;
    });
    if (!deleted || scheduled || stopped) return;
    // One compaction per burst of deletions (a purge deletes many entries in one transaction).
    // A microtask later: observers run before the doc's 'update' event, so only then has the
    // handle batched the deletion that flush() must write.
    scheduled = Promise.resolve()
      .then(() => handle.flush())
      .then(() => storage.compact(workspaceId, docId))
      .catch(() => {
        // compact() reports its own failures as problems; flush never rejects.
      })
      .finally(() => (scheduled = null));
  };
  contacts.observe(onChange);
  return () => {
    stopped = true;
    contacts.unobserve(onChange);
  };
}

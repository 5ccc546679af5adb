import type * as Y from 'yjs';
import { readNeeds, type NeedView } from '../../../shared/model/need.ts';

/**
 * The needs board of a document for its need views: `readNeeds`, with every entry that did not
 * change since `previous` handed back as the same object, so only the views of entries that
 * changed render again.
 */
export function boardOf(doc: Y.Doc, previous: NeedView[] | undefined): NeedView[] {
  const next = readNeeds(doc).value;
  if (!previous) return next;
  const before = new Map(previous.map((entry) => [entry.id, entry]));
  return next.map((entry) => {
    const old = before.get(entry.id);
    return old && JSON.stringify(old) === JSON.stringify(entry) ? old : entry;
  });
}

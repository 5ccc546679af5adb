/** Whether a document has content yet: read by the document page before it loads any template (seed.ts). */
import * as Y from 'yjs';
import { DocKeys } from '../shared/model/schema.ts';

/** Key in the doc's `meta` map that says the document's first content has been written. */
export const SEEDED_KEY = 'seeded';

/** True when the document's first content has been written (by anyone). */
export function isSeeded(doc: Y.Doc): boolean {
  return doc.getMap(DocKeys.meta).get(SEEDED_KEY) === true;
}

/**
 * True when the document has something to show: it was seeded, or its text holds content
 * written some other way (an older version of the app, another client, a restore).
 */
export function hasContent(doc: Y.Doc): boolean {
  return isSeeded(doc) || doc.get(DocKeys.root, Y.XmlText).length > 0;
}

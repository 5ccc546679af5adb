/**
 * What the library reads of one document: its summary and what search finds in it. Loaded by
 * the library when it starts (once the page is idle), so the summaries' model code (decision
 * log, mentions, search entries) is not part of a page's first JavaScript (issue 25).
 */
import type * as Y from 'yjs';
import { summariseDocument, type DocSummary } from '$lib/shared/model';
import { searchEntriesOf, type SearchEntry } from '$lib/shared/search';

/** `memberName`: members' current names, for the @mentions search finds (else the name they were written with). */
export function readDocument(docId: string, doc: Y.Doc, memberName?: (memberId: string) => string | undefined): { summary: DocSummary; texts: SearchEntry[] } {
  return { summary: summariseDocument(docId, doc).value, texts: searchEntriesOf(doc, memberName) };
}

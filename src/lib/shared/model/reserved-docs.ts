/**
 * Document ids that are not pages: the workspace's index, the group pulse's shared totals,
 * the needs boards' private documents (`private-<board>`) and each member's own private
 * document (`member-private-<memberId>`). Typing one into the address bar must never make it
 * an ordinary page, and none of them ever enters the catalogue (addCatalogueEntry refuses).
 */
import { INDEX_DOC_ID, PRIVATE_DOC_PREFIX, PULSE_DOC_ID } from '../protocol';
import { isMemberPrivateDoc } from './private-answers';

/** Whether `docId` is kept for the server or a member (never a page, never in the catalogue). */
export function isReservedDocId(docId: string): boolean {
  return docId === INDEX_DOC_ID || docId === PULSE_DOC_ID || docId.startsWith(PRIVATE_DOC_PREFIX) || isMemberPrivateDoc(docId);
}

/**
 * Whether `docId` is a document the whole group reads: a page, or the group pulse's totals —
 * not the workspace's index (its catalogue) and never a private document (a board's, a
 * member's). What the server's rules watch and where it may publish totals.
 */
export function isGroupDoc(docId: string): boolean {
  return docId !== INDEX_DOC_ID && !docId.startsWith(PRIVATE_DOC_PREFIX) && !isMemberPrivateDoc(docId);
}

/** Where an address of a reserved document leads instead, inside its workspace (null: nowhere, say so). */
export function reservedDocRoute(docId: string): 'work' | null {
  // The group pulse's totals are read on the Workload page.
  return docId === PULSE_DOC_ID ? 'work' : null;
}

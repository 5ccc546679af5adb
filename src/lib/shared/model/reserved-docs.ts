/**
 * Document ids that are not pages: the workspace's index, the group pulse's shared totals,
 * the needs boards' private documents (`private-<board>`) and each member's own private
 * document (`member-private-<memberId>`). Typing one into the address bar must never make it
 * an ordinary page, and none of them ever enters the catalogue (addCatalogueEntry refuses).
 */
import { INDEX_DOC_ID, isValidId, PRIVATE_DOC_PREFIX, PULSE_DOC_ID } from '../protocol';
import { isMemberPrivateDoc } from './private-answers';
import { IndexKeys } from './schema';

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

/** Why the relay refuses a catalogue entry a member wrote by hand (the app never writes one: addCatalogueEntry refuses). */
export const CATALOGUE_REFUSAL = 'a document in the catalogue needs an id of letters, digits, - and _ that is not kept for the workspace itself';

/**
 * The catalogue's rule, for the relay's inspection of every update (authority.ts holds the
 * rules on who changes what; this one is about which documents the catalogue may list): an
 * entry is created under a valid document id that is not reserved — the index, the pulse's
 * totals and the private documents are never pages, so a hand-written entry for one is refused
 * rather than left for every reader to skip. Null: allowed.
 */
export function judgeCatalogueEntry(change: { kind: 'create' | 'delete'; parent: readonly (string | null)[]; key: string | null }): string | null {
  if (change.kind !== 'create' || change.parent.length !== 1 || change.parent[0] !== IndexKeys.catalogue) return null;
  return change.key !== null && isValidId(change.key) && !isReservedDocId(change.key) ? null : CATALOGUE_REFUSAL;
}

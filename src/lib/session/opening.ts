/**
 * What the document page does with a document that has no content on this device yet.
 *
 * Only `WorkspaceSession.createDocument` writes a document's first content (its template),
 * on the device that creates it. Opening never does: a document listed in the catalogue was
 * created by someone, and its content is on its way (the creator may not have synced yet, or
 * this device has not); seeding it here too would put two templates in it once both arrive.
 * The page waits for it instead.
 *
 * An address no catalogue lists is a new document (the contract: "opening an unknown document
 * id creates it"), but only once this device holds the catalogue as the relay has it (the
 * index is live): offline, it may just be a document this device has not heard of yet.
 */

/** show: it has content · wait: its content is on its way · create: a new document at this address. */
export type Opening = 'show' | 'wait' | 'create';

/** Decide from what the device knows now. */
export function openingOf(facts: { seeded: boolean; inCatalogue: boolean; indexLive: boolean; canEdit: boolean }): Opening {
  if (facts.seeded) return 'show';
  if (facts.inCatalogue || !facts.indexLive || !facts.canEdit) return 'wait';
  return 'create';
}

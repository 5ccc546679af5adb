/**
 * Names of the top-level Yjs types in Mutual's documents. Every replica, the
 * relay and the editor binding must agree on these, so they live in one place.
 *
 * A document's Y.Doc:
 *   root   Y.XmlText  — the Lexical editor's text (bound by @lexical/yjs)
 *   blocks Y.Map      — block id → Y.Map of that block's state (proposal, task, need, agenda item)
 *   meta   Y.Map      — kind, title, created, seeded flag
 *
 * A workspace's index Y.Doc (document id "index"):
 *   catalogue Y.Map   — document id → Y.Map { id, kind, title, created, archived }
 *   members   Y.Map   — member id → Y.Map { id, name, colour, role, publicKey, joinedAt }
 *   settings  Y.Map   — workspace name and settings (e.g. workload norm)
 */
export const DocKeys = {
  root: 'root',
  blocks: 'blocks',
  meta: 'meta'
} as const;

/** A private document's keys (needs boards' contact details, contacts.ts). */
export const ContactKeys = { contacts: 'contacts' } as const;

export const IndexKeys = {
  catalogue: 'catalogue',
  members: 'members',
  settings: 'settings'
} as const;

/**
 * Kinds of structured block kept in a document's `blocks` map. Each block's Y.Map
 * carries its kind under the `type` key so a reader can tell them apart without
 * the editor (the Lexical decorator node stores only the block id and this kind).
 */
export const BlockTypes = ['proposal', 'task', 'need', 'agenda-item'] as const;
export type BlockType = (typeof BlockTypes)[number];

/** Document kinds, stored in the document's `meta` map and in the catalogue. */
export const DocKinds = ['agenda', 'proposal', 'needs', 'page'] as const;
export type DocKind = (typeof DocKinds)[number];

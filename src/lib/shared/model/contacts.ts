/**
 * Contact details of a needs board: who to contact, phone, address, notes.
 *
 * They are NEVER stored in the board document (every member replicates that one). They live
 * in a separate private document per board, id `private-<boardDocId>`, which the relay serves
 * only to admins and coordinators, and which a non-coordinator's device never asks for.
 *
 * Private Y.Doc
 * └── contacts  Y.Map  entryId → Y.Map { name, phone, address, notes, updatedAt, updatedBy }
 *
 * One Y.Map per entry, one key per field: two coordinators editing the phone and the notes of
 * the same entry at once both keep their change (last writer wins per field only).
 *
 * Retention: once an entry has been fulfilled or withdrawn for `needsRetentionDays`, its whole
 * map is deleted (`purgeContacts`). With Yjs garbage collection on (the default), deleted
 * content is dropped from `encodeStateAsUpdate`, so a compaction afterwards leaves no byte of it.
 */
import * as Y from 'yjs';
import { ID_PATTERN, PRIVATE_DOC_PREFIX } from '../protocol';
import { mutate, timeOf, type Actor } from './doc';
import { ModelError } from './errors';
import type { NeedView } from './need';
import { ContactKeys, IndexKeys } from './schema';
import { IssueLog, isFiniteNumber, isString, readField, type ModelIssue, type Read } from './validate';
import { readMembers } from './workspace';

/** Top-level key of the private document (in schema.ts, so storage code reads it without this module). */
export { ContactKeys } from './schema';

/** Fields a coordinator types in. */
export const ContactFields = ['name', 'phone', 'address', 'notes'] as const;
export type ContactField = (typeof ContactFields)[number];

/** Longest value per field (notes are free text; the others are one line). */
export const CONTACT_FIELD_LIMITS: Readonly<Record<ContactField, number>> = { name: 120, phone: 40, address: 300, notes: 2000 };

/** One entry's contact details as the board shows them to coordinators. */
export interface ContactDetails {
  entryId: string;
  name: string;
  phone: string;
  address: string;
  notes: string;
  /** Last change (the editing device's clock), 0 when unknown. */
  updatedAt: number;
  updatedBy: string;
}

/** Id of the private document holding the contact details of board `boardDocId`. */
export function privateDocIdFor(boardDocId: string): string {
  return `${PRIVATE_DOC_PREFIX}${boardDocId}`;
}

/**
 * The board whose contact details `docId` holds, or null when `docId` is not a board's private
 * document. A board id whose private id would break the id pattern (over 64 characters) has none.
 */
export function boardDocIdOf(docId: string): string | null {
  if (!docId.startsWith(PRIVATE_DOC_PREFIX) || !ID_PATTERN.test(docId)) return null;
  const board = docId.slice(PRIVATE_DOC_PREFIX.length);
  return board.length > 0 && ID_PATTERN.test(board) ? board : null;
}

/** The contacts map of a private document. */
export function getContacts(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap<unknown>(ContactKeys.contacts);
}

function readOne(raw: unknown, entryId: string, issues: ModelIssue[]): ContactDetails | null {
  if (!(raw instanceof Y.Map)) {
    issues.push({ blockId: entryId, reason: 'contact details are not a map; skipped' });
    return null;
  }
  const log = new IssueLog(entryId, issues);
  const field = (key: ContactField): string => readField(raw as Y.Map<unknown>, key, isString, '', log, false);
  return {
    entryId,
    name: field('name'),
    phone: field('phone'),
    address: field('address'),
    notes: field('notes'),
    updatedAt: readField(raw as Y.Map<unknown>, 'updatedAt', isFiniteNumber, 0, log, false),
    updatedBy: readField(raw as Y.Map<unknown>, 'updatedBy', isString, '', log, false)
  };
}

/** Every entry's contact details, sorted by entry id. */
export function readContacts(doc: Y.Doc): Read<ContactDetails[]> {
  const issues: ModelIssue[] = [];
  const value: ContactDetails[] = [];
  const contacts = getContacts(doc);
  for (const id of [...contacts.keys()].sort()) {
    const one = readOne(contacts.get(id), id, issues);
    if (one) value.push(one);
  }
  return { value, issues };
}

/** One entry's contact details, or null when none were recorded (or they were purged). */
export function readContact(doc: Y.Doc, entryId: string): Read<ContactDetails | null> {
  const issues: ModelIssue[] = [];
  const raw = getContacts(doc).get(entryId);
  return { value: raw === undefined ? null : readOne(raw, entryId, issues), issues };
}

/** True when a contact record has nothing typed in it. */
export function isEmptyContact(c: Pick<ContactDetails, ContactField>): boolean {
  return ContactFields.every((f) => c[f].trim() === '');
}

/**
 * Record or change an entry's contact details (only the fields given are written; an empty
 * string clears a field). Creates the entry's map on first use.
 */
export function setContact(doc: Y.Doc, entryId: string, patch: Partial<Record<ContactField, string>>, actor: Actor): void {
  if (!entryId) throw new ModelError('invalid-input', 'Contact details belong to an entry of the board.');
  for (const f of ContactFields) {
    const v = patch[f];
    if (v === undefined) continue;
    if (typeof v !== 'string') throw new ModelError('invalid-input', `The ${f} must be text.`);
    if (v.length > CONTACT_FIELD_LIMITS[f]) throw new ModelError('invalid-input', `The ${f} is too long (at most ${CONTACT_FIELD_LIMITS[f]} characters).`);
  }
  const contacts = getContacts(doc);
  const existing = contacts.get(entryId);
  mutate(doc, actor, () => {
    let map = existing instanceof Y.Map ? (existing as Y.Map<unknown>) : null;
    if (!map) {
      map = new Y.Map<unknown>();
      contacts.set(entryId, map);
    }
    for (const f of ContactFields) {
      const v = patch[f];
      if (v !== undefined && map.get(f) !== v.trim()) map.set(f, v.trim());
    }
    map.set('updatedAt', timeOf(actor));
    map.set('updatedBy', actor.memberId);
  });
}

/**
 * Delete the contact details of `entryIds` (unknown ids are ignored) in one transaction;
 * returns the ids actually removed. Used by the retention purge and by "Remove contact details".
 */
export function purgeContacts(doc: Y.Doc, entryIds: readonly string[], actor: Actor): string[] {
  const contacts = getContacts(doc);
  const present = [...new Set(entryIds)].filter((id) => contacts.has(id)).sort();
  if (present.length === 0) return [];
  mutate(doc, actor, () => {
    for (const id of present) contacts.delete(id);
  });
  return present;
}

/** Milliseconds in a day (retention is counted in whole days). */
export const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Entries whose contact details are due for deletion at `now`: fulfilled or withdrawn at least
 * `retentionDays` ago. An id in `contactIds` with no entry on the board is kept (the board may
 * simply not have synced yet; deleting on a guess would lose someone's phone number).
 */
export function contactsDueForPurge(entries: readonly NeedView[], contactIds: readonly string[], now: number, retentionDays: number): string[] {
  const byId = new Map(entries.map((e) => [e.id, e]));
  const limit = Math.max(0, retentionDays) * DAY_MS;
  return contactIds
    .filter((id) => {
      const e = byId.get(id);
      return !!e && (e.status === 'fulfilled' || e.status === 'withdrawn') && e.closedAt !== null && now - e.closedAt >= limit;
    })
    .sort();
}

/** When an entry's contact details will be deleted (null while it is open or matched). */
export function purgeDueAt(entry: Pick<NeedView, 'status' | 'closedAt'>, retentionDays: number): number | null {
  if ((entry.status !== 'fulfilled' && entry.status !== 'withdrawn') || entry.closedAt === null) return null;
  return entry.closedAt + Math.max(0, retentionDays) * DAY_MS;
}

/** Whether the index says `memberId` may read private documents (admins and coordinators). */
export function mayReadPrivate(index: Y.Doc, memberId: string): boolean {
  const me = readMembers(index).value.find((m) => m.id === memberId);
  return !!me && (me.role === 'admin' || me.coordinator);
}

/**
 * Private documents a device should replicate for `memberId`: one per needs board of the
 * catalogue, and only when the member may read them. A non-coordinator gets an empty list, so
 * its device never even asks the relay for contact details.
 */
export function privateDocsFor(index: Y.Doc, memberId: string): string[] {
  return mayReadPrivate(index, memberId) ? boardPrivateIds(index) : [];
}

/**
 * Private documents a device must NOT keep for `memberId`: every board's, once the index says
 * the member is neither admin nor coordinator (e.g. the flag was removed). Empty while the
 * member is not in the directory yet (an unsynced index must not wipe a coordinator's copy).
 */
export function privateDocsToForget(index: Y.Doc, memberId: string): string[] {
  const known = readMembers(index).value.some((m) => m.id === memberId);
  return known && !mayReadPrivate(index, memberId) ? boardPrivateIds(index) : [];
}

function boardPrivateIds(index: Y.Doc): string[] {
  const out: string[] = [];
  index.getMap<unknown>(IndexKeys.catalogue).forEach((raw, id) => {
    if (!(raw instanceof Y.Map) || raw.get('kind') !== 'needs') return;
    const privateId = privateDocIdFor(id);
    if (boardDocIdOf(privateId) === id) out.push(privateId);
  });
  return out.sort();
}

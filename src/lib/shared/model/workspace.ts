/**
 * The workspace index document: catalogue of documents, member directory and
 * settings. Each catalogue entry and member is its own Y.Map, so renaming one
 * document never races with archiving another, and two admins editing two
 * members never touch the same value.
 *
 * Settings defaults are NOT written into the document: readers apply them when
 * a key is missing. Writing defaults from every device would be a seeding race
 * (each device's write would replace the others' later changes).
 */
import * as Y from 'yjs';
import { isRole, type Role } from '../protocol';
import { mutate, timeOf, type Actor } from './doc';
import { ModelError } from './errors';
import { DocKinds, IndexKeys, type DocKind } from './schema';
import { DEFAULT_PULSE_CADENCE, isPulseCadence, type PulseCadence } from './pulse-cadence';
import { isReservedDocId } from './reserved-docs';
import { IssueLog, compact, isBoolean, isFiniteNumber, isString, oneOf, orNull, readField, type ModelIssue, type Read } from './validate';

export interface CatalogueEntry {
  id: string;
  kind: DocKind;
  title: string;
  created: number;
  archived: boolean;
}

export interface Member {
  id: string;
  name: string;
  /** CSS colour for cursors and avatars. */
  colour: string;
  role: Role;
  /** Issue 8: the member's device public key (Ed25519, base64), null until registered. */
  publicKey: string | null;
  joinedAt: number;
  /** Issue 10: an admin made this member a coordinator (may read needs boards' contact details). */
  coordinator: boolean;
}

export interface WorkspaceSettings {
  name: string;
  /** Open claims per member the group considers sustainable (issue 9). */
  workloadNorm: number;
  /** Days after a need is fulfilled or withdrawn before its contact details are purged (issue 10). */
  needsRetentionDays: number;
  /** When the invite links were last replaced (server time; 0: unknown): older links no longer work. */
  invitesRotatedAt: number;
  /** The group pulse is on: members are asked to check in every `pulseCadence` weeks (issue 24). */
  pulse: boolean;
  /** Weeks between check-ins (1, 2 or 4). */
  pulseCadence: PulseCadence;
  /** Viewers may write comments (threads and replies, never the text): issue 22; off unless an admin turns it on. */
  viewersMayComment: boolean;
}

export const DEFAULT_SETTINGS: Readonly<WorkspaceSettings> = {
  name: '',
  workloadNorm: 3,
  needsRetentionDays: 30,
  invitesRotatedAt: 0,
  pulse: false,
  pulseCadence: DEFAULT_PULSE_CADENCE,
  viewersMayComment: false
};

export function getCatalogue(index: Y.Doc): Y.Map<unknown> {
  return index.getMap<unknown>(IndexKeys.catalogue);
}
export function getMembers(index: Y.Doc): Y.Map<unknown> {
  return index.getMap<unknown>(IndexKeys.members);
}
export function getSettings(index: Y.Doc): Y.Map<unknown> {
  return index.getMap<unknown>(IndexKeys.settings);
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Add a document to the catalogue (the creating device, when it creates the document). */
export function addCatalogueEntry(index: Y.Doc, input: { id: string; kind: DocKind; title: string }, actor: Actor): void {
  if (!ID.test(input.id)) throw new ModelError('invalid-input', 'Invalid document id.');
  if (isReservedDocId(input.id)) throw new ModelError('invalid-input', 'This document id is kept for the workspace itself.');
  if (!oneOf(DocKinds)(input.kind)) throw new ModelError('invalid-input', 'Unknown document kind.');
  const catalogue = getCatalogue(index);
  if (catalogue.has(input.id)) throw new ModelError('already-exists', 'This document is already in the catalogue.');
  mutate(index, actor, () => {
    const entry = new Y.Map<unknown>();
    catalogue.set(input.id, entry);
    entry.set('id', input.id);
    entry.set('kind', input.kind);
    entry.set('title', input.title);
    entry.set('created', timeOf(actor));
    entry.set('archived', false);
  });
}

function entryOrThrow(map: Y.Map<unknown>, id: string, what: string): Y.Map<unknown> {
  const entry = map.get(id);
  if (!(entry instanceof Y.Map)) throw new ModelError('not-found', `This ${what} does not exist.`);
  return entry as Y.Map<unknown>;
}

/** Rename a document in the catalogue. */
export function renameCatalogueEntry(index: Y.Doc, docId: string, title: string, actor: Actor): void {
  const entry = entryOrThrow(getCatalogue(index), docId, 'document');
  mutate(index, actor, () => entry.set('title', title));
}

/** Archive or restore a document (archived documents are hidden from lists, never deleted). */
export function setArchived(index: Y.Doc, docId: string, archived: boolean, actor: Actor): void {
  const entry = entryOrThrow(getCatalogue(index), docId, 'document');
  mutate(index, actor, () => entry.set('archived', archived));
}

/** The catalogue, oldest first (then by id); archived entries only when asked for. */
export function readCatalogue(index: Y.Doc, options: { includeArchived?: boolean } = {}): Read<CatalogueEntry[]> {
  const issues: ModelIssue[] = [];
  const entries: CatalogueEntry[] = [];
  getCatalogue(index).forEach((raw, id) => {
    if (!(raw instanceof Y.Map)) {
      issues.push({ blockId: id, reason: 'catalogue entry is not a map; skipped' });
      return;
    }
    if (isReservedDocId(id)) {
      // Written by a peer (or by a device before this rule): the workspace's own documents are never pages.
      issues.push({ blockId: id, reason: 'catalogue entry for a reserved document id; skipped' });
      return;
    }
    const log = new IssueLog(id, issues);
    const kind = raw.get('kind');
    if (!oneOf(DocKinds)(kind)) {
      log.add(`unknown document kind "${String(kind)}"; skipped`);
      return;
    }
    const entry: CatalogueEntry = {
      id,
      kind,
      title: readField(raw, 'title', isString, '', log),
      created: readField(raw, 'created', isFiniteNumber, 0, log),
      archived: readField(raw, 'archived', isBoolean, false, log, false)
    };
    if (options.includeArchived || !entry.archived) entries.push(entry);
  });
  entries.sort((a, b) => a.created - b.created || (a.id < b.id ? -1 : 1));
  return { value: entries, issues };
}

/** Input for a new member (the relay or an admin writes it when someone joins). */
export interface MemberInput {
  id: string;
  name: string;
  colour: string;
  role: Role;
  publicKey?: string | null;
}

/** Add a member to the directory. */
export function addMember(index: Y.Doc, input: MemberInput, actor: Actor): void {
  if (!ID.test(input.id)) throw new ModelError('invalid-input', 'Invalid member id.');
  if (!isRole(input.role)) throw new ModelError('invalid-input', 'Unknown role.');
  const members = getMembers(index);
  if (members.has(input.id)) throw new ModelError('already-exists', 'This member is already in the directory.');
  mutate(index, actor, () => {
    const m = new Y.Map<unknown>();
    members.set(input.id, m);
    m.set('id', input.id);
    m.set('name', input.name);
    m.set('colour', input.colour);
    m.set('role', input.role);
    m.set('publicKey', input.publicKey ?? null);
    m.set('joinedAt', timeOf(actor));
  });
}

/** Change a member's name, colour, role or public key. */
export function updateMember(index: Y.Doc, memberId: string, patch: Partial<Omit<MemberInput, 'id'>>, actor: Actor): void {
  const m = entryOrThrow(getMembers(index), memberId, 'member');
  if (patch.role !== undefined && !isRole(patch.role)) throw new ModelError('invalid-input', 'Unknown role.');
  mutate(index, actor, () => {
    for (const [k, v] of Object.entries(compact(patch))) m.set(k, v);
  });
}

/** Remove a member from the directory (their past ballots and claims stay in the documents). */
export function removeMember(index: Y.Doc, memberId: string, actor: Actor): void {
  if (getMembers(index).has(memberId)) mutate(index, actor, () => getMembers(index).delete(memberId));
}

/** The member directory, earliest joined first (then by id). */
export function readMembers(index: Y.Doc): Read<Member[]> {
  const issues: ModelIssue[] = [];
  const members: Member[] = [];
  getMembers(index).forEach((raw, id) => {
    if (!(raw instanceof Y.Map)) {
      issues.push({ blockId: id, reason: 'member entry is not a map; skipped' });
      return;
    }
    const log = new IssueLog(id, issues);
    const role = raw.get('role');
    if (!isRole(role)) {
      log.add(`unknown role "${String(role)}"; skipped`);
      return;
    }
    members.push({
      id,
      name: readField(raw, 'name', isString, id, log),
      colour: readField(raw, 'colour', isString, '#888888', log, false),
      role,
      publicKey: readField(raw, 'publicKey', orNull(isString), null, log, false),
      joinedAt: readField(raw, 'joinedAt', isFiniteNumber, 0, log),
      coordinator: readField(raw, 'coordinator', isBoolean, false, log, false)
    });
  });
  members.sort((a, b) => a.joinedAt - b.joinedAt || (a.id < b.id ? -1 : 1));
  return { value: members, issues };
}

/** Workspace settings with defaults for anything unset. */
export function readSettings(index: Y.Doc): Read<WorkspaceSettings> {
  const s = getSettings(index);
  const log = new IssueLog('');
  const positiveInt = (v: unknown): v is number => Number.isInteger(v) && (v as number) > 0;
  return {
    value: {
      name: readField(s, 'name', isString, DEFAULT_SETTINGS.name, log, false),
      workloadNorm: readField(s, 'workloadNorm', positiveInt, DEFAULT_SETTINGS.workloadNorm, log, false),
      needsRetentionDays: readField(s, 'needsRetentionDays', positiveInt, DEFAULT_SETTINGS.needsRetentionDays, log, false),
      invitesRotatedAt: readField(s, 'invitesRotatedAt', isFiniteNumber, DEFAULT_SETTINGS.invitesRotatedAt, log, false),
      pulse: readField(s, 'pulse', isBoolean, DEFAULT_SETTINGS.pulse, log, false),
      pulseCadence: readField(s, 'pulseCadence', isPulseCadence, DEFAULT_SETTINGS.pulseCadence, log, false),
      viewersMayComment: readField(s, 'viewersMayComment', isBoolean, DEFAULT_SETTINGS.viewersMayComment, log, false)
    },
    issues: log.issues
  };
}

/**
 * Change workspace settings (only the keys given are written). Settings are server-written:
 * the relay refuses client updates to them; devices change them through
 * `PATCH /api/workspaces/:id/settings`. Used by server code and tests.
 */
export function updateSettings(index: Y.Doc, patch: Partial<WorkspaceSettings>, actor: Actor): void {
  for (const key of ['workloadNorm', 'needsRetentionDays'] as const) {
    const v = patch[key];
    if (v !== undefined && !(Number.isInteger(v) && v > 0)) throw new ModelError('invalid-input', `${key} must be a positive whole number.`);
  }
  for (const key of ['pulse', 'viewersMayComment'] as const) {
    if (patch[key] !== undefined && typeof patch[key] !== 'boolean') throw new ModelError('invalid-input', `${key} is on (true) or off (false).`);
  }
  if (patch.pulseCadence !== undefined && !isPulseCadence(patch.pulseCadence)) throw new ModelError('invalid-input', 'pulseCadence is 1, 2 or 4 weeks.');
  const s = getSettings(index);
  mutate(index, actor, () => {
    for (const [k, v] of Object.entries(compact(patch))) s.set(k, v);
  });
}

/**
 * Rotating roles (issue 9): recurring jobs such as facilitator, note-taker and
 * timekeeper (and any the group adds), who is willing to take each, who took it
 * when, and whose turn it is next.
 *
 * Kept in the workspace index document as three flat top-level types rather
 * than one Y.Map per role holding nested maps:
 *
 *   rotationRoles    Y.Map    roleId → { name, createdAt, createdBy, archived }   custom roles only
 *   rotationWilling  Y.Map    "roleId/memberId" → boolean                           written by that member
 *   rotationHistory  Y.Array  { roleId, memberId, at, by }                          append-only
 *
 * Why flat: the three standard roles exist without being written (every device
 * writing them would be the seeding race of settings defaults), so the first
 * write for a standard role would have to create its nested map — and two
 * devices doing that at once would each create one, and the map that loses
 * would take its willing marks and history with it. Flat keys never race that way.
 *
 * "Least recently held" is decided by position in the history array, not by the
 * `at` clock: array order is the same on every replica and respects causality
 * (the same reasoning as task claims, docs/model.md), so every device suggests
 * the same person.
 */
import type * as Y from 'yjs';
import { mutate, timeOf, type Actor } from './doc';
import { ModelError } from './errors';
import { newBlockId } from './ids';
import { IssueLog, isBoolean, isFiniteNumber, isRecord, isString, type ModelIssue, type Read } from './validate';
import { readMembers } from './workspace';

/** Names of the rotation's top-level types in the index document. */
export const RotationKeys = {
  roles: 'rotationRoles',
  willing: 'rotationWilling',
  history: 'rotationHistory'
} as const;

/** Roles every workspace has without anyone creating them, in display order. */
export const STANDARD_ROLES: ReadonlyArray<{ id: string; name: string }> = [
  { id: 'facilitator', name: 'Facilitator' },
  { id: 'note-taker', name: 'Note-taker' },
  { id: 'timekeeper', name: 'Timekeeper' }
];

/** One time a member took a role. */
export interface RoleTurn {
  roleId: string;
  memberId: string;
  /** When it was recorded (the recording device's clock; shown, never used for order). */
  at: number;
  /** Who recorded it. */
  by: string;
}

/** A role as the roles page shows it. */
export interface RoleView {
  id: string;
  name: string;
  standard: boolean;
  /** Member ids willing to take the role, sorted. */
  willing: string[];
  /** Turns at this role, oldest first (history order). */
  history: RoleTurn[];
}

/** Whose turn it is, and why. */
export interface RoleSuggestion {
  memberId: string;
  /** When they last held the role (their latest turn's `at`), null if never. */
  lastHeldAt: number | null;
  /** `now - lastHeldAt`, null if never held. */
  sinceMs: number | null;
  timesHeld: number;
}

const ROLE_NAME_MAX = 40;
const willingKey = (roleId: string, memberId: string): string => `${roleId}/${memberId}`;

function rolesMap(index: Y.Doc): Y.Map<unknown> {
  return index.getMap<unknown>(RotationKeys.roles);
}
function willingMap(index: Y.Doc): Y.Map<unknown> {
  return index.getMap<unknown>(RotationKeys.willing);
}
function historyArray(index: Y.Doc): Y.Array<unknown> {
  return index.getArray<unknown>(RotationKeys.history);
}

const isStandard = (roleId: string): boolean => STANDARD_ROLES.some((r) => r.id === roleId);

function customRoleName(raw: unknown): string | null {
  if (!isRecord(raw) || !isString(raw.name) || raw.name.trim() === '') return null;
  return raw.name.trim();
}

function roleExists(index: Y.Doc, roleId: string): boolean {
  if (isStandard(roleId)) return true;
  const raw = rolesMap(index).get(roleId);
  return customRoleName(raw) !== null && !(isRecord(raw) && raw.archived === true);
}

function requireRole(index: Y.Doc, roleId: string): void {
  if (!roleExists(index, roleId)) throw new ModelError('not-found', 'This role does not exist.');
}

/** Add a custom role (e.g. "Welcomer"); returns its id. */
export function addRole(index: Y.Doc, name: string, actor: Actor): string {
  const trimmed = name.trim();
  if (trimmed === '') throw new ModelError('invalid-input', 'Give the role a name.');
  if (trimmed.length > ROLE_NAME_MAX) throw new ModelError('invalid-input', `A role name is at most ${ROLE_NAME_MAX} characters.`);
  const taken = readRoles(index).value.some((r) => r.name.toLowerCase() === trimmed.toLowerCase());
  if (taken) throw new ModelError('already-exists', `There is already a role called “${trimmed}”.`);
  const id = `role-${newBlockId()}`;
  mutate(index, actor, () => rolesMap(index).set(id, { name: trimmed, createdAt: timeOf(actor), createdBy: actor.memberId, archived: false }));
  return id;
}

/** Retire a custom role (its history stays in the document). Standard roles cannot be removed. */
export function archiveRole(index: Y.Doc, roleId: string, actor: Actor): void {
  if (isStandard(roleId)) throw new ModelError('invalid-input', 'The standard roles stay; you can simply not use one.');
  requireRole(index, roleId);
  const raw = rolesMap(index).get(roleId) as Record<string, unknown>;
  mutate(index, actor, () => rolesMap(index).set(roleId, { ...raw, archived: true }));
}

/** Mark the acting member willing (or no longer willing) to take a role. */
export function setWilling(index: Y.Doc, roleId: string, willing: boolean, actor: Actor): void {
  requireRole(index, roleId);
  // Only the member writes their own key, so last-writer-wins only arbitrates between their own devices.
  mutate(index, actor, () => willingMap(index).set(willingKey(roleId, actor.memberId), willing));
}

/** Record that `memberId` took the role (now, as the actor's clock says). */
export function recordTurn(index: Y.Doc, roleId: string, memberId: string, actor: Actor): void {
  requireRole(index, roleId);
  if (!isString(memberId) || memberId === '') throw new ModelError('invalid-input', 'Choose who took the role.');
  const turn: RoleTurn = { roleId, memberId, at: timeOf(actor), by: actor.memberId };
  mutate(index, actor, () => historyArray(index).push([turn]));
}

function parseTurn(raw: unknown): RoleTurn | string {
  if (!isRecord(raw)) return 'role history entry is not an object';
  const { roleId, memberId, at, by } = raw;
  if (!isString(roleId) || !isString(memberId) || !isFiniteNumber(at)) return 'role history entry is malformed';
  return { roleId, memberId, at, by: isString(by) ? by : '' };
}

function readHistory(index: Y.Doc, issues: ModelIssue[]): RoleTurn[] {
  const turns: RoleTurn[] = [];
  for (const raw of historyArray(index).toArray()) {
    const turn = parseTurn(raw);
    if (typeof turn === 'string') issues.push({ blockId: RotationKeys.history, reason: `${turn}; skipped` });
    else turns.push(turn);
  }
  return turns;
}

/** Every role in use: the standard ones first, then custom roles by name (then id). */
export function readRoles(index: Y.Doc): Read<RoleView[]> {
  const issues: ModelIssue[] = [];
  const history = readHistory(index, issues);
  const willing = new Map<string, string[]>();
  willingMap(index).forEach((value, key) => {
    const slash = key.lastIndexOf('/');
    if (slash <= 0 || !isBoolean(value)) {
      issues.push({ blockId: RotationKeys.willing, reason: `willing mark "${key}" is malformed; skipped` });
      return;
    }
    if (!value) return;
    const roleId = key.slice(0, slash);
    willing.set(roleId, [...(willing.get(roleId) ?? []), key.slice(slash + 1)]);
  });
  const custom: Array<{ id: string; name: string }> = [];
  rolesMap(index).forEach((raw, id) => {
    const name = customRoleName(raw);
    if (name === null) {
      new IssueLog(id, issues).add('role has no name; skipped');
      return;
    }
    if (isRecord(raw) && raw.archived === true) return;
    custom.push({ id, name });
  });
  custom.sort((a, b) => a.name.localeCompare(b.name) || (a.id < b.id ? -1 : 1));
  const value = [...STANDARD_ROLES.map((r) => ({ ...r, standard: true })), ...custom.map((r) => ({ ...r, standard: false }))].map((r) => ({
    ...r,
    willing: [...(willing.get(r.id) ?? [])].sort(),
    history: history.filter((t) => t.roleId === r.id)
  }));
  return { value, issues };
}

/**
 * Who should take the role next: of the willing members still in the directory,
 * the one who held it least recently — never held comes first; then the member
 * whose latest turn is earliest in the history. Ties (several who never held it)
 * are broken by name, then id, so every device suggests the same person.
 * `now` (ms) only fills in `sinceMs`. Null when nobody willing is a member.
 */
export function suggestForRole(index: Y.Doc, roleId: string, now: number): Read<RoleSuggestion | null> {
  const ranked = rankForRole(index, roleId, now);
  return { value: ranked.value[0] ?? null, issues: ranked.issues };
}

/** Every willing member in suggestion order (the first is {@link suggestForRole}'s answer). */
export function rankForRole(index: Y.Doc, roleId: string, now: number): Read<RoleSuggestion[]> {
  const roles = readRoles(index);
  const members = readMembers(index);
  const issues = [...roles.issues, ...members.issues];
  const role = roles.value.find((r) => r.id === roleId);
  if (!role) return { value: [], issues: [...issues, { blockId: roleId, reason: 'role not found' }] };
  const names = new Map(members.value.map((m) => [m.id, m.name]));
  const latest = new Map<string, { position: number; at: number }>();
  const times = new Map<string, number>();
  role.history.forEach((turn, position) => {
    latest.set(turn.memberId, { position, at: turn.at });
    times.set(turn.memberId, (times.get(turn.memberId) ?? 0) + 1);
  });
  const candidates = role.willing.filter((id) => names.has(id));
  candidates.sort((a, b) => {
    const la = latest.get(a);
    const lb = latest.get(b);
    if (!la && lb) return -1;
    if (la && !lb) return 1;
    if (la && lb) return la.position - lb.position;
    const byName = names.get(a)!.localeCompare(names.get(b)!);
    return byName || (a < b ? -1 : a > b ? 1 : 0);
  });
  const value = candidates.map((memberId) => {
    const last = latest.get(memberId);
    return { memberId, lastHeldAt: last?.at ?? null, sinceMs: last ? now - last.at : null, timesHeld: times.get(memberId) ?? 0 };
  });
  return { value, issues };
}

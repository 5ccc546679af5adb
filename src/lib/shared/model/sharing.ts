/**
 * Sharing the work (issue 9): workloads against the group's norm, the check
 * before a claim that would go past it, scaling back, the open tasks board with
 * its filters, and newcomers seeing co-lead places first.
 *
 * Pure functions over documents (like views.ts); dates are calendar dates
 * `YYYY-MM-DD` compared as strings, and `today` is passed in by the caller
 * (the device's local date) so every function here is deterministic.
 */
import type * as Y from 'yjs';
import type { Actor } from './doc';
import { collectBlocks } from './doc';
import { readTask, releaseTasks, type TaskView } from './task';
import { uniqueIssues, type ModelIssue, type Read } from './validate';
import type { InDoc, WorkspaceDoc } from './doc-set';

/** Members who joined within this many days are newcomers: they see "good for newcomers" places first. */
export const NEWCOMER_DAYS = 30;
/** "Due soon" on the workload page: due within this many days (overdue included). */
export const DUE_SOON_DAYS = 7;
const DAY_MS = 86_400_000;

/** A task by where it lives. */
export interface TaskRef {
  docId: string;
  id: string;
}

/** The device's local calendar date of `now`, as `YYYY-MM-DD`. */
export function localDate(now: number): string {
  const d = new Date(now);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** `date` plus `days` calendar days (UTC arithmetic on a date-only value, so no DST surprises). */
export function addDays(date: string, days: number): string {
  const t = Date.parse(`${date}T00:00:00Z`) + days * DAY_MS;
  return new Date(t).toISOString().slice(0, 10);
}

/** Not done and past its due date. */
export function isOverdue(task: Pick<TaskView, 'due' | 'status'>, today: string): boolean {
  return task.status !== 'done' && task.due !== null && task.due < today;
}

/** A member who joined within {@link NEWCOMER_DAYS} of `now`. */
export function isNewcomer(member: { joinedAt: number } | undefined, now: number): boolean {
  return member !== undefined && member.joinedAt > 0 && now - member.joinedAt < NEWCOMER_DAYS * DAY_MS;
}

/** Every readable task of the documents, each with its document id. */
export function collectTasks(docs: readonly WorkspaceDoc[]): Read<InDoc<TaskView>[]> {
  const issues: ModelIssue[] = [];
  const tasks: InDoc<TaskView>[] = collectBlocks(docs, 'task', readTask, issues);
  return { value: tasks, issues: uniqueIssues(issues) };
}

const byDueThenId = (a: InDoc<TaskView>, b: InDoc<TaskView>): number => {
  if (a.due !== b.due) {
    if (a.due === null) return 1;
    if (b.due === null) return -1;
    return a.due < b.due ? -1 : 1;
  }
  return a.docId < b.docId ? -1 : a.docId > b.docId ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
};

/** One member's share of the work. */
export interface MemberWorkload {
  memberId: string;
  /** Tasks the member holds, earliest due first (overdue on top), undated last. */
  claims: InDoc<TaskView>[];
  /** Of those, due within {@link DUE_SOON_DAYS} days or overdue. */
  dueSoon: InDoc<TaskView>[];
  overdue: number;
  /** Claims the member could still take before reaching the norm (0 when at or over). */
  room: number;
  /** More open claims than the norm. */
  overNorm: boolean;
  /** Exactly at the norm: a further claim would go past it. */
  atNorm: boolean;
}

/** Workload of each member (in the order of `memberIds`) against `norm`. */
export function memberWorkloads(docs: readonly WorkspaceDoc[], memberIds: readonly string[], norm: number, today: string): Read<MemberWorkload[]> {
  const all = collectTasks(docs);
  return { value: workloadsOf(all.value, memberIds, norm, today), issues: all.issues };
}

/** {@link memberWorkloads} over tasks already read (dashboards keep them per document). */
export function workloadsOf(tasks: readonly InDoc<TaskView>[], memberIds: readonly string[], norm: number, today: string): MemberWorkload[] {
  const soon = addDays(today, DUE_SOON_DAYS);
  const held = new Map<string, InDoc<TaskView>[]>();
  for (const t of tasks) if (t.status === 'claimed' && t.claimant) held.set(t.claimant, [...(held.get(t.claimant) ?? []), t]);
  return memberIds.map((memberId) => {
    const claims = (held.get(memberId) ?? []).sort(byDueThenId);
    return {
      memberId,
      claims,
      dueSoon: claims.filter((t) => t.due !== null && t.due <= soon),
      overdue: claims.filter((t) => isOverdue(t, today)).length,
      room: Math.max(0, norm - claims.length),
      overNorm: claims.length > norm,
      atNorm: claims.length === norm
    };
  });
}

/** What to ask before a claim. */
export interface NormCheck {
  /** The claim would take the member past the norm: ask them to confirm. */
  needsConfirm: boolean;
  openClaims: number;
  norm: number;
  /** Other members with room, most room first (then in the order given). */
  withRoom: Array<{ memberId: string; room: number }>;
}

/**
 * Check a claim by `memberId` against the norm: one more claim than the norm
 * allows needs their confirmation ("You already have 3 open tasks — the group's
 * norm is 3. Claim anyway?"), and members with room are suggested instead.
 */
export function checkClaimAgainstNorm(loads: readonly Pick<MemberWorkload, 'memberId' | 'claims' | 'room'>[], memberId: string, norm: number): NormCheck {
  const openClaims = loads.find((l) => l.memberId === memberId)?.claims.length ?? 0;
  const withRoom = loads
    .map((l, order) => ({ memberId: l.memberId, room: l.room, order }))
    .filter((l) => l.memberId !== memberId && l.room > 0)
    .sort((a, b) => b.room - a.room || a.order - b.order)
    .map(({ memberId, room }) => ({ memberId, room }));
  return { needsConfirm: openClaims + 1 > norm, openClaims, norm, withRoom };
}

/** Tasks grouped by document, for changes that open one document at a time. */
export function groupByDocument(refs: readonly TaskRef[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const { docId, id } of refs) groups.set(docId, [...(groups.get(docId) ?? []), id]);
  return groups;
}

/**
 * "Scale back": release several of the actor's claims across documents with one
 * note (one transaction per document). Tasks they no longer hold are left alone.
 * Returns the tasks released.
 */
export function scaleBack(docs: readonly WorkspaceDoc[], refs: readonly TaskRef[], actor: Actor, note?: string): TaskRef[] {
  const released: TaskRef[] = [];
  for (const [docId, ids] of groupByDocument(refs)) {
    const doc: Y.Doc | undefined = docs.find((d) => d.docId === docId)?.doc;
    if (doc) released.push(...releaseTasks(doc, ids, actor, note).map((id) => ({ docId, id })));
  }
  return released;
}

/** Filters of the open tasks board. */
export interface BoardFilter {
  /** Only this document. */
  docId?: string | null;
  /** By due date: any, overdue, due within a week, undated. */
  due?: 'any' | 'overdue' | 'week' | 'undated';
  /** Only tasks with a co-lead place marked good for newcomers. */
  newcomerFriendly?: boolean;
}

/** The open tasks board. */
export interface Board {
  /** Unclaimed tasks. */
  open: InDoc<TaskView>[];
  /** Claimed tasks whose co-lead place is free (not the viewer's own). */
  coLeadPlaces: InDoc<TaskView>[];
}

const welcomesNewcomers = (t: TaskView): boolean => t.coLeadWanted && t.newcomerFriendly && t.coLead === null;

/**
 * The open tasks board for `viewer`: unclaimed tasks and free co-lead places,
 * earliest due first. For a newcomer, places marked good for newcomers come first.
 */
export function taskBoard(docs: readonly WorkspaceDoc[], options: BoardOptions): Read<Board> {
  const all = collectTasks(docs);
  return { value: boardOf(all.value, options), issues: all.issues };
}

/** Who looks at the board, and how it is filtered. */
export interface BoardOptions {
  viewer: string;
  newcomer: boolean;
  today: string;
  filter?: BoardFilter;
}

/** {@link taskBoard} over tasks already read. */
export function boardOf(tasks: readonly InDoc<TaskView>[], options: BoardOptions): Board {
  const { viewer, newcomer, today, filter = {} } = options;
  const week = addDays(today, DUE_SOON_DAYS);
  const keep = (t: InDoc<TaskView>): boolean => {
    if (filter.docId && t.docId !== filter.docId) return false;
    if (filter.newcomerFriendly && !welcomesNewcomers(t)) return false;
    switch (filter.due ?? 'any') {
      case 'overdue':
        return isOverdue(t, today);
      case 'week':
        return t.due !== null && t.due <= week;
      case 'undated':
        return t.due === null;
      default:
        return true;
    }
  };
  const order = (a: InDoc<TaskView>, b: InDoc<TaskView>): number =>
    (newcomer ? Number(welcomesNewcomers(b)) - Number(welcomesNewcomers(a)) : 0) || byDueThenId(a, b);
  const kept = tasks.filter(keep);
  return {
    open: kept.filter((t) => t.status === 'open').sort(order),
    coLeadPlaces: kept.filter((t) => t.status === 'claimed' && t.coLeadWanted && t.coLead === null && t.claimant !== viewer).sort(order)
  };
}

/**
 * What the relay tells members about one document (issue 19), as a pure function of the
 * document's summary, the workspace's members and the time. Each event has a key that is
 * the same on every instance and every evaluation (the relay records one notification per
 * key and member, so evaluating a document again, or on two instances, sends nothing twice),
 * and `wakeAt`: when the document should be looked at again because something becomes due
 * (a proposal's last day, a task's due date, a week unclaimed) without anyone editing it.
 *
 * Privacy: an event carries a block's title and a link, never a ballot's choice, a need's
 * contact details or a private document's text. Private documents are never evaluated
 * (the caller skips them), and proposal outcomes say only "passed" or "not passed".
 */
import type { DocSummary } from '../model/summary';
import type { ProposalView } from '../model/proposal-read';
import type { TaskView } from '../model/task';
import type { NotificationKind } from './prefs';

/** A member as the relay knows them (active members only). */
export interface NotifyMember {
  id: string;
  role: 'admin' | 'editor' | 'viewer';
  coordinator: boolean;
}

export interface DocContext {
  workspaceId: string;
  docId: string;
  now: number;
  members: readonly NotifyMember[];
}

/** One thing to tell some members. */
export interface NotificationEvent {
  /** Stable across evaluations and instances: `<kind>:<workspace>/<doc>/<block>:<moment>`. */
  key: string;
  kind: NotificationKind;
  recipients: string[];
  /** Short text: what happened and the block's title. */
  body: string;
  /** Path in the app: the document at the block. */
  url: string;
  /** When it happened or became due (ms). */
  at: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Moments older than this are not announced (a server started on old data stays quiet). */
export const RECENT_MS = 2 * DAY;
/** A proposal's last-day reminder goes out this long before it closes. */
export const CLOSING_SOON_MS = DAY;
/** A task open this long is reported to the coordinators. */
export const UNCLAIMED_MS = 7 * DAY;
/** Titles are cut to this many characters in a notification. */
export const MAX_TITLE = 80;

/** A block title as a notification shows it. */
export function shortTitle(title: string): string {
  const t = title.replace(/\s+/g, ' ').trim() || 'Untitled';
  return [...t].length > MAX_TITLE ? [...t].slice(0, MAX_TITLE - 1).join('') + '…' : t;
}

interface Found {
  events: NotificationEvent[];
  wake: number[];
}

/** Everything due now in one document, and when to look again. */
export function documentNotifications(summary: DocSummary, ctx: DocContext): { events: NotificationEvent[]; wakeAt: number | null } {
  const found: Found = { events: [], wake: [] };
  for (const p of summary.proposals) proposalEvents(p, ctx, found);
  for (const t of summary.tasks) taskEvents(t, ctx, found);
  const future = found.wake.filter((w) => w > ctx.now);
  return { events: found.events.filter((e) => e.recipients.length > 0), wakeAt: future.length > 0 ? Math.min(...future) : null };
}

function event(kind: NotificationKind, ctx: DocContext, blockId: string, moment: string | number, recipients: string[], body: string, at: number): NotificationEvent {
  return {
    key: `${kind}:${ctx.workspaceId}/${ctx.docId}/${blockId}:${moment}`,
    kind,
    recipients: [...new Set(recipients)].sort(),
    body,
    url: `/w/${ctx.workspaceId}/d/${ctx.docId}#block-${blockId}`,
    at
  };
}

const recent = (at: number | null, now: number): at is number => at !== null && at <= now && now - at <= RECENT_MS;
const voters = (ctx: DocContext) => ctx.members.filter((m) => m.role !== 'viewer').map((m) => m.id);
const isMember = (ctx: DocContext, id: string | null): id is string => id !== null && ctx.members.some((m) => m.id === id);

function proposalEvents(p: ProposalView, ctx: DocContext, found: Found): void {
  const title = shortTitle(p.title);
  if (p.status === 'open') {
    const opener = [...p.lifecycle].reverse().find((e) => e.applied && e.event.type === 'open')?.event.by;
    if (recent(p.openedAt, ctx.now)) {
      const to = voters(ctx).filter((id) => id !== opener && !p.ballots.has(id));
      found.events.push(event('proposal-opened', ctx, p.id, p.openedAt, to, `Open for your vote: ${title}`, p.openedAt));
    }
    if (p.deadline !== null) {
      const remindAt = p.deadline - CLOSING_SOON_MS;
      if (ctx.now >= remindAt && ctx.now < p.deadline) {
        const to = voters(ctx).filter((id) => !p.ballots.has(id));
        found.events.push(event('proposal-closing', ctx, p.id, p.deadline, to, `Closes within a day, you have not voted: ${title}`, remindAt));
      }
      // Looking again just after the deadline loads the document, which closes the proposal
      // (server/rules/deadlines.ts) even if nobody opens it; then its outcome is announced.
      found.wake.push(remindAt, p.deadline + 1);
    }
  }
  if (p.status === 'closed' && recent(p.closedAt, ctx.now)) {
    // Everyone who voted or was asked: the ballots at close and today's voting members.
    const asked = [...voters(ctx), ...Object.keys(p.outcome?.counted ?? {}), ...p.ballots.keys()].filter((id) => isMember(ctx, id));
    const verdict = p.outcome?.passed ? 'passed' : 'not passed';
    found.events.push(event('proposal-closed', ctx, p.id, p.closedAt, asked, `Decided (${verdict}): ${title}`, p.closedAt));
  }
}

function taskEvents(t: TaskView, ctx: DocContext, found: Found): void {
  const title = shortTitle(t.title);
  const last = [...t.history].reverse().find((h) => h.effect === 'applied')?.event;
  if (t.status === 'claimed' && isMember(ctx, t.claimant)) {
    const claimant = t.claimant;
    if (last?.type === 'reassign' && last.to === claimant && last.by !== claimant && recent(last.at, ctx.now)) {
      found.events.push(event('task-assigned', ctx, t.id, `${last.at}:${claimant}`, [claimant], `Handed to you: ${title}`, last.at));
    }
    if (last?.type === 'claim' && last.member === claimant && t.createdBy !== claimant && isMember(ctx, t.createdBy) && recent(last.at, ctx.now)) {
      found.events.push(event('task-claimed', ctx, t.id, `${last.at}:${claimant}`, [t.createdBy], `Claimed: ${title}`, last.at));
    }
    if (t.due !== null) {
      const dueDay = Date.parse(`${t.due}T00:00:00Z`);
      // Noon (UTC) the day before; quiet hours then move a push to the member's morning.
      const remindAt = dueDay - 12 * HOUR;
      if (ctx.now >= remindAt && ctx.now < dueDay + DAY) {
        found.events.push(event('task-due', ctx, t.id, `${t.due}:${claimant}`, [claimant], `Due tomorrow: ${title}`, remindAt));
      } else found.wake.push(remindAt);
    }
  }
  if (t.status === 'open') {
    const since = last?.at ?? t.createdAt;
    const dueAt = since + UNCLAIMED_MS;
    if (ctx.now >= dueAt) {
      const coordinators = ctx.members.filter((m) => m.coordinator).map((m) => m.id);
      const to = coordinators.length > 0 ? coordinators : ctx.members.filter((m) => m.role === 'admin').map((m) => m.id);
      found.events.push(event('task-unclaimed', ctx, t.id, since, to, `Unclaimed for a week: ${title}`, dueAt));
    } else found.wake.push(dueAt);
  }
}

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
import type * as Y from 'yjs';
import { readMeta } from '../model/doc';
import { readMeeting } from '../model/meeting';
import { readMeetingTime } from '../model/meeting-time';
import { readNeeds, type NeedView } from '../model/need';
import { summariseDocument, type DocSummary } from '../model/summary';
import type { ProposalView } from '../model/proposal-read';
import type { TaskView } from '../model/task';
import { DAY, HOUR, event, isMember, recent, shortTitle, type DocContext, type Found, type NotificationEvent } from './event-parts';
import { meetingEvents, type MeetingFacts } from './meetings';
import { mentionEvents, needEvents } from './social';
import { texts } from './texts';

export { MAX_TITLE, RECENT_MS, shortTitle, type DocContext, type NotificationEvent, type NotifyMember } from './event-parts';

/** A proposal's last-day reminder goes out this long before it closes. */
export const CLOSING_SOON_MS = DAY;
/** A task open this long is reported to the coordinators. */
export const UNCLAIMED_MS = 7 * DAY;

/** What the rules read of a document: its summary, its needs board entries, its meeting (agendas). */
export type NotifySource = DocSummary & { needs?: readonly NeedView[]; meeting?: MeetingFacts };

/** A document as the rules read it (the relay, from the Y.Doc it serves). */
export function notifySource(docId: string, ydoc: Y.Doc): NotifySource {
  const meta = readMeta(ydoc).value;
  const source: NotifySource = { ...summariseDocument(docId, ydoc).value, needs: readNeeds(ydoc).value };
  if (meta.kind !== 'agenda') return source;
  const { status, endedAt } = readMeeting(ydoc).value;
  return { ...source, meeting: { title: meta.title, meetingAt: readMeetingTime(ydoc).value, status, endedAt } };
}

/** Everything due now in one document, and when to look again. */
export function documentNotifications(summary: NotifySource, ctx: DocContext): { events: NotificationEvent[]; wakeAt: number | null } {
  const found: Found = { events: [], wake: [] };
  for (const p of summary.proposals) proposalEvents(p, ctx, found);
  for (const t of summary.tasks) taskEvents(t, ctx, found);
  mentionEvents(summary.mentions ?? [], ctx, found);
  needEvents(summary.needs ?? [], ctx, found);
  if (summary.meeting) meetingEvents(summary.meeting, ctx, found);
  const future = found.wake.filter((w) => w > ctx.now);
  return { events: found.events.filter((e) => e.recipients.length > 0), wakeAt: future.length > 0 ? Math.min(...future) : null };
}

const voters = (ctx: DocContext) => ctx.members.filter((m) => m.role !== 'viewer').map((m) => m.id);

function proposalEvents(p: ProposalView, ctx: DocContext, found: Found): void {
  const title = shortTitle(p.title);
  if (p.status === 'open') {
    const opener = [...p.lifecycle].reverse().find((e) => e.applied && e.event.type === 'open')?.event.by;
    if (recent(p.openedAt, ctx.now)) {
      const to = voters(ctx).filter((id) => id !== opener && !p.ballots.has(id));
      found.events.push(event('proposal-opened', ctx, p.id, p.openedAt, to, texts.proposalOpened(title), p.openedAt));
    }
    if (p.deadline !== null) {
      const remindAt = p.deadline - CLOSING_SOON_MS;
      if (ctx.now >= remindAt && ctx.now < p.deadline) {
        const to = voters(ctx).filter((id) => !p.ballots.has(id));
        found.events.push(event('proposal-closing', ctx, p.id, p.deadline, to, texts.proposalClosing(title), remindAt));
      }
      // Looking again just after the deadline loads the document, which closes the proposal
      // (server/rules/deadlines.ts) even if nobody opens it; then its outcome is announced.
      found.wake.push(remindAt, p.deadline + 1);
    }
  }
  if (p.status === 'closed' && recent(p.closedAt, ctx.now)) {
    // Everyone who voted or was asked: the ballots at close and today's voting members.
    const asked = [...voters(ctx), ...Object.keys(p.outcome?.counted ?? {}), ...p.ballots.keys()].filter((id) => isMember(ctx, id));
    found.events.push(event('proposal-closed', ctx, p.id, p.closedAt, asked, texts.proposalClosed(p.outcome?.passed === true, title), p.closedAt));
  }
}

function taskEvents(t: TaskView, ctx: DocContext, found: Found): void {
  const title = shortTitle(t.title);
  const last = [...t.history].reverse().find((h) => h.effect === 'applied')?.event;
  if (t.status === 'claimed' && isMember(ctx, t.claimant)) {
    const claimant = t.claimant;
    if (last?.type === 'reassign' && last.to === claimant && last.by !== claimant && recent(last.at, ctx.now)) {
      found.events.push(event('task-assigned', ctx, t.id, `${last.at}:${claimant}`, [claimant], texts.taskAssigned(title), last.at));
    }
    if (last?.type === 'claim' && last.member === claimant && t.createdBy !== claimant && isMember(ctx, t.createdBy) && recent(last.at, ctx.now)) {
      found.events.push(event('task-claimed', ctx, t.id, `${last.at}:${claimant}`, [t.createdBy], texts.taskClaimed(title), last.at));
    }
    if (t.due !== null) {
      const dueDay = Date.parse(`${t.due}T00:00:00Z`);
      // Noon (UTC) the day before; quiet hours then move a push to the member's morning.
      const remindAt = dueDay - 12 * HOUR;
      if (ctx.now >= remindAt && ctx.now < dueDay + DAY) {
        found.events.push(event('task-due', ctx, t.id, `${t.due}:${claimant}`, [claimant], texts.taskDue(title), remindAt));
      } else found.wake.push(remindAt);
    }
  }
  if (t.status === 'open') {
    const since = last?.at ?? t.createdAt;
    const dueAt = since + UNCLAIMED_MS;
    if (ctx.now >= dueAt) {
      const coordinators = ctx.members.filter((m) => m.coordinator).map((m) => m.id);
      const to = coordinators.length > 0 ? coordinators : ctx.members.filter((m) => m.role === 'admin').map((m) => m.id);
      found.events.push(event('task-unclaimed', ctx, t.id, since, to, texts.taskUnclaimed(title), dueAt));
    } else found.wake.push(dueAt);
  }
}

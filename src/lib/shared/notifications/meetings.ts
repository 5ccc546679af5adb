/**
 * Notifications about meetings (issue 19), pure like events.ts: 15 minutes before an agenda's
 * planned time, "the meeting starts soon" to every member (each member's preferences decide
 * whether it reaches them); when the meeting is ended in meeting mode, "the minutes are ready"
 * with a link to them. A meeting already started is not announced as starting; a moved date
 * is a new moment (a new key), so members hear of the new time.
 */
import { event, recent, shortTitle, type DocContext, type Found } from './event-parts';
import { texts } from './texts';

/** How long before a planned meeting members are reminded. */
export const MEETING_SOON_MS = 15 * 60_000;

/** What the rules read of an agenda: its title, its planned time and its meeting's state. */
export interface MeetingFacts {
  title: string;
  meetingAt: number | null;
  status: 'not-started' | 'running' | 'ended';
  endedAt: number | null;
}

export function meetingEvents(m: MeetingFacts, ctx: DocContext, found: Found): void {
  const everyone = ctx.members.map((x) => x.id);
  const base = `/w/${ctx.workspaceId}/d/${ctx.docId}`;
  const title = shortTitle(m.title);
  if (m.meetingAt !== null && m.status === 'not-started') {
    const remindAt = m.meetingAt - MEETING_SOON_MS;
    if (ctx.now >= remindAt && ctx.now < m.meetingAt) {
      const minutes = Math.ceil((m.meetingAt - Math.max(ctx.now, remindAt)) / 60_000);
      found.events.push(event('meeting-soon', ctx, 'meeting', m.meetingAt, everyone, texts.meetingSoon(minutes, title), remindAt, base));
    } else if (ctx.now < remindAt) found.wake.push(remindAt);
  }
  if (m.status === 'ended' && recent(m.endedAt, ctx.now)) {
    found.events.push(event('minutes-ready', ctx, 'meeting', m.endedAt, everyone, texts.minutesReady(title), m.endedAt, `${base}/minutes`));
  }
}

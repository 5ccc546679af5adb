/**
 * Notifications about people (issue 19): a member mentioned in a comment, and an ask matched
 * on the needs board. Pure, like events.ts. A mention is told once (its key is the comment's),
 * and links to the document with the thread open; a match tells the member who asked, the
 * member who offers (when they are members) and the group's other coordinators, never the one
 * who matched, and never anything of the contact details (they are not in the document at all).
 */
import type { MentionEntry } from '../model/mentions';
import type { NeedView } from '../model/need';
import { event, isMember, recent, shortTitle, type DocContext, type Found } from './event-parts';
import { texts } from './texts';

/** Mentions in open threads and in the text: one event per comment (per mention written), to the members it mentions. */
export function mentionEvents(mentions: readonly MentionEntry[], ctx: DocContext, found: Found): void {
  const byComment = new Map<string, MentionEntry[]>();
  for (const m of mentions) {
    if (!recent(m.at, ctx.now) || !isMember(ctx, m.member)) continue;
    const key = `${m.threadId}:${m.by}:${m.messageId}`;
    byComment.set(key, [...(byComment.get(key) ?? []), m]);
  }
  for (const [key, list] of byComment) {
    const first = list[0]!;
    const where = first.place ? `at=${first.place}` : `thread=${encodeURIComponent(first.threadId)}`;
    const url = `/w/${ctx.workspaceId}/d/${ctx.docId}?${where}`;
    const recipients = list.map((m) => m.member);
    const body = first.place ? texts.mentionedInText(shortTitle(first.quote)) : texts.mentioned(shortTitle(first.quote));
    found.events.push(event('mentioned', ctx, first.place ? 'text' : 'comment', key, recipients, body, first.at, url));
  }
}

/** Asks matched recently: the asker, the offerer (member or the offer's author) and the other coordinators are told. */
export function needEvents(needs: readonly NeedView[], ctx: DocContext, found: Found): void {
  const byId = new Map(needs.map((n) => [n.id, n]));
  for (const ask of needs) {
    if (ask.kind !== 'ask' || ask.status !== 'matched' || !ask.matchedWith) continue;
    const match = [...ask.history].reverse().find((h) => h.applied && h.event.type === 'match')?.event;
    if (!match || !recent(match.at, ctx.now)) continue;
    const title = shortTitle(ask.title);
    const offerer = 'member' in ask.matchedWith ? ask.matchedWith.member : byId.get(ask.matchedWith.entry)?.createdBy;
    const notBy = (id: string | undefined): string[] => (isMember(ctx, id) && id !== match.by ? [id] : []);
    found.events.push(event('need-matched', ctx, ask.id, `${match.at}:ask`, notBy(ask.createdBy), texts.askMatched(title), match.at));
    found.events.push(event('need-matched', ctx, ask.id, `${match.at}:offer`, notBy(offerer).filter((id) => id !== ask.createdBy), texts.offerMatched(title), match.at));
    const toldAlready = new Set([match.by, ask.createdBy, offerer]);
    const coordinators = ctx.members.filter((m) => m.coordinator && !toldAlready.has(m.id)).map((m) => m.id);
    found.events.push(event('need-matched', ctx, ask.id, `${match.at}:coordinators`, coordinators, texts.needMatched(title), match.at));
  }
}

import { describe, expect, it } from 'vitest';
import { createThread, editComment, replyToThread } from '../model/comment-edits';
import { mentionToken } from '../model/mentions';
import { createNeed, matchNeed, unmatchNeed } from '../model/need';
import { replica } from '../model/test-support';
import { HOUR, T0, act, evaluate, members } from './test-fixture';

describe('mentions', () => {
  it('a mention tells the member mentioned, once per comment, with a link to the thread and no comment text', () => {
    const doc = replica(1);
    const thread = createThread(doc, { id: 'th1', quote: 'the hall', text: `${mentionToken('ben')} ${mentionToken('cy')} call the landlord on 0123` }, act('ana', T0));
    const first = evaluate(doc, T0 + 1000);
    expect(first.events).toHaveLength(1);
    const [e] = first.events;
    expect(e).toMatchObject({ kind: 'mentioned', recipients: ['ben', 'cy'], body: 'You were mentioned in a comment on “the hall”', url: '/w/ws/d/d1?thread=th1', at: T0 });
    expect(e.key).toMatch(/^mentioned:ws\/d1\/comment:th1:ana:/);
    expect(JSON.stringify(first)).not.toMatch(/landlord|0123/);
    // Evaluated again: the same key (the outbox records it once per member).
    expect(evaluate(doc, T0 + 2000).events.map((x) => x.key)).toEqual([e.key]);
    // Editing the comment to mention one more: same key, one more recipient (only they get a new row).
    const messageId = e.key.split(':').pop()!;
    editComment(doc, thread, messageId, `${mentionToken('ben')} ${mentionToken('cy')} ${mentionToken('ana')} hi`, act('ana', T0 + 3000));
    expect(evaluate(doc, T0 + 4000).events.map((x) => [x.key, x.recipients])).toEqual([[e.key, ['ben', 'cy']]]);
  });

  it('a reply mentioning someone is its own event; members only; old mentions stay quiet; not oneself', () => {
    const doc = replica(1);
    createThread(doc, { id: 'th1', quote: 'q', text: 'no mention' }, act('ana', T0));
    replyToThread(doc, 'th1', `${mentionToken('ben')} ${mentionToken('zed')} ${mentionToken('cy')}`, act('cy', T0 + HOUR));
    expect(evaluate(doc, T0 + HOUR).events.map((e) => [e.kind, e.recipients])).toEqual([['mentioned', ['ben']]]);
    expect(evaluate(doc, T0 + 3 * 24 * HOUR).events).toEqual([]);
  });
});

describe('needs matched', () => {
  it('an ask matched with an offer tells the asker and the offerer, not the coordinator who matched', () => {
    const doc = replica(1);
    const ask = createNeed(doc, { id: 'ask1', kind: 'ask', title: 'Groceries for a family', category: 'food', area: 'Northside' }, act('ana', T0));
    const offer = createNeed(doc, { id: 'off1', kind: 'offer', title: 'Car on weekends', category: 'transport' }, act('cy', T0));
    expect(evaluate(doc, T0 + 1).events).toEqual([]);
    matchNeed(doc, ask, { entry: offer }, act('ben', T0 + HOUR));
    const found = evaluate(doc, T0 + HOUR + 1).events;
    expect(found.map((e) => [e.key, e.recipients, e.body, e.url])).toEqual([
      [`need-matched:ws/d1/ask1:${T0 + HOUR}:ask`, ['ana'], 'Your ask was matched: Groceries for a family', '/w/ws/d/d1#block-ask1'],
      [`need-matched:ws/d1/ask1:${T0 + HOUR}:offer`, ['cy'], 'Your offer was matched with an ask: Groceries for a family', '/w/ws/d/d1#block-ask1']
    ]);
    expect(JSON.stringify(found)).not.toContain('Northside');
    // Unmatched and matched again (with a volunteering member): a new moment, told again.
    unmatchNeed(doc, ask, act('ben', T0 + 2 * HOUR));
    expect(evaluate(doc, T0 + 2 * HOUR + 1).events).toEqual([]);
    matchNeed(doc, ask, { member: 'ben' }, act('ana', T0 + 3 * HOUR));
    // Ana matched it herself: only Ben (the volunteer) is told.
    expect(evaluate(doc, T0 + 3 * HOUR + 1).events.map((e) => [e.key, e.recipients])).toEqual([[`need-matched:ws/d1/ask1:${T0 + 3 * HOUR}:offer`, ['ben']]]);
  });

  it('a match tells the other coordinators, once each, and not again as asker or offerer', () => {
    const doc = replica(1);
    const team = [...members, { id: 'dee', role: 'editor' as const, coordinator: true }, { id: 'eli', role: 'editor' as const, coordinator: true }];
    createNeed(doc, { id: 'ask1', kind: 'ask', title: 'Rent help', category: 'money' }, act('eli', T0));
    matchNeed(doc, 'ask1', { member: 'cy' }, act('ben', T0 + HOUR));
    expect(evaluate(doc, T0 + HOUR + 1, team).events.map((e) => [e.key, e.recipients, e.body])).toEqual([
      [`need-matched:ws/d1/ask1:${T0 + HOUR}:ask`, ['eli'], 'Your ask was matched: Rent help'],
      [`need-matched:ws/d1/ask1:${T0 + HOUR}:offer`, ['cy'], 'Your offer was matched with an ask: Rent help'],
      [`need-matched:ws/d1/ask1:${T0 + HOUR}:coordinators`, ['dee'], 'Matched on the needs board: Rent help']
    ]);
  });

  it('someone who is not a member is never a recipient; an old match stays quiet', () => {
    const doc = replica(1);
    createNeed(doc, { id: 'ask1', kind: 'ask', title: 'Lift', category: 'transport' }, act('gone', T0));
    matchNeed(doc, 'ask1', { member: 'stranger' }, act('ben', T0));
    expect(evaluate(doc, T0 + 1).events).toEqual([]);
    createNeed(doc, { id: 'ask2', kind: 'ask', title: 'Soup', category: 'food' }, act('ana', T0));
    matchNeed(doc, 'ask2', { member: 'cy' }, act('ben', T0));
    expect(evaluate(doc, T0 + 3 * 24 * HOUR).events).toEqual([]);
  });
});

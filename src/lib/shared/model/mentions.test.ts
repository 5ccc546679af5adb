/** @mentions in comments (issue 22): bound to member ids, shown with current names, listed for the mentioned. */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createThread, decodeMentions, deleteComment, encodeMentions, mentionParts, mentionsFor, readThreads, replyToThread, resolveThread, summariseDocument } from './index';

const act = (memberId: string, at: number) => ({ memberId, at });

describe('mentions', () => {
  it('stores a picked member by id and shows their current name', () => {
    const stored = encodeMentions('@Ana Maria and @Ana, can you check?', [
      { id: 'm1', name: 'Ana' },
      { id: 'm2', name: 'Ana Maria' }
    ]);
    expect(stored).toBe('@{m2} and @{m1}, can you check?');
    expect(mentionParts(stored)).toEqual([{ memberId: 'm2' }, { text: ' and ' }, { memberId: 'm1' }, { text: ', can you check?' }]);
    // Renamed since: the mention shows the new name.
    expect(decodeMentions(stored, (id) => (id === 'm1' ? 'Anita' : 'Ana María')).display).toBe('@Ana María and @Anita, can you check?');
    expect(encodeMentions('email @Anabel', [{ id: 'm1', name: 'Ana' }])).toBe('email @Anabel'); // not a mention of Ana
  });

  it('lists a member’s mentions in open threads until they open the thread, newest first', () => {
    const doc = new Y.Doc();
    const a = createThread(doc, { quote: 'rent', text: '@{ben} is this paid?' }, act('ana', 10));
    const b = createThread(doc, { quote: 'keys', text: 'Who has the keys, @{ben} or @{cat}?' }, act('ana', 20));
    replyToThread(doc, b, 'Me, says @{ben}', act('ben', 30)); // mentioning oneself is not listed
    const c = createThread(doc, { quote: 'old', text: '@{ben} old news' }, act('ana', 5));
    resolveThread(doc, c, act('ana', 6));
    const { mentions } = summariseDocument('d', doc).value;
    const forBen = mentionsFor(mentions, 'ben', () => 0);
    expect(forBen.map((m) => [m.threadId, m.by, m.at])).toEqual([
      [b, 'ana', 20],
      [a, 'ana', 10]
    ]);
    expect(forBen[0]).toMatchObject({ docId: 'd', member: 'ben', quote: 'keys', excerpt: 'Who has the keys, @{ben} or @{cat}?' });
    expect(mentionsFor(mentions, 'ben', (t) => (t === b ? 25 : 0)).map((m) => m.threadId)).toEqual([a]); // opened b since
    const first = readThreads(doc).value.find((t) => t.id === a)!.messages[0]!;
    deleteComment(doc, a, first.id, act('ana', 40));
    expect(mentionsFor(summariseDocument('d', doc).value.mentions, 'ben', () => 0).map((m) => m.threadId)).toEqual([b]);
  });
});

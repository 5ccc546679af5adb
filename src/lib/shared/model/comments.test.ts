/** Comment threads in a document (issue 22): writing, replies merging, anchors in the text. */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { anchoredThreadIds, countOpenThreads, createThread, ownMessagesOf, deleteComment, editComment, getRoot, openThreadCount, readThreads, reopenThread, replyToThread, resolveThread } from './index';
import { errorCode, replica, sync } from './test-support';

const act = (memberId: string, at = 1000) => ({ memberId, at });

/** A paragraph holding `before`, a comment mark over `marked` naming `ids`, and `after` (as @lexical/yjs stores it). */
function markedParagraph(doc: Y.Doc, before: string, marked: string, ids: string[], after: string): Y.XmlText {
  const p = new Y.XmlText();
  getRoot(doc).insertEmbed(getRoot(doc).length, p);
  p.setAttribute('__type', 'paragraph');
  p.insert(0, before);
  const mark = new Y.XmlText();
  p.insertEmbed(p.length, mark);
  mark.setAttribute('__type', 'mark');
  mark.setAttribute('__ids', ids as unknown as string);
  mark.insert(0, marked);
  p.insert(p.length, after);
  return p;
}

describe('comment threads', () => {
  it('counts open threads without reading the text, as readThreads does', () => {
    const doc = new Y.Doc();
    expect(countOpenThreads(doc)).toBe(0);
    const first = createThread(doc, { quote: 'rent', text: 'Paid?' }, act('ana', 1));
    createThread(doc, { quote: 'rice', text: 'How many?' }, act('ben', 2));
    expect(countOpenThreads(doc)).toBe(2);
    resolveThread(doc, first, act('ben', 3));
    expect(countOpenThreads(doc)).toBe(1);
    expect(countOpenThreads(doc)).toBe(openThreadCount(readThreads(doc).value));
  });

  it('opens a thread, replies, edits and deletes one’s own words, resolves and reopens', () => {
    const doc = new Y.Doc();
    const id = createThread(doc, { quote: '  the April rent ', text: 'Is this paid?' }, act('ana', 1));
    replyToThread(doc, id, 'Yes, on Monday', act('ben', 2));
    let [thread] = readThreads(doc).value;
    expect(thread).toMatchObject({ id, createdBy: 'ana', quote: 'the April rent', resolved: null, anchored: false });
    expect(thread!.messages.map((m) => [m.author, m.text])).toEqual([
      ['ana', 'Is this paid?'],
      ['ben', 'Yes, on Monday']
    ]);
    const benMessage = thread!.messages[1]!.id;
    editComment(doc, id, benMessage, 'Yes, on Tuesday', act('ben', 3));
    expect(errorCode(() => editComment(doc, id, benMessage, 'No', act('ana', 4)))).toBe('not-found'); // not hers
    resolveThread(doc, id, act('ben', 5));
    expect(openThreadCount(readThreads(doc).value)).toBe(0);
    reopenThread(doc, id, act('ana', 6));
    deleteComment(doc, id, benMessage, act('ben', 7));
    [thread] = readThreads(doc).value;
    expect(thread!.resolved).toBeNull();
    expect(thread!.messages[1]).toMatchObject({ author: 'ben', text: '', deleted: true, edited: null });
    expect(errorCode(() => createThread(doc, { quote: 'x', text: '   ' }, act('ana')))).toBe('invalid-input');
  });

  it('replies written offline on two devices both arrive, each under its author', () => {
    const a = replica(1);
    const b = replica(2);
    const id = createThread(a, { quote: 'rice', text: 'How many bags?' }, act('ana', 1));
    sync(a, b);
    replyToThread(a, id, 'Ten', act('ana', 3));
    replyToThread(b, id, 'Twelve', act('ben', 2));
    resolveThread(b, id, act('ben', 4));
    sync(a, b);
    for (const doc of [a, b]) {
      const [thread] = readThreads(doc).value;
      expect(thread!.messages.map((m) => m.text)).toEqual(['How many bags?', 'Twelve', 'Ten']);
      expect(thread!.resolved).toEqual({ by: 'ben', at: 4 });
    }
  });

  it('knows which threads are anchored in the text, and keeps one whose words were deleted', () => {
    const doc = new Y.Doc();
    const id = createThread(doc, { quote: 'chest freezer', text: 'Which size?' }, act('ana'));
    const p = markedParagraph(doc, 'Buy a ', 'chest freezer', [id, 'other'], ' soon');
    expect(anchoredThreadIds(doc)).toEqual(new Set([id, 'other']));
    expect(readThreads(doc).value[0]!.anchored).toBe(true);
    p.delete(6, 1); // the mark and the words in it
    expect(readThreads(doc).value[0]).toMatchObject({ id, anchored: false, quote: 'chest freezer' });
  });

  it('skips what it cannot read, with a reason', () => {
    const doc = new Y.Doc();
    doc.getMap('comments').set('odd', 42);
    const empty = new Y.Map<unknown>();
    doc.getMap('comments').set('empty', empty);
    const read = readThreads(doc);
    expect(read.value).toEqual([]);
    expect(read.issues.map((i) => i.blockId).sort()).toEqual(['empty', 'odd']);
  });
});

describe('a viewer’s threads and unsent words (issue 22)', () => {
  it('a quote-only thread reads as such, not as on deleted text', () => {
    const doc = replica(1);
    createThread(doc, { id: 'q', quote: 'April rent', text: 'How much?', quoteOnly: true }, act('vic'));
    createThread(doc, { id: 'm', quote: 'Monday', text: 'Tuesday?' }, act('ana'));
    const [q, m] = readThreads(doc).value.sort((a, b) => (a.id < b.id ? 1 : -1));
    expect([q!.id, q!.quoteOnly, q!.anchored]).toEqual(['q', true, false]);
    expect([m!.id, m!.quoteOnly]).toEqual(['m', false]);
  });

  it('lists a member’s own live words with the Yjs id of their latest version', () => {
    const doc = replica(7);
    createThread(doc, { id: 'th', quote: 'x', text: 'Ana asks', quoteOnly: true }, act('ana'));
    const before = Y.getState(doc.store, 7);
    const reply = replyToThread(doc, 'th', 'Vic answers', act('vic'));
    const gone = replyToThread(doc, 'th', 'Vic takes it back', act('vic'));
    deleteComment(doc, 'th', gone, act('vic'));
    const mine = ownMessagesOf(doc, 'vic');
    expect(mine.map((m) => [m.threadId, m.messageId, m.text])).toEqual([['th', reply, 'Vic answers']]);
    expect(mine[0]!.item.client).toBe(7);
    expect(mine[0]!.item.clock).toBeGreaterThanOrEqual(before);
    editComment(doc, 'th', reply, 'Vic answers again', act('vic'));
    expect(ownMessagesOf(doc, 'vic')[0]!.item.clock).toBeGreaterThan(mine[0]!.item.clock);
    expect(ownMessagesOf(doc, 'nobody')).toEqual([]);
  });
});

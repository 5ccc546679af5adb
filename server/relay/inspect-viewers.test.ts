/**
 * Viewers' comments (issue 22): with the workspace's setting on, a viewer's update is admitted
 * only when every change in it is a comment write that viewer may make; with it off, nothing.
 * The same inspection as every update (inspect.ts), with the sender's write scope.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createTask, createThread, deleteComment, editComment, readThreads, replyToThread, resolveThread, reopenThread } from '#shared/model/index';
import { getRoot } from '#shared/model/doc';
import { VIEWER_REFUSALS, type WriteScope } from '#shared/model/authority';
import { replica } from '../../tests/helpers/replica.ts';
import { inspectUpdate, type Verdict } from './inspect.ts';

const ANA = 'ana'; // an editor
const VIC = 'vic'; // a viewer

/** A relay document with some text and a thread Ana opened, and Vic's replica of it. */
function fixture() {
  const relay = new Y.Doc();
  const ana = replica(relay, 1);
  Y.applyUpdate(
    relay,
    ana.change((d) => {
      getRoot(d).insert(0, 'Rent is due on Friday');
      createThread(d, { id: 'th', quote: 'Friday', text: 'Or Saturday?' }, { memberId: ANA });
    })
  );
  return { relay, vic: replica(relay, 7) };
}

function judged(relay: Y.Doc, update: Uint8Array, scope: WriteScope, member = VIC): Verdict {
  return inspectUpdate(relay, update, { memberId: member, scope });
}

function refused(v: Verdict, reason?: string): void {
  expect(v.kind).toBe('refuse');
  if (v.kind === 'refuse') {
    expect(v.code).toBe('forbidden');
    if (reason) expect(v.reason).toBe(reason);
  }
}

describe('a viewer’s update, when viewers may comment', () => {
  it('admits starting a thread (quoted, not marked), replying, editing and deleting their own words', () => {
    const { relay, vic } = fixture();
    const steps = [
      (d: Y.Doc) => createThread(d, { id: 'mine', quote: 'Rent', text: 'How much?', quoteOnly: true }, { memberId: VIC }),
      (d: Y.Doc) => replyToThread(d, 'th', 'Saturday works for me', { memberId: VIC })
    ];
    for (const step of steps) {
      const update = vic.change(step);
      expect(judged(relay, update, 'comments').kind).toBe('apply');
      Y.applyUpdate(relay, update);
    }
    const mine = readThreads(relay).value.find((t) => t.id === 'mine')!;
    expect(mine).toMatchObject({ createdBy: VIC, quoteOnly: true, anchored: false });
    const reply = readThreads(relay).value.find((t) => t.id === 'th')!.messages.find((m) => m.author === VIC)!;
    const edit = vic.change((d) => editComment(d, 'th', reply.id, 'Saturday, after 2', { memberId: VIC }));
    expect(judged(relay, edit, 'comments').kind).toBe('apply');
    Y.applyUpdate(relay, edit);
    expect(judged(relay, vic.change((d) => deleteComment(d, 'th', reply.id, { memberId: VIC })), 'comments').kind).toBe('apply');
  });

  it('refuses the text, blocks, a mark, the server root, others’ words, forged threads, resolving and removing', () => {
    const { relay, vic } = fixture();
    const anaMessage = readThreads(relay).value[0]!.messages[0]!.id;
    const thread = (d: Y.Doc) => d.getMap('comments').get('th') as Y.Map<unknown>;
    const attacks: [(d: Y.Doc) => void, string][] = [
      [(d) => getRoot(d).insert(0, 'Rent is cancelled. '), VIEWER_REFUSALS.commentsOnly],
      [(d) => getRoot(d).delete(0, 4), VIEWER_REFUSALS.commentsOnly],
      [(d) => getRoot(d).format(0, 4, { __type: 'mark', __ids: ['mine'] }), VIEWER_REFUSALS.commentsOnly],
      [(d) => createTask(d, { id: 'b', title: 'x' }, { memberId: VIC }), VIEWER_REFUSALS.commentsOnly],
      [(d) => d.getMap('server').set('totals', 1), VIEWER_REFUSALS.commentsOnly],
      [(d) => d.getMap('meta').set('title', 'Mine now'), VIEWER_REFUSALS.commentsOnly],
      [(d) => ((thread(d).get('messages') as Y.Map<unknown>).get(ANA) as Y.Map<unknown>).set(anaMessage, { text: 'I give up', at: 1 }), 'only the person who wrote a comment may change or delete it'],
      [(d) => replyToThread(d, 'th', 'in Ana’s name', { memberId: ANA }), 'only the person who wrote a comment may change or delete it'],
      [(d) => createThread(d, { id: 'forged', quote: 'Rent', text: 'from Ana', quoteOnly: true }, { memberId: ANA }), VIEWER_REFUSALS.badThread],
      [(d) => resolveThread(d, 'th', { memberId: VIC }), VIEWER_REFUSALS.newThreadOnly],
      [(d) => thread(d).set('quote', 'something else'), VIEWER_REFUSALS.newThreadOnly],
      [(d) => d.getMap('comments').delete('th'), VIEWER_REFUSALS.noRemoval],
      [(d) => d.getMap('comments').set('th', new Y.Map()), VIEWER_REFUSALS.noRemoval],
      [(d) => d.getMap('comments').set('plain', { text: 'not a thread' }), VIEWER_REFUSALS.badThread]
    ];
    for (const [fn, reason] of attacks) refused(judged(relay, replica(relay, 9).change(fn), 'comments'), reason);
    // One comment and one forbidden change in the same update: the whole update is refused.
    refused(
      judged(
        relay,
        vic.change((d) => {
          replyToThread(d, 'th', 'fine', { memberId: VIC });
          getRoot(d).insert(0, '!');
        }),
        'comments'
      )
    );
  });

  it('refuses a thread filled in with a resolved flag, another author, or an odd anchor', () => {
    const { relay } = fixture();
    const forge = (fill: (t: Y.Map<unknown>) => void) =>
      replica(relay, 9).change((d) => {
        const t = new Y.Map<unknown>();
        d.getMap('comments').set('x', t);
        fill(t);
      });
    refused(judged(relay, forge((t) => t.set('resolved', { by: VIC, at: 1 })), 'comments'), VIEWER_REFUSALS.badThread);
    refused(judged(relay, forge((t) => t.set('createdBy', ANA)), 'comments'), VIEWER_REFUSALS.badThread);
    refused(judged(relay, forge((t) => t.set('anchor', 'text')), 'comments'), VIEWER_REFUSALS.badThread);
    refused(judged(relay, forge((t) => t.set('quote', 'x'.repeat(301))), 'comments'), VIEWER_REFUSALS.badThread);
    refused(judged(relay, forge((t) => t.set('other', 1)), 'comments'), VIEWER_REFUSALS.badThread);
  });

  it('editors keep every right they had (resolve, reopen, text)', () => {
    const { relay } = fixture();
    const ana = replica(relay, 1);
    for (const step of [(d: Y.Doc) => resolveThread(d, 'th', { memberId: ANA }), (d: Y.Doc) => reopenThread(d, 'th', { memberId: ANA }), (d: Y.Doc) => getRoot(d).insert(0, 'x')]) {
      const update = ana.change(step);
      expect(judged(relay, update, 'all', ANA).kind).toBe('apply');
      Y.applyUpdate(relay, update);
    }
  });
});

describe('a viewer’s update, when viewers may not comment', () => {
  it('refuses every change, comments included; admits an update that changes nothing', () => {
    const { relay, vic } = fixture();
    refused(judged(relay, vic.change((d) => replyToThread(d, 'th', 'hello', { memberId: VIC })), 'none'), VIEWER_REFUSALS.readOnly);
    refused(judged(relay, replica(relay, 8).change((d) => getRoot(d).insert(0, 'x')), 'none'), VIEWER_REFUSALS.readOnly);
    expect(judged(relay, Y.encodeStateAsUpdate(relay), 'none').kind).toBe('apply');
  });
});

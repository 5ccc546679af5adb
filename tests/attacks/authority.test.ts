/**
 * What is one member's, only they can change; what the server owns, clients cannot write
 * (issue 27, items 7 and 13). The attacker is a modified client: the stock y-websocket client
 * making raw Yjs changes no honest device would make.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { castBallot, claimTask, closeProposal, createProposal, createTask, createThread, openProposal, readProposal, readTask, readThreads, replyToThread, resolveThread } from '../../src/lib/shared/model/index.ts';
import { CloseCode } from '../../src/lib/shared/protocol.ts';
import { api } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { Arena } from './fixture.ts';

let arena: Arena;
beforeEach(async () => {
  arena = await new Arena().start();
});
afterEach(async () => {
  await arena.stop();
});

const block = (d: Y.Doc, id: string) => d.getMap('blocks').get(id) as Y.Map<unknown>;
const refusedWith = (c: { closes: { code: number }[] }, code: number) => waitFor(() => c.closes.some((e) => e.code === code), { message: `a ${code} refusal` });

describe('item 7: a decided outcome cannot be reversed', () => {
  it('deleting others’ ballots and the recorded close is refused; the outcome stands after a restart', async () => {
    const { admin, editor, viewer } = arena.ws;
    const ana = await arena.member('vote', admin.token);
    createProposal(ana.doc, { id: 'p', title: 'Buy a chest freezer', method: 'majority' }, { memberId: admin.memberId });
    openProposal(ana.doc, 'p', {}, { memberId: admin.memberId });
    castBallot(ana.doc, 'p', { choice: 'yes' }, { memberId: admin.memberId });
    const ben = await arena.member('vote', editor.token);
    await waitFor(() => readProposal(ben.doc, 'p').value?.status === 'open', { message: 'the proposal to reach Ben' });
    castBallot(ben.doc, 'p', { choice: 'yes' }, { memberId: editor.memberId });
    await waitFor(() => readProposal(ana.doc, 'p').value?.ballots.size === 2, { message: 'both ballots' });
    closeProposal(ana.doc, 'p', {}, { memberId: admin.memberId });
    await waitFor(() => readProposal(ben.doc, 'p').value?.status === 'closed', { message: 'the close to reach Ben' });
    const decided = readProposal(ben.doc, 'p').value!.outcome;
    expect(decided?.passed).toBe(true);

    // Ben turns hostile: removes Ana's ballot and the close record in one change.
    ben.doc.transact(() => {
      (block(ben.doc, 'p').get('ballots') as Y.Map<unknown>).delete(admin.memberId);
      (block(ben.doc, 'p').get('lifecycle') as Y.Array<unknown>).delete(1, 1);
    });
    await refusedWith(ben, CloseCode.changeRefused);
    // Nor may he replace the whole block with a fresh one.
    const again = await arena.member('vote', editor.token);
    again.doc.getMap('blocks').delete('p');
    await refusedWith(again, CloseCode.changeRefused);

    await arena.restart();
    const view = await arena.read('vote', (d) => readProposal(d, 'p').value!);
    expect(view.status).toBe('closed');
    expect(view.outcome).toEqual(decided);
    expect([...view.ballots.keys()].sort()).toEqual([admin.memberId, editor.memberId].sort());
    // A viewer's device sees the same record.
    const reader = await arena.member('vote', viewer.token);
    expect(readProposal(reader.doc, 'p').value!.outcome).toEqual(decided);
  });

  it('a ballot under another member’s id is refused', async () => {
    const ben = await arena.member('vote', arena.ws.editor.token);
    createProposal(ben.doc, { id: 'p', title: 'Rota', method: 'consent' }, { memberId: arena.ws.editor.memberId });
    openProposal(ben.doc, 'p', {}, { memberId: arena.ws.editor.memberId });
    await waitFor(() => arena.read('vote', (d) => readProposal(d, 'p').value?.status === 'open'), { message: 'the proposal to reach the relay' });
    castBallot(ben.doc, 'p', { choice: 'object', reason: 'x' }, { memberId: arena.ws.admin.memberId });
    await refusedWith(ben, CloseCode.changeRefused);
    expect(await arena.read('vote', (d) => readProposal(d, 'p').value!.ballots.size)).toBe(0);
  });

  it('deleting another member’s claim is refused; who claimed first stays', async () => {
    const { admin, editor } = arena.ws;
    const ana = await arena.member('tasks', admin.token);
    createTask(ana.doc, { id: 't', title: 'Pharmacy run' }, { memberId: admin.memberId });
    claimTask(ana.doc, 't', { memberId: admin.memberId });
    const ben = await arena.member('tasks', editor.token);
    await waitFor(() => readTask(ben.doc, 't').value?.claimant === admin.memberId, { message: 'the claim to reach Ben' });
    ben.doc.transact(() => {
      const events = block(ben.doc, 't').get('events') as Y.Array<unknown>;
      events.delete(0, 1);
      events.push([{ type: 'claim', member: editor.memberId, at: 1 }]);
    });
    await refusedWith(ben, CloseCode.changeRefused);
    await arena.restart();
    expect(await arena.read('tasks', (d) => readTask(d, 't').value!.claimant)).toBe(admin.memberId);
  });
});

describe('item 13: privacy settings and the workspace name are the server’s', () => {
  it('a client write to the index settings is refused; an editor cannot change them through the API; an admin can, within bounds', async () => {
    const { admin, editor, workspaceId } = arena.ws;
    const ben = await arena.member('index', editor.token);
    ben.doc.getMap('settings').set('needsRetentionDays', 1_000_000_000);
    await refusedWith(ben, CloseCode.changeRefused);
    const days = () => arena.read('index', (d) => d.getMap('settings').get('needsRetentionDays'));
    expect(await days()).toBeUndefined();

    const path = `/api/workspaces/${workspaceId}/settings`;
    expect((await api(arena.server.httpUrl, 'PATCH', path, { token: editor.token, body: { name: 'Taken over' } })).status).toBe(403);
    expect((await api(arena.server.httpUrl, 'PATCH', path, { token: admin.token, body: { needsRetentionDays: 1_000_000_000 } })).status).toBe(400);
    const ok = await api(arena.server.httpUrl, 'PATCH', path, { token: admin.token, body: { needsRetentionDays: 14, name: 'Eastside Mutual Aid' } });
    expect(ok.status).toBe(200);
    expect(await days()).toBe(14);
    const me = await api(arena.server.httpUrl, 'GET', `/api/workspaces/${workspaceId}/me`, { token: editor.token });
    expect(me.body.workspaceName).toBe('Eastside Mutual Aid');
  });
});

describe('issue 22: a comment’s words are its author’s alone', () => {
  it('rewriting, deleting or forging another member’s comment is refused; the thread stands after a restart', async () => {
    const { admin, editor } = arena.ws;
    const ana = await arena.member('notes', admin.token);
    const thread = createThread(ana.doc, { id: 'th', quote: 'April rent', text: 'Is this the April rent?' }, { memberId: admin.memberId });
    const ben = await arena.member('notes', editor.token);
    await waitFor(() => readThreads(ben.doc).value.length === 1, { message: 'the thread to reach Ben' });
    replyToThread(ben.doc, thread, 'Yes, and May too', { memberId: editor.memberId });
    resolveThread(ben.doc, thread, { memberId: editor.memberId });
    await waitFor(() => readThreads(ana.doc).value[0]?.messages.length === 2 && !!readThreads(ana.doc).value[0]?.resolved, { message: 'the reply and the resolve to reach Ana' });
    const anaMessage = readThreads(ben.doc).value[0]!.messages[0]!;

    // Ben turns hostile: rewrites Ana's words.
    const own = (d: Y.Doc) => ((d.getMap('comments').get(thread) as Y.Map<unknown>).get('messages') as Y.Map<unknown>).get(admin.memberId) as Y.Map<unknown>;
    own(ben.doc).set(anaMessage.id, { text: 'I agree with everything', at: anaMessage.at });
    await refusedWith(ben, CloseCode.changeRefused);
    // Nor may he remove the thread with her words in it.
    const again = await arena.member('notes', editor.token);
    again.doc.getMap('comments').delete(thread);
    await refusedWith(again, CloseCode.changeRefused);

    await arena.restart();
    const threads = await arena.read('notes', (d) => readThreads(d).value);
    expect(threads).toHaveLength(1);
    expect(threads[0]!.messages.map((m) => [m.author, m.text])).toEqual([
      [admin.memberId, 'Is this the April rent?'],
      [editor.memberId, 'Yes, and May too']
    ]);
    expect(threads[0]!.resolved?.by).toBe(editor.memberId);
  });
});

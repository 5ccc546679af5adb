/**
 * Issue 22: viewers read comments; whether they may write them is a workspace setting (off
 * unless an admin turns it on). The attacker is a viewer with the STOCK y-websocket client
 * making raw Yjs changes, and raw sockets sending hand-written updates: with the setting on,
 * only comment writes that viewer may make are applied; anything else refuses the whole update
 * (4422), applies nothing, and the server keeps serving everyone.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createTask, createThread, readThreads, readSettings, replyToThread, resolveThread } from '../../src/lib/shared/model/index.ts';
import { getRoot } from '../../src/lib/shared/model/doc.ts';
import { CloseCode } from '../../src/lib/shared/protocol.ts';
import { VIEWER_COMMENTS_OFF } from '../../server/relay/admission.ts';
import { writeSyncStep1Frame } from '../../server/relay/messages.ts';
import { api } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { craftUpdate } from './craft.ts';
import { Arena } from './fixture.ts';

const DOC = 'rent-proposal';
let arena: Arena;
beforeEach(async () => {
  arena = await new Arena().start();
  // Ana (admin) writes the text and opens a thread on it.
  const ana = await arena.member(DOC, arena.ws.admin.token);
  ana.doc.transact(() => getRoot(ana.doc).insert(0, 'Rent is due on Friday'));
  createThread(ana.doc, { id: 'th', quote: 'Friday', text: 'Or Saturday?' }, { memberId: arena.ws.admin.memberId });
  await waitFor(() => arena.read(DOC, (d) => readThreads(d).value.length === 1), { message: 'the thread to reach the relay' });
});
afterEach(async () => {
  await arena.stop();
});

const settingsPath = () => `/api/workspaces/${arena.ws.workspaceId}/settings`;
const setViewersMayComment = async (on: boolean) => {
  const r = await api(arena.server.httpUrl, 'PATCH', settingsPath(), { token: arena.ws.admin.token, body: { viewersMayComment: on } });
  expect(r.status).toBe(200);
  await waitFor(() => arena.read('index', (d) => readSettings(d).value.viewersMayComment === on), { message: `the setting to be ${on}` });
};
const refusedWith = (c: { closes: { code: number; reason: string }[] }, code: number) =>
  waitFor(() => c.closes.find((e) => e.code === code), { message: `a ${code} refusal` });
/** The relay's copy of the document, encoded: equal before and after means nothing was applied. */
const relayState = () => arena.read(DOC, (d) => Buffer.from(Y.encodeStateAsUpdate(d)).toString('base64'));

describe('the setting (PATCH /settings viewersMayComment)', () => {
  it('only admins change it; it is off until they do; bad values are refused', async () => {
    const { admin, editor, viewer } = arena.ws;
    expect(await arena.read('index', (d) => readSettings(d).value.viewersMayComment)).toBe(false);
    for (const token of [editor.token, viewer.token]) {
      expect((await api(arena.server.httpUrl, 'PATCH', settingsPath(), { token, body: { viewersMayComment: true } })).status).toBe(403);
    }
    expect((await api(arena.server.httpUrl, 'PATCH', settingsPath(), { body: { viewersMayComment: true } })).status).toBe(401);
    const bad = await api(arena.server.httpUrl, 'PATCH', settingsPath(), { token: admin.token, body: { viewersMayComment: 'yes' } });
    expect(bad.status).toBe(400);
    expect(await arena.read('index', (d) => readSettings(d).value.viewersMayComment)).toBe(false);
    await setViewersMayComment(true);
    // The index's settings stay the server's: nobody writes them by hand.
    const forger = await arena.member('index', admin.token);
    forger.doc.getMap('settings').set('viewersMayComment', false);
    await refusedWith(forger, CloseCode.changeRefused);
    expect(await arena.read('index', (d) => readSettings(d).value.viewersMayComment)).toBe(true);
  });
});

describe('with the setting off (the default)', () => {
  it('every viewer comment is refused and nothing is applied; their text changes are dropped as before', async () => {
    const { viewer } = arena.ws;
    const before = await relayState();
    const cleo = await arena.member(DOC, viewer.token);
    replyToThread(cleo.doc, 'th', 'Saturday is better', { memberId: viewer.memberId });
    const refusal = await refusedWith(cleo, CloseCode.changeRefused);
    expect(refusal.reason).toBe(VIEWER_COMMENTS_OFF);
    const starter = await arena.member(DOC, viewer.token);
    createThread(starter.doc, { id: 'new', quote: 'Rent', text: 'How much?', quoteOnly: true }, { memberId: viewer.memberId });
    await refusedWith(starter, CloseCode.changeRefused);
    // Not a comment: dropped without a word, as always (a viewer's device may hold text the
    // relay lost). The relay answers a sync step 1 only once what came before it is settled.
    const raw = await arena.socket(DOC, viewer.token);
    const greeted = raw.frames.length;
    await arena.send(raw, craftUpdate([{ client: 4242, clock: 0, structs: [{ parent: { root: 'root' }, content: { kind: 'string', text: 'Cancelled. ' } }] }]));
    raw.ws.send(writeSyncStep1Frame(new Y.Doc()));
    await waitFor(() => raw.frames.slice(greeted).some((f) => f[0] === 0 && f[1] === 1), { message: 'the relay to answer (sync step 2) after the dropped update' });
    expect(raw.ws.readyState).toBe(raw.ws.OPEN);
    expect(await relayState()).toBe(before);
    expect(await arena.healthy()).toBe(true);
  });
});

describe('with the setting on', () => {
  beforeEach(() => setViewersMayComment(true));

  it('a viewer starts a thread and replies; the editor sees both live', async () => {
    const { editor, viewer } = arena.ws;
    const ben = await arena.member(DOC, editor.token);
    const cleo = await arena.member(DOC, viewer.token);
    createThread(cleo.doc, { id: 'cleo', quote: 'Rent', text: 'How much is it?', quoteOnly: true }, { memberId: viewer.memberId });
    replyToThread(cleo.doc, 'th', 'Saturday is better', { memberId: viewer.memberId });
    await waitFor(() => readThreads(ben.doc).value.length === 2 && readThreads(ben.doc).value.find((t) => t.id === 'th')!.messages.length === 2, { message: 'the viewer’s comments to reach the editor' });
    expect(readThreads(ben.doc).value.find((t) => t.id === 'cleo')).toMatchObject({ createdBy: viewer.memberId, quoteOnly: true, quote: 'Rent' });
    expect(cleo.closes).toEqual([]);
  });

  it('refuses, whole, every update of a viewer that does more than comment; nothing applied, the server keeps serving', async () => {
    const { admin, viewer } = arena.ws;
    const thread = (d: Y.Doc) => d.getMap('comments').get('th') as Y.Map<unknown>;
    const anaMessage = (await arena.read(DOC, (d) => readThreads(d).value[0]!.messages[0]!.id))!;
    const attacks: [string, (d: Y.Doc) => void][] = [
      ['writes the text', (d) => getRoot(d).insert(0, 'Rent is cancelled. ')],
      ['deletes words', (d) => getRoot(d).delete(0, 5)],
      ['rewrites another member’s comment', (d) => ((thread(d).get('messages') as Y.Map<unknown>).get(admin.memberId) as Y.Map<unknown>).set(anaMessage, { text: 'I give up', at: 1 })],
      ['replies in another member’s name', (d) => replyToThread(d, 'th', 'Yes', { memberId: admin.memberId })],
      ['forges a thread by someone else', (d) => createThread(d, { id: 'forged', quote: 'Rent', text: 'Cancel it', quoteOnly: true }, { memberId: admin.memberId })],
      ['writes a block', (d) => createTask(d, { id: 't', title: 'Pay me' }, { memberId: viewer.memberId })],
      ['writes the server root', (d) => d.getMap('server').set('totals:x', { v: 1 })],
      ['resolves a thread', (d) => resolveThread(d, 'th', { memberId: viewer.memberId })],
      ['removes a thread', (d) => d.getMap('comments').delete('th')],
      [
        'hides text changes inside a comment',
        (d) =>
          d.transact(() => {
            replyToThread(d, 'th', 'Agreed', { memberId: viewer.memberId });
            getRoot(d).insert(0, 'X');
          })
      ]
    ];
    const before = await relayState();
    for (const [what, attack] of attacks) {
      const mallory = await arena.member(DOC, viewer.token);
      attack(mallory.doc);
      const refusal = await refusedWith(mallory, CloseCode.changeRefused);
      expect(refusal.reason, what).not.toBe('');
      expect(await relayState(), what).toBe(before);
    }
    // A hand-written update (no Y.Doc at all) putting words into the text's root.
    const raw = await arena.socket(DOC, viewer.token);
    await arena.send(raw, craftUpdate([{ client: 4242, clock: 0, structs: [{ parent: { root: 'root' }, content: { kind: 'string', text: 'pwned' } }] }]));
    expect(await arena.closeCode(raw)).toBe(CloseCode.changeRefused);
    expect(await relayState()).toBe(before);
    expect(await arena.healthy()).toBe(true);
    await arena.honestEditsFlow(DOC);
  });

  it('turned off while a viewer is connected: their next comment is refused with the reason', async () => {
    const { viewer } = arena.ws;
    const cleo = await arena.member(DOC, viewer.token);
    replyToThread(cleo.doc, 'th', 'First, while allowed', { memberId: viewer.memberId });
    await waitFor(() => arena.read(DOC, (d) => readThreads(d).value[0]!.messages.length === 2), { message: 'the first reply to land' });
    await setViewersMayComment(false);
    replyToThread(cleo.doc, 'th', 'Second, after it was turned off', { memberId: viewer.memberId });
    const refusal = await refusedWith(cleo, CloseCode.changeRefused);
    expect(refusal.reason).toBe(VIEWER_COMMENTS_OFF);
    const texts = await arena.read(DOC, (d) => readThreads(d).value[0]!.messages.map((m) => m.text));
    expect(texts).toEqual(['Or Saturday?', 'First, while allowed']);
  });
});

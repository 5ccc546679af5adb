/**
 * Issue 26: concurrent claims are decided by their server-time stamps (the earlier claim holds),
 * so a stamp is hostile input. A member running a modified client tries to win a task another
 * member already holds by back-dating a claim, or to stamp entries far in the future (which
 * would push every later honest stamp after it). The relay refuses both (4422) through the
 * model's authority rules; an honest claim made offline, before the other, still wins.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { claimTask, createTask, lostClaimOf, readTask } from '../../src/lib/shared/model/index.ts';
import { STAMP_FUTURE_TOLERANCE_MS } from '../../src/lib/shared/model/authority.ts';
import { CloseCode } from '../../src/lib/shared/protocol.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { Arena } from './fixture.ts';

let arena: Arena;
beforeEach(async () => {
  arena = await new Arena().start();
});
afterEach(async () => {
  await arena.stop();
});

const events = (d: Y.Doc, id: string) => (d.getMap('blocks').get(id) as Y.Map<unknown>).get('events') as Y.Array<unknown>;
const refusedWith = (c: { closes: { code: number }[] }, code: number) => waitFor(() => c.closes.some((e) => e.code === code), { message: `a ${code} refusal` });

describe('claim stamps against a modified client', () => {
  it('a claim back-dated after seeing another member’s claim is refused; the earlier claim holds everywhere and after a restart', async () => {
    const { admin, editor } = arena.ws;
    const ana = await arena.member('tasks', admin.token);
    createTask(ana.doc, { id: 't', title: 'Pharmacy run' }, { memberId: admin.memberId });
    claimTask(ana.doc, 't', { memberId: admin.memberId, serverAt: Date.now() });
    const ben = await arena.member('tasks', editor.token);
    await waitFor(() => readTask(ben.doc, 't').value?.claimant === admin.memberId, { message: 'Ana’s claim to reach Ben' });

    // Ben's client appends his own claim after Ana's, stamped an hour before hers.
    const hers = (events(ben.doc, 't').get(0) as { serverAt: number }).serverAt;
    events(ben.doc, 't').push([{ type: 'claim', member: editor.memberId, at: hers - 3_600_000, serverAt: hers - 3_600_000 }]);
    await refusedWith(ben, CloseCode.changeRefused);
    expect(ben.closes.find((c) => c.code === CloseCode.changeRefused)?.reason).toContain('stamped earlier');

    const onRelay = () => arena.read('tasks', (d) => ({ claimant: readTask(d, 't').value!.claimant, entries: events(d, 't').length }));
    expect(await onRelay()).toEqual({ claimant: admin.memberId, entries: 1 });
    // Ana, and anyone else, still sees her claim, with nothing of Ben's.
    expect(readTask(ana.doc, 't').value!.claimant).toBe(admin.memberId);
    const cal = await arena.member('tasks', editor.token);
    expect(readTask(cal.doc, 't').value!.claimant).toBe(admin.memberId);
    await arena.restart();
    expect(await onRelay()).toEqual({ claimant: admin.memberId, entries: 1 });
  });

  it('a stamp far in the future is refused; one within the tolerance is not', async () => {
    const { admin, editor } = arena.ws;
    const ana = await arena.member('tasks', admin.token);
    createTask(ana.doc, { id: 't', title: 'Pharmacy run' }, { memberId: admin.memberId });
    createTask(ana.doc, { id: 'u', title: 'Phone tree' }, { memberId: admin.memberId });
    const ben = await arena.member('tasks', editor.token);
    await waitFor(() => readTask(ben.doc, 'u').value, { message: 'the tasks to reach Ben' });
    events(ben.doc, 'u').push([{ type: 'claim', member: editor.memberId, at: Date.now(), serverAt: Date.now() + STAMP_FUTURE_TOLERANCE_MS / 2 }]);
    await waitFor(() => arena.read('tasks', (d) => readTask(d, 'u').value?.claimant === editor.memberId), { message: 'the claim within the tolerance to be admitted' });
    events(ben.doc, 't').push([{ type: 'claim', member: editor.memberId, at: Date.now(), serverAt: Date.now() + 24 * 3_600_000 }]);
    await refusedWith(ben, CloseCode.changeRefused);
    expect(await arena.read('tasks', (d) => readTask(d, 't').value!.status)).toBe('open');
  });

  it('an honest claim made offline before another member’s is admitted and holds; the other member is told with both times', async () => {
    const { admin, editor } = arena.ws;
    const ana = await arena.member('tasks', admin.token);
    createTask(ana.doc, { id: 't', title: 'Pharmacy run' }, { memberId: admin.memberId });
    const ben = await arena.member('tasks', editor.token);
    await waitFor(() => readTask(ben.doc, 't').value, { message: 'the task to reach Ben' });
    ben.destroy(); // Ben goes offline, and claims
    const offline = new Y.Doc();
    Y.applyUpdate(offline, Y.encodeStateAsUpdate(ben.doc));
    const t0 = Date.now();
    claimTask(offline, 't', { memberId: editor.memberId, serverAt: t0 - 5_000 });
    claimTask(ana.doc, 't', { memberId: admin.memberId, serverAt: t0 });
    await waitFor(() => arena.read('tasks', (d) => readTask(d, 't').value?.claimant === admin.memberId), { message: 'Ana’s claim on the relay' });
    const back = await arena.member('tasks', editor.token, offline); // back online
    await waitFor(() => readTask(ana.doc, 't').value?.claimant === editor.memberId, { message: 'Ben’s earlier claim to hold on Ana’s copy' });
    expect(readTask(back.doc, 't').value!.claimant).toBe(editor.memberId);
    expect(back.closes).toEqual([]);
    expect(lostClaimOf(readTask(ana.doc, 't').value!.history, admin.memberId)).toEqual({ winner: editor.memberId, winnerAt: t0 - 5_000, ownAt: t0, byTime: true });
  });
});

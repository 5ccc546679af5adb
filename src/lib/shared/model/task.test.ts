import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  claimHistory,
  claimLostTo,
  lostClaimOf,
  describeLostClaim,
  claimTask,
  createTask,
  currentClaim,
  getBlockMap,
  joinAsCoLead,
  leaveCoLead,
  markTaskDone,
  readTask,
  reassignTask,
  releaseTask,
  releaseTasks,
  reopenTask,
  type Actor
} from './index';
import { replica, sync, errorCode } from './test-support';

const act = (memberId: string, at = 1000): Actor => ({ memberId, at });

describe('claims', () => {
  it('claim, release, claim by another, done', () => {
    const doc = new Y.Doc();
    const id = createTask(doc, { title: 'Pick up bread', due: '2025-03-01' }, act('ana'));
    expect(currentClaim(doc, id).value).toMatchObject({ status: 'open', claimant: null });
    claimTask(doc, id, act('ana'));
    expect(currentClaim(doc, id).value).toMatchObject({ status: 'claimed', claimant: 'ana' });
    expect(errorCode(() => claimTask(doc, id, act('ben')))).toBe('already-claimed');
    expect(errorCode(() => releaseTask(doc, id, act('ben')))).toBe('not-claimant');
    releaseTask(doc, id, act('ana'), 'too much this week');
    claimTask(doc, id, act('ben'));
    markTaskDone(doc, id, act('ben', 2000));
    expect(currentClaim(doc, id).value).toMatchObject({ status: 'done', claimant: 'ben', doneBy: 'ben', doneAt: 2000 });
    expect(errorCode(() => claimTask(doc, id, act('cal')))).toBe('already-done');
    expect(errorCode(() => markTaskDone(doc, id, act('cal')))).toBe('already-done');
    reopenTask(doc, id, act('cal'));
    expect(currentClaim(doc, id).value).toMatchObject({ status: 'open', claimant: null, doneBy: null });
    expect(claimHistory(doc, id).value.map((h) => [h.event.type, h.effect])).toEqual([
      ['claim', 'applied'],
      ['release', 'applied'],
      ['claim', 'applied'],
      ['done', 'applied'],
      ['reopen', 'applied']
    ]);
  });

  it('two concurrent claims: the one made earlier holds it everywhere, whatever the client ids; the loser sees who and when', () => {
    for (const [ca, cb] of [
      [10, 20],
      [20, 10]
    ]) {
      const a = replica(ca);
      const b = replica(cb);
      const id = createTask(a, { id: 't1', title: 'Drive to the depot' }, act('ana'));
      sync(a, b);
      claimTask(a, id, { memberId: 'ana', at: 5000, serverAt: 5000 }); // ana claims later…
      claimTask(b, id, { memberId: 'ben', at: 1000, serverAt: 1000 }); // …than ben, neither having seen the other
      sync(a, b);
      const ca1 = currentClaim(a, id).value!;
      expect(ca1).toEqual(currentClaim(b, id).value);
      expect(ca1.claimant).toBe('ben');
      const history = claimHistory(b, id).value;
      expect(history.map((h) => [h.event.type, h.effect])).toEqual([
        ['claim', 'applied'],
        ['claim', 'lost']
      ]);
      expect(history[1]).toMatchObject({ lostTo: 'ben', note: 'ben claimed it first.' });
      expect(claimLostTo(history, 'ana')).toBe('ben');
      expect(lostClaimOf(history, 'ana')).toEqual({ winner: 'ben', winnerAt: 1000, ownAt: 5000, byTime: true });
      expect(claimLostTo(history, 'ben')).toBeNull();
    }
  });

  it('issue 26: a claim from a stale copy three seconds after another never takes it, whichever client id is lower', () => {
    for (const [ca, cb] of [
      [10, 20],
      [20, 10]
    ]) {
      const ana = replica(ca);
      const ben = replica(cb);
      createTask(ana, { id: 't', title: 'Deliver groceries' }, act('ana'));
      sync(ana, ben);
      claimTask(ana, 't', { memberId: 'ana', serverAt: 100_000 });
      // Ben's board still offers it: his copy has not received Ana's claim.
      claimTask(ben, 't', { memberId: 'ben', serverAt: 103_000 });
      sync(ana, ben);
      for (const d of [ana, ben]) expect(currentClaim(d, 't').value?.claimant).toBe('ana');
      expect(lostClaimOf(claimHistory(ben, 't').value, 'ben')).toEqual({ winner: 'ana', winnerAt: 100_000, ownAt: 103_000, byTime: true });
    }
  });

  it('a claim made after seeing another never beats it, however early its stamp (a back-dated stamp)', () => {
    const ana = replica(20);
    const mallory = replica(10);
    createTask(ana, { id: 't', title: 'x' }, act('ana'));
    claimTask(ana, 't', { memberId: 'ana', serverAt: 50_000 });
    sync(ana, mallory);
    // Mallory's modified client appends a claim stamped an hour earlier, after seeing Ana's.
    const events = getBlockMap(mallory, 't')!.get('events') as Y.Array<unknown>;
    events.push([{ type: 'claim', member: 'mallory', at: 1, serverAt: 50_000 - 3_600_000 }]);
    sync(ana, mallory);
    for (const d of [ana, mallory]) expect(currentClaim(d, 't').value?.claimant).toBe('ana');
  });

  it('logs written before issue 26 (no stamps) keep their array order', () => {
    for (const [ca, cb] of [
      [10, 20],
      [20, 10]
    ]) {
      const a = replica(ca);
      const b = replica(cb);
      createTask(a, { id: 't', title: 'x' }, act('ana'));
      sync(a, b);
      const push = (d: Y.Doc, e: object) => (getBlockMap(d, 't')!.get('events') as Y.Array<unknown>).push([e]);
      push(a, { type: 'claim', member: 'ana', at: 9000 });
      push(b, { type: 'claim', member: 'ben', at: 1000 });
      sync(a, b);
      const order = (getBlockMap(a, 't')!.get('events') as Y.Array<{ member: string }>).toArray().map((e) => e.member);
      expect(currentClaim(a, 't').value?.claimant).toBe(order[0]);
      expect(currentClaim(b, 't').value?.claimant).toBe(order[0]);
      expect(lostClaimOf(claimHistory(a, 't').value, order[1])).toMatchObject({ winner: order[0], byTime: false });
    }
  });

  it('a stamped claim comes before an unstamped one it had not seen (an app not yet updated)', () => {
    for (const [ca, cb] of [
      [10, 20],
      [20, 10]
    ]) {
      const a = replica(ca);
      const b = replica(cb);
      createTask(a, { id: 't', title: 'x' }, act('ana'));
      sync(a, b);
      (getBlockMap(a, 't')!.get('events') as Y.Array<unknown>).push([{ type: 'claim', member: 'ana', at: 1000 }]);
      claimTask(b, 't', { memberId: 'ben', serverAt: 9000 });
      sync(a, b);
      expect(currentClaim(a, 't').value?.claimant).toBe('ben');
      expect(currentClaim(b, 't').value?.claimant).toBe('ben');
    }
  });

  it('a device whose clock is behind stamps after the latest stamp it holds', () => {
    const doc = replica(1);
    createTask(doc, { id: 't', title: 'x' }, act('ana'));
    claimTask(doc, 't', { memberId: 'ana', serverAt: 10_000 });
    releaseTask(doc, 't', { memberId: 'ana', serverAt: 5_000 }); // a clock that jumped back
    const [claim, release] = (getBlockMap(doc, 't')!.get('events') as Y.Array<{ serverAt: number }>).toArray();
    expect(claim.serverAt).toBe(10_000);
    expect(release.serverAt).toBe(10_001);
    expect(currentClaim(doc, 't').value?.status).toBe('open');
  });

  it('a claim and release made offline, concurrent with another claim, pass the task on; a release that saw it does not', () => {
    for (const [ca, cb] of [
      [10, 20],
      [20, 10]
    ]) {
      const ana = replica(ca);
      const ben = replica(cb);
      createTask(ana, { id: 't', title: 'x' }, act('ana'));
      sync(ana, ben);
      claimTask(ben, 't', { memberId: 'ben', serverAt: 1000 }); // offline: claims, then changes his mind
      releaseTask(ben, 't', { memberId: 'ben', serverAt: 3000 });
      claimTask(ana, 't', { memberId: 'ana', serverAt: 2000 }); // while Ben held it, unknown to her
      sync(ana, ben);
      for (const d of [ana, ben]) expect(currentClaim(d, 't').value).toMatchObject({ status: 'claimed', claimant: 'ana' });
      expect(claimLostTo(claimHistory(ana, 't').value, 'ana')).toBeNull();
    }
    const ana = replica(1);
    const ben = replica(2);
    createTask(ana, { id: 't', title: 'x' }, act('ana'));
    sync(ana, ben);
    claimTask(ben, 't', { memberId: 'ben', serverAt: 1000 });
    claimTask(ana, 't', { memberId: 'ana', serverAt: 2000 });
    sync(ana, ben);
    expect(currentClaim(ana, 't').value?.claimant).toBe('ben');
    releaseTask(ben, 't', { memberId: 'ben', serverAt: 60_000 }); // days later, knowing Ana lost
    sync(ana, ben);
    expect(currentClaim(ana, 't').value?.status).toBe('open');
  });

  it('a stale release (of a claim already lost) cannot free the winner’s claim', () => {
    const a = replica(1);
    const b = replica(2);
    const id = createTask(a, { id: 't1', title: 'x' }, act('ana'));
    sync(a, b);
    claimTask(a, id, act('ana'));
    claimTask(b, id, act('ben'));
    releaseTask(b, id, act('ben')); // ben releases what he thinks is his claim
    sync(a, b);
    const claim = currentClaim(a, id).value!;
    expect(claim).toEqual(currentClaim(b, id).value);
    // Either order ends with ana: [ana, ben (lost), release (stale)] or [ben, release, ana].
    expect(claim.claimant).toBe('ana');
    for (const ca of [1, 2]) {
      const x = replica(ca);
      const y = replica(3 - ca);
      createTask(x, { id: 't2', title: 'x' }, act('ana'));
      sync(x, y);
      claimTask(x, 't2', act('ana'));
      claimTask(y, 't2', act('ben'));
      releaseTask(y, 't2', act('ben'));
      sync(x, y);
      expect(currentClaim(x, 't2').value?.claimant).toBe('ana');
    }
  });

  it('reassign hands the task over; a reassign from a claimant who lost it is stale', () => {
    const doc = new Y.Doc();
    const id = createTask(doc, { title: 'x' }, act('ana'));
    reassignTask(doc, id, 'cal', act('ana')); // assign while open
    expect(currentClaim(doc, id).value?.claimant).toBe('cal');
    reassignTask(doc, id, 'dee', act('cal'));
    expect(currentClaim(doc, id).value?.claimant).toBe('dee');

    const a = replica(1);
    const b = replica(2);
    createTask(a, { id: 't', title: 'x' }, act('ana'));
    claimTask(a, 't', act('ana'));
    sync(a, b);
    releaseTask(a, 't', act('ana'));
    reassignTask(b, 't', 'ben', act('eve')); // eve hands ana's claim to ben, concurrently with ana's release
    sync(a, b);
    expect(currentClaim(a, 't').value).toEqual(currentClaim(b, 't').value);
    const effects = claimHistory(a, 't').value.map((h) => h.effect);
    expect(effects[0]).toBe('applied');
    expect(effects.slice(1).sort()).toEqual(['applied', 'stale']);
  });

  it('co-lead: one place, a concurrent second taker loses; claiming promotes the co-lead', () => {
    const a = replica(1);
    const b = replica(2);
    const id = createTask(a, { id: 't', title: 'Run the stall', coLeadWanted: true, newcomerFriendly: true }, act('ana'));
    claimTask(a, id, act('ana'));
    sync(a, b);
    joinAsCoLead(a, id, act('cal'));
    joinAsCoLead(b, id, act('dee'));
    sync(a, b);
    const coLead = currentClaim(a, id).value!.coLead!;
    expect(currentClaim(b, id).value!.coLead).toBe(coLead);
    expect(claimHistory(a, id).value.filter((h) => h.effect === 'lost')).toHaveLength(1);
    expect(errorCode(() => joinAsCoLead(a, id, act('eve')))).toBe('co-lead-taken');
    releaseTask(a, id, act('ana'));
    claimTask(a, id, act(coLead));
    expect(currentClaim(a, id).value).toMatchObject({ claimant: coLead, coLead: null });
    joinAsCoLead(a, id, act('eve'));
    leaveCoLead(a, id, act('eve'));
    expect(currentClaim(a, id).value?.coLead).toBeNull();
    expect(readTask(a, id).value).toMatchObject({ coLeadWanted: true, newcomerFriendly: true });
  });

  it('scale back releases several claims at once, only the member’s own', () => {
    const doc = new Y.Doc();
    const t1 = createTask(doc, { title: 'a' }, act('ana'));
    const t2 = createTask(doc, { title: 'b' }, act('ana'));
    const t3 = createTask(doc, { title: 'c' }, act('ana'));
    claimTask(doc, t1, act('ana'));
    claimTask(doc, t2, act('ana'));
    claimTask(doc, t3, act('ben'));
    let transactions = 0;
    doc.on('afterTransaction', () => transactions++);
    expect(releaseTasks(doc, [t1, t2, t3], act('ana'), 'scaling back')).toEqual([t1, t2]);
    expect(transactions).toBe(1);
    expect(currentClaim(doc, t1).value?.status).toBe('open');
    expect(currentClaim(doc, t3).value?.claimant).toBe('ben');
  });

  it('malformed claim entries are skipped with a reason', () => {
    const doc = new Y.Doc();
    const id = createTask(doc, { title: 'x' }, act('ana'));
    const events = getBlockMap(doc, id)!.get('events') as Y.Array<unknown>;
    events.push([{ type: 'claim', at: 1 }, 'ana', { type: 'claim', member: 'ben', at: 2 }, { type: 'teleport', at: 3 }]);
    getBlockMap(doc, id)!.set('due', 'tomorrow');
    const read = readTask(doc, id);
    expect(read.value).toMatchObject({ claimant: 'ben', due: null });
    expect(read.issues.map((i) => i.reason)).toEqual([
      'claim entry has no member; skipped',
      'claim log entry is not an object; skipped',
      'unknown claim log entry "teleport"; skipped',
      'field "due" has the wrong type (string)'
    ]);
  });

  it('due dates are calendar dates', () => {
    expect(errorCode(() => createTask(new Y.Doc(), { title: 'x', due: '3 March' }, act('ana')))).toBe('invalid-input');
  });
});

describe('telling the member whose claim lost', () => {
  it('says who and when, in words that agree with the times shown', () => {
    const at = (h: number, m: number, s: number, ms = 0) => new Date(2025, 2, 1, h, m, s, ms).getTime();
    const words = describeLostClaim({ winner: 'ana', winnerAt: at(14, 2, 5, 900), ownAt: at(14, 2, 7, 100), byTime: true }, 'Ana', 'Deliver groceries');
    expect(words).toContain('Ana claimed “Deliver groceries” first, at ');
    expect(words).toContain('2 seconds before your claim at ');
    expect(words).toContain("so the earlier claim holds and the task is Ana's.");
    expect(describeLostClaim({ winner: 'ana', winnerAt: at(9, 0, 0), ownAt: at(9, 0, 1), byTime: true }, 'Ana')).toContain('Ana claimed it first, at ');
    expect(describeLostClaim({ winner: 'ana', winnerAt: at(9, 0, 0), ownAt: at(9, 0, 1), byTime: true }, 'Ana')).toContain('1 second before');
    expect(describeLostClaim({ winner: 'ana', winnerAt: at(9, 0, 0, 100), ownAt: at(9, 0, 0, 700), byTime: true }, 'Ana')).toContain('less than a second before');
    expect(describeLostClaim({ winner: 'ana', winnerAt: at(9, 0, 0), ownAt: at(11, 0, 0), byTime: true }, 'Ana')).toContain('2 hours before');
    expect(describeLostClaim({ winner: 'ana', winnerAt: 1, ownAt: 2, byTime: false }, 'Ana')).toContain('You both claimed it at about the same time');
  });
});

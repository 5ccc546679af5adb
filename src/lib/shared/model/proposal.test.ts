import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  MODEL_ORIGIN,
  ballotSigningPayload,
  prepareBallot,
  castBallot,
  closeProposal,
  createProposal,
  DEFAULT_QUORUM,
  extendDeadline,
  getBlockMap,
  newProposalInput,
  openProposal,
  proposalResult,
  readProposal,
  reopenProposal,
  setOutcomeStatement,
  tallyProposal,
  updateProposal,
  withdrawBallot,
  type Actor
} from './index';
import { replica, sync, errorCode } from './test-support';

const T0 = 1_700_000_000_000;
const act = (memberId: string, at = T0, origin?: unknown): Actor => (origin ? { memberId, at, origin } : { memberId, at });


function openConsent(doc = new Y.Doc(), extra: Partial<Parameters<typeof createProposal>[1]> = {}): { doc: Y.Doc; id: string } {
  const id = createProposal(doc, { id: 'p1', title: 'Buy a freezer', method: 'consent', ...extra }, act('ana'));
  openProposal(doc, id, {}, act('ana'));
  return { doc, id };
}

describe('proposal lifecycle', () => {
  it('draft → open → closed, ballots only while open', () => {
    const doc = new Y.Doc();
    const id = createProposal(doc, { title: 'Buy a freezer', method: 'majority' }, act('ana'));
    expect(readProposal(doc, id).value?.status).toBe('draft');
    expect(errorCode(() => castBallot(doc, id, { choice: 'yes' }, act('ana')))).toBe('not-open');
    openProposal(doc, id, { deadline: T0 + 1000 }, act('ana'));
    expect(readProposal(doc, id).value?.status).toBe('open');
    castBallot(doc, id, { choice: 'yes' }, act('ana'));
    const result = closeProposal(doc, id, { statement: 'We buy it.' }, act('ana', T0 + 2000));
    expect(result.passed).toBe(true);
    const view = readProposal(doc, id).value!;
    expect(view.status).toBe('closed');
    expect(view.statement).toBe('We buy it.');
    expect(view.outcome?.counted).toEqual({ ana: { choice: 'yes', castAt: T0 } });
    expect(errorCode(() => castBallot(doc, id, { choice: 'no' }, act('ben')))).toBe('not-open');
    expect(errorCode(() => closeProposal(doc, id, {}, act('ana')))).toBe('not-open');
  });

  it('settings change only in draft; the title any time', () => {
    const { doc, id } = openConsent();
    expect(errorCode(() => updateProposal(doc, id, { method: 'majority' }, act('ana')))).toBe('not-draft');
    updateProposal(doc, id, { title: 'Buy two freezers' }, act('ana'));
    expect(readProposal(doc, id).value?.title).toBe('Buy two freezers');
  });

  it('every mutation is one transaction with the model origin (or the caller’s)', () => {
    const doc = new Y.Doc();
    const origins: unknown[] = [];
    doc.on('afterTransaction', (tr: Y.Transaction) => origins.push(tr.origin));
    const id = createProposal(doc, { title: 'x', method: 'consent' }, act('ana'));
    openProposal(doc, id, { deadline: T0 + 10 }, act('ana', T0, 'relay'));
    castBallot(doc, id, { choice: 'consent' }, act('ana'));
    expect(origins).toEqual([MODEL_ORIGIN, 'relay', MODEL_ORIGIN]);
  });

  it('a refused mutation writes nothing', () => {
    const { doc, id } = openConsent();
    const before = Y.encodeStateVector(doc);
    expect(errorCode(() => castBallot(doc, id, { choice: 'object' }, act('ben')))).toBe('reason-required');
    expect(Y.encodeStateVector(doc)).toEqual(before);
  });

  it('reopen and extend need a recorded reason', () => {
    const { doc, id } = openConsent();
    expect(errorCode(() => extendDeadline(doc, id, { deadline: T0 + 5, reason: ' ' }, act('ana')))).toBe('reason-required');
    extendDeadline(doc, id, { deadline: T0 + 5, reason: 'more time' }, act('ana'));
    expect(readProposal(doc, id).value?.deadline).toBe(T0 + 5);
    closeProposal(doc, id, {}, act('ana'));
    expect(errorCode(() => reopenProposal(doc, id, { reason: '' }, act('ana')))).toBe('reason-required');
    reopenProposal(doc, id, { reason: 'new information' }, act('ana'));
    const v = readProposal(doc, id).value!;
    expect(v.status).toBe('open');
    expect(v.outcome).toBeNull();
    expect(v.lifecycle.map((e) => e.event.type)).toEqual(['open', 'extend', 'close', 'reopen']);
  });
});

describe('ballots', () => {
  it('a block or objection needs a reason; unknown choices are refused', () => {
    const { doc, id } = openConsent();
    expect(errorCode(() => castBallot(doc, id, { choice: 'object' }, act('ben')))).toBe('reason-required');
    expect(errorCode(() => castBallot(doc, id, { choice: 'object', reason: '  ' }, act('ben')))).toBe('reason-required');
    expect(errorCode(() => castBallot(doc, id, { choice: 'maybe' }, act('ben')))).toBe('unknown-choice');
    castBallot(doc, id, { choice: 'object', reason: 'Too expensive' }, act('ben'));
    expect(proposalResult(doc, id).value?.passed).toBe(false);
  });

  it('a changed ballot replaces the member’s earlier one', () => {
    const { doc, id } = openConsent();
    castBallot(doc, id, { choice: 'object', reason: 'no' }, act('ben'));
    castBallot(doc, id, { choice: 'consent' }, act('ben', T0 + 1));
    const tally = tallyProposal(doc, id).value!;
    expect(tally.ballots).toHaveLength(1);
    expect(tally.ballots[0].ballot?.choice).toBe('consent');
    expect(tally.result?.passed).toBe(true);
  });

  it('withdrawing a ballot removes it', () => {
    const { doc, id } = openConsent();
    castBallot(doc, id, { choice: 'object', reason: 'no' }, act('ben'));
    withdrawBallot(doc, id, act('ben'));
    expect(tallyProposal(doc, id).value?.ballots).toEqual([]);
  });

  it('concurrent ballots of different members never lose each other', () => {
    const a = replica(1);
    const b = replica(2);
    openConsent(a);
    sync(a, b);
    castBallot(a, 'p1', { choice: 'consent' }, act('ana'));
    castBallot(b, 'p1', { choice: 'concern', reason: 'noise' }, act('ben'));
    sync(a, b);
    for (const d of [a, b]) expect(tallyProposal(d, 'p1').value?.result?.counts).toEqual({ consent: 1, concern: 1, object: 0 });
  });

  it('a ballot after the deadline is refused on the device', () => {
    const { doc, id } = openConsent(new Y.Doc(), { deadline: T0 + 10 });
    expect(errorCode(() => castBallot(doc, id, { choice: 'consent' }, act('ben', T0 + 11)))).toBe('deadline-passed');
  });

  it('a ballot stamped after the deadline (a skewed clock) does not count', () => {
    const { doc, id } = openConsent(new Y.Doc(), { deadline: T0 + 10 });
    const ballots = getBlockMap(doc, id)!.get('ballots') as Y.Map<unknown>;
    ballots.set('eve', { choice: 'object', reason: 'x', castAt: T0 + 99 });
    const tally = tallyProposal(doc, id).value!;
    expect(tally.ballots[0].state).toBe('after-deadline');
    expect(tally.result?.passed).toBe(true);
  });

  it('the signing payload binds document, proposal and member and leaves out the signature', () => {
    const p = ballotSigningPayload('d1', 'p1', 'ana', { choice: 'consent', castAt: 5, signature: 'sig' });
    expect(p).toBe('{"ballot":{"castAt":5,"choice":"consent"},"docId":"d1","memberId":"ana","proposalId":"p1","v":1}');
  });

  it('a ballot the method refuses (written by hand into the document) is not counted, with its code for the reader\'s language', () => {
    const { doc, id } = openConsent();
    const ballots = (doc.getMap('blocks').get(id) as Y.Map<unknown>).get('ballots') as Y.Map<unknown>;
    ballots.set('ben', { choice: 'object', castAt: 2 });
    ballots.set('cy', { choice: 'maybe', castAt: 2 });
    const byMember = Object.fromEntries(tallyProposal(doc, id).value!.ballots.map((b) => [b.memberId, b]));
    expect(byMember.ben).toMatchObject({ state: 'invalid', why: 'reason-required', counted: null });
    expect(byMember.cy).toMatchObject({ state: 'invalid', why: 'unknown-choice', counted: null });
    expect(byMember.ben!.note).toMatch(/reason/i);
  });

  it('an acceptBallot check (signatures, issue 8) rejects ballots with a reason', () => {
    const { doc, id } = openConsent();
    castBallot(doc, id, { choice: 'object', reason: 'forged' }, act('mallory'));
    const accept = (m: string) => (m === 'mallory' ? 'signature does not verify' : (true as const));
    const t = tallyProposal(doc, id, { acceptBallot: accept }).value!;
    expect(t.ballots[0]).toMatchObject({ state: 'rejected', note: 'signature does not verify' });
    expect(t.result?.passed).toBe(true);
    const r = closeProposal(doc, id, { acceptBallot: accept }, act('ana'));
    expect(r.countedMembers).toEqual([]);
  });
});

describe('quorum', () => {
  it('a count quorum not met fails the proposal', () => {
    const { doc, id } = openConsent(new Y.Doc(), { quorum: { type: 'count', count: 3 } });
    castBallot(doc, id, { choice: 'consent' }, act('ana'));
    castBallot(doc, id, { choice: 'consent' }, act('ben'));
    let r = proposalResult(doc, id).value!;
    expect(r.passed).toBe(false);
    expect(r.quorum).toEqual({ required: 3, participating: 2, met: false });
    expect(r.explanation).toMatch(/Quorum not met \(2 of 3/);
    castBallot(doc, id, { choice: 'concern' }, act('cal'));
    r = proposalResult(doc, id).value!;
    expect(r.passed).toBe(true);
  });

  it('abstentions count towards the quorum, not the majority', () => {
    const doc = new Y.Doc();
    const id = createProposal(doc, { title: 'x', method: 'majority', quorum: { type: 'count', count: 3 } }, act('ana'));
    openProposal(doc, id, {}, act('ana'));
    castBallot(doc, id, { choice: 'yes' }, act('ana'));
    castBallot(doc, id, { choice: 'abstain' }, act('ben'));
    castBallot(doc, id, { choice: 'abstain' }, act('cal'));
    expect(proposalResult(doc, id).value?.passed).toBe(true);
  });

  it('a share quorum needs the member count; rounds up', () => {
    const { doc, id } = openConsent(new Y.Doc(), { quorum: { type: 'share', share: 0.5 } });
    castBallot(doc, id, { choice: 'consent' }, act('ana'));
    castBallot(doc, id, { choice: 'consent' }, act('ben'));
    expect(proposalResult(doc, id).value?.quorum).toEqual({ required: null, participating: 2, met: false });
    expect(proposalResult(doc, id, { memberCount: 5 }).value?.quorum.required).toBe(3);
    expect(errorCode(() => closeProposal(doc, id, {}, act('ana')))).toBe('member-count-required');
    const r = closeProposal(doc, id, { memberCount: 4 }, act('ana'));
    expect(r.passed).toBe(true);
    expect(readProposal(doc, id).value?.outcome).toMatchObject({ quorumRequired: 2, memberCount: 4 });
  });

  it('a proposal people create needs half the voting members: nobody voting never passes it (issue 16)', () => {
    const doc = new Y.Doc();
    expect(DEFAULT_QUORUM).toEqual({ type: 'share', share: 0.5 });
    const id = createProposal(doc, { ...newProposalInput('Buy a freezer'), id: 'p1' }, act('ana'));
    expect(readProposal(doc, id).value).toMatchObject({ method: 'consent', quorum: { type: 'share', share: 0.5 } });
    // The default is a copy: changing one proposal's quorum never changes the next one's.
    updateProposal(doc, id, { quorum: { type: 'share', share: 0.75 } }, act('ana'));
    expect(newProposalInput('Next').quorum).toEqual({ type: 'share', share: 0.5 });
    updateProposal(doc, id, { quorum: { type: 'share', share: 0.5 } }, act('ana'));
    openProposal(doc, id, {}, act('ana'));
    const open = proposalResult(doc, id, { memberCount: 3 }).value!;
    expect(open).toMatchObject({ passed: false, quorum: { required: 2, participating: 0, met: false } });
    expect(open.explanation).toBe('Quorum not met: nobody voted (2 ballots needed).');
    const closed = closeProposal(doc, id, { memberCount: 1 }, act('ana'));
    expect(closed.passed).toBe(false);
    expect(readProposal(doc, id).value?.outcome).toMatchObject({ passed: false, quorumRequired: 1, explanation: 'Quorum not met: nobody voted (1 ballot needed).' });
  });

  it('without a quorum nobody voting still passes consent, and says that nobody voted', () => {
    const { doc, id } = openConsent(new Y.Doc(), { quorum: null });
    const r = closeProposal(doc, id, {}, act('ana'));
    expect(r).toMatchObject({ passed: true, explanation: 'Nobody voted. No objections.' });
  });

  it('createProposal records no quorum unless given one (copies and imports keep theirs)', () => {
    const doc = new Y.Doc();
    const id = createProposal(doc, { title: 'x', method: 'majority' }, act('ana'));
    expect(readProposal(doc, id).value?.quorum).toBeNull();
  });
});

describe('close races and late ballots', () => {
  it('a ballot cast offline before close but arriving after is shown late and not counted', () => {
    const a = replica(1);
    const b = replica(2);
    openConsent(a, { deadline: T0 + 100 });
    sync(a, b);
    castBallot(b, 'p1', { choice: 'object', reason: 'unsafe' }, act('ben', T0 + 10)); // offline
    closeProposal(a, 'p1', {}, act('ana', T0 + 100));
    sync(a, b);
    for (const d of [a, b]) {
      const t = tallyProposal(d, 'p1').value!;
      expect(t.status).toBe('closed');
      expect(t.result).toMatchObject({ passed: true, final: true, countedMembers: [] });
      expect(t.ballots).toEqual([
        expect.objectContaining({ memberId: 'ben', state: 'late', note: 'Cast before the proposal closed but arrived after; not counted.', why: 'arrived-late' })
      ]);
    }
  });

  it('concurrent closes: the first in the log wins on every replica, the other is superseded', () => {
    for (const [ca, cb] of [
      [1, 2],
      [2, 1]
    ]) {
      const a = replica(ca);
      const b = replica(cb);
      openConsent(a);
      sync(a, b);
      castBallot(a, 'p1', { choice: 'consent' }, act('ana'));
      castBallot(b, 'p1', { choice: 'object', reason: 'no' }, act('ben'));
      const ra = closeProposal(a, 'p1', {}, act('ana')); // sees only ana: passes
      const rb = closeProposal(b, 'p1', {}, act('ben')); // sees only ben: fails
      expect(ra.passed).not.toBe(rb.passed);
      sync(a, b);
      const va = readProposal(a, 'p1').value!;
      const vb = readProposal(b, 'p1').value!;
      expect(va.outcome).toEqual(vb.outcome);
      expect(va.lifecycle.filter((e) => !e.applied)).toHaveLength(1);
      expect(proposalResult(a, 'p1').value).toEqual(proposalResult(b, 'p1').value);
      // The winning close's counted set decides; the other device's ballot is late.
      const late = tallyProposal(a, 'p1').value!.ballots.filter((x) => x.state === 'late');
      expect(late).toHaveLength(1);
    }
  });

  it('a ballot changed concurrently with the close keeps the counted version', () => {
    const a = replica(1);
    const b = replica(2);
    openConsent(a);
    castBallot(a, 'p1', { choice: 'consent' }, act('ben'));
    sync(a, b);
    closeProposal(a, 'p1', {}, act('ana'));
    castBallot(b, 'p1', { choice: 'object', reason: 'changed my mind' }, act('ben', T0 + 5));
    sync(a, b);
    const t = tallyProposal(b, 'p1').value!;
    expect(t.result?.passed).toBe(true);
    expect(t.ballots[0]).toMatchObject({ state: 'changed-after-close', counted: { choice: 'consent' } });
  });

  it('the outcome is frozen: a tampered recorded result is flagged, not recomputed', () => {
    const { doc, id } = openConsent();
    castBallot(doc, id, { choice: 'object', reason: 'no' }, act('ben'));
    closeProposal(doc, id, {}, act('ana'));
    const log = getBlockMap(doc, id)!.get('lifecycle') as Y.Array<Record<string, unknown>>;
    const close = log.get(1) as { outcome: Record<string, unknown> };
    doc.transact(() => {
      log.delete(1, 1);
      log.push([{ ...close, outcome: { ...close.outcome, passed: true } }]);
    });
    const r = proposalResult(doc, id);
    expect(r.value?.passed).toBe(true);
    expect(r.issues.map((i) => i.reason)).toContain('the recorded outcome differs from what its counted ballots give; showing the recorded outcome');
  });

  it('the statement can be written after close', () => {
    const { doc, id } = openConsent();
    closeProposal(doc, id, {}, act('ana'));
    setOutcomeStatement(doc, id, 'Agreed without objection.', act('ana'));
    expect(readProposal(doc, id).value?.statement).toBe('Agreed without objection.');
  });
});

describe('options methods through the proposal', () => {
  it('score and ranked-choice proposals tally from ballots', () => {
    const doc = new Y.Doc();
    const options = [
      { id: 'a', label: 'Monday' },
      { id: 'b', label: 'Thursday' }
    ];
    const s = createProposal(doc, { title: 'Meeting day', method: 'score', options }, act('ana'));
    expect(errorCode(() => createProposal(doc, { title: 'x', method: 'score', options: [] }, act('ana')))).toBe('invalid-input');
    openProposal(doc, s, {}, act('ana'));
    castBallot(doc, s, { scores: { a: 2, b: 5 } }, act('ana'));
    castBallot(doc, s, { scores: { a: 4, b: 2 } }, act('ben'));
    expect(errorCode(() => castBallot(doc, s, { scores: { a: 9 } }, act('cal')))).toBe('invalid-input');
    expect(proposalResult(doc, s).value).toMatchObject({ winner: 'b', counts: { a: 6, b: 7 } });

    const r = createProposal(doc, { title: 'Meeting day', method: 'ranked-choice', options }, act('ana'));
    openProposal(doc, r, {}, act('ana'));
    castBallot(doc, r, { ranking: ['a', 'b'] }, act('ana'));
    expect(errorCode(() => castBallot(doc, r, { ranking: ['c'] }, act('ben')))).toBe('unknown-choice');
    expect(proposalResult(doc, r).value?.winner).toBe('a');
  });
});

describe('malformed peer data', () => {
  it('skips malformed ballots and lifecycle entries with a reason', () => {
    const { doc, id } = openConsent();
    const block = getBlockMap(doc, id)!;
    (block.get('ballots') as Y.Map<unknown>).set('eve', 'yes please');
    (block.get('ballots') as Y.Map<unknown>).set('fay', { choice: 'perhaps', castAt: T0 });
    (block.get('ballots') as Y.Map<unknown>).set('gus', { choice: 'object', castAt: T0 });
    (block.get('lifecycle') as Y.Array<unknown>).push([{ type: 'explode', by: 'eve', at: 1 }, 42]);
    const t = tallyProposal(doc, id);
    expect(t.value?.status).toBe('open');
    expect(t.value?.result?.passed).toBe(true);
    const reasons = t.issues.map((i) => i.reason).join('\n');
    expect(reasons).toMatch(/ballot of eve: ballot is not an object; skipped/);
    expect(reasons).toMatch(/ballot of fay: "perhaps" is not a choice/);
    expect(reasons).toMatch(/ballot of gus: .*needs a reason/);
    expect(reasons).toMatch(/unknown lifecycle entry "explode"/);
    expect(reasons).toMatch(/lifecycle entry is not an object/);
  });

  it('an unknown method or a missing block gives null with an issue, never a throw', () => {
    const { doc, id } = openConsent();
    getBlockMap(doc, id)!.set('method', 'quadratic');
    const t = tallyProposal(doc, id);
    expect(t.value?.result).toBeNull();
    expect(t.issues[0].reason).toMatch(/unknown decision method/);
    expect(tallyProposal(doc, 'nope').value).toBeNull();
    expect(errorCode(() => castBallot(doc, 'nope', { choice: 'consent' }, act('ana')))).toBe('not-found');
  });
});

describe('signing support', () => {
  it('prepareBallot gives exactly the stored ballot, so a signature over it matches', () => {
    const { doc, id } = openConsent();
    const at = T0 + 3;
    const prepared = ballotSigningPayload('d', id, 'ben', prepareBallot({ choice: 'concern', reason: ' noisy ' }, at));
    castBallot(doc, id, { choice: 'concern', reason: ' noisy ', signature: 'sig' }, act('ben', at));
    const stored = readProposal(doc, id).value!.ballots.get('ben')!;
    expect(stored.signature).toBe('sig');
    expect(ballotSigningPayload('d', id, 'ben', stored)).toBe(prepared);
  });
});

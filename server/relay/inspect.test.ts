import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addCatalogueEntry, castBallot, claimTask, closeProposal, createProposal, createTask, createThread, deleteComment, editComment, openProposal, readThreads, releaseTask, replyToThread, resolveThread } from '#shared/model/index';
import { heldBackPoison, zeroLengthStruct } from '../../tests/helpers/hostile-updates.ts';
import { replica } from '../../tests/helpers/replica.ts';
import { DEFAULT_INSPECT_LIMITS, inspectUpdate, type Verdict } from './inspect.ts';

const client = replica;

/** Inspect, and apply when admitted (as the relay does). */
function admit(relay: Y.Doc, update: Uint8Array, member: string): Verdict {
  const verdict = inspectUpdate(relay, update, member);
  if (verdict.kind === 'apply') Y.applyUpdate(relay, update);
  return verdict;
}

/** An update carrying only a delete set: `ranges` of `client`. */
function deleteOnly(clientId: number, ranges: [clock: number, len: number][]): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0); // no structs
  encoding.writeVarUint(e, 1); // one client in the delete set
  encoding.writeVarUint(e, clientId);
  encoding.writeVarUint(e, ranges.length);
  for (const [clock, len] of ranges) {
    encoding.writeVarUint(e, clock);
    encoding.writeVarUint(e, len);
  }
  return encoding.toUint8Array(e);
}

/** What a hostile member with a fresh replica of `relay` would send for `fn`. */
function attack(relay: Y.Doc, fn: (d: Y.Doc) => void, member = 'mallory'): Verdict {
  return inspectUpdate(relay, client(relay, 9).change(fn), member);
}

const ANA = 'ana';
const BEN = 'ben';

/** A relay document with an open proposal Ana created, and Ana's replica of it. */
function openProposalFixture() {
  const relay = new Y.Doc();
  const ana = client(relay, 1);
  const id = 'p1';
  expect(admit(relay, ana.change((d) => createProposal(d, { id, title: 'Rent fund', method: 'consent' }, { memberId: ANA })), ANA).kind).toBe('apply');
  expect(admit(relay, ana.change((d) => openProposal(d, id, {}, { memberId: ANA })), ANA).kind).toBe('apply');
  return { relay, ana, id };
}

describe('inspectUpdate: honest edits', () => {
  it('admits typing, a proposal, a ballot and a close by the members who make them', () => {
    const { relay, ana, id } = openProposalFixture();
    const ben = client(relay, 2);
    expect(admit(relay, ben.change((d) => d.getText('root').insert(0, 'Agenda')), BEN).kind).toBe('apply');
    expect(admit(relay, ben.change((d) => castBallot(d, id, { choice: 'consent' }, { memberId: BEN })), BEN).kind).toBe('apply');
    Y.applyUpdate(ana.doc, Y.encodeStateAsUpdate(relay));
    expect(admit(relay, ana.change((d) => castBallot(d, id, { choice: 'object', reason: 'too soon' }, { memberId: ANA })), ANA).kind).toBe('apply');
    expect(admit(relay, ana.change((d) => closeProposal(d, id, {}, { memberId: ANA })), ANA).kind).toBe('apply');
  });

  it('admits a member changing their own ballot, and re-sent content it already has', () => {
    const { relay, id } = openProposalFixture();
    const ben = client(relay, 2);
    admit(relay, ben.change((d) => castBallot(d, id, { choice: 'consent' }, { memberId: BEN })), BEN);
    expect(admit(relay, ben.change((d) => castBallot(d, id, { choice: 'concern', reason: 'away' }, { memberId: BEN })), BEN).kind).toBe('apply');
    expect(inspectUpdate(relay, Y.encodeStateAsUpdate(ben.doc), BEN).kind).toBe('apply');
  });

  it('admits claims and releases by the claimant', () => {
    const relay = new Y.Doc();
    const ana = client(relay, 1);
    admit(relay, ana.change((d) => createTask(d, { id: 't1', title: 'Food run' }, { memberId: ANA })), ANA);
    const ben = client(relay, 2);
    expect(admit(relay, ben.change((d) => claimTask(d, 't1', { memberId: BEN })), BEN).kind).toBe('apply');
  });

  it('admits deleting a draft proposal nobody acted on', () => {
    const relay = new Y.Doc();
    const ana = client(relay, 1);
    admit(relay, ana.change((d) => createProposal(d, { id: 'p', title: 'Draft', method: 'consent' }, { memberId: ANA })), ANA);
    const ben = client(relay, 2);
    expect(admit(relay, ben.change((d) => d.getMap('blocks').delete('p')), BEN).kind).toBe('apply');
  });
});

describe('inspectUpdate: per-member authority', () => {
  const forbidden = (v: Verdict) => {
    expect(v.kind).toBe('refuse');
    expect(v.kind === 'refuse' && v.code).toBe('forbidden');
  };

  it('refuses a ballot written under another member', () => {
    const { relay, id } = openProposalFixture();
    forbidden(attack(relay, (d) => castBallot(d, id, { choice: 'object', reason: 'x' }, { memberId: BEN })));
  });

  it('refuses deleting or replacing another member’s ballot', () => {
    const { relay, id } = openProposalFixture();
    const ben = client(relay, 2);
    admit(relay, ben.change((d) => castBallot(d, id, { choice: 'consent' }, { memberId: BEN })), BEN);
    const ballots = (d: Y.Doc) => (d.getMap('blocks').get(id) as Y.Map<unknown>).get('ballots') as Y.Map<unknown>;
    forbidden(attack(relay, (d) => ballots(d).delete(BEN)));
    forbidden(attack(relay, (d) => ballots(d).set(BEN, { choice: 'object' })));
    forbidden(attack(relay, (d) => (d.getMap('blocks').get(id) as Y.Map<unknown>).set('ballots', new Y.Map())));
  });

  it('refuses removing, reordering, forging or replacing a decision record', () => {
    const { relay, ana, id } = openProposalFixture();
    admit(relay, ana.change((d) => closeProposal(d, id, {}, { memberId: ANA })), ANA);
    const lifecycle = (d: Y.Doc) => (d.getMap('blocks').get(id) as Y.Map<unknown>).get('lifecycle') as Y.Array<unknown>;
    forbidden(attack(relay, (d) => lifecycle(d).delete(1, 1)));
    forbidden(attack(relay, (d) => lifecycle(d).insert(0, [{ type: 'open', by: 'mallory', at: 1 }])));
    forbidden(attack(relay, (d) => lifecycle(d).push([{ type: 'reopen', by: ANA, at: 1, reason: 'x' }])));
    forbidden(attack(relay, (d) => (d.getMap('blocks').get(id) as Y.Map<unknown>).set('lifecycle', new Y.Array())));
    forbidden(attack(relay, (d) => d.getMap('blocks').delete(id)));
    // Even the proposal's author cannot erase the record.
    forbidden(attack(relay, (d) => lifecycle(d).delete(0, 2), ANA));
    // Appending under one's own name is fine.
    expect(attack(relay, (d) => lifecycle(d).push([{ type: 'reopen', by: 'mallory', at: 1, reason: 'new facts' }])).kind).toBe('apply');
  });

  it('refuses a hand-made delete of only the block item (Yjs would delete its contents recursively)', () => {
    const { relay, id } = openProposalFixture();
    const block = relay.getMap('blocks').get(id) as Y.Map<unknown>;
    const item = block._item!;
    forbidden(inspectUpdate(relay, deleteOnly(item.id.client, [[item.id.clock, 1]]), 'mallory'));
  });

  it('refuses deleting another member’s claim', () => {
    const relay = new Y.Doc();
    const ana = client(relay, 1);
    admit(relay, ana.change((d) => createTask(d, { id: 't1', title: 'Food run' }, { memberId: ANA })), ANA);
    admit(relay, ana.change((d) => claimTask(d, 't1', { memberId: ANA })), ANA);
    const events = (d: Y.Doc) => (d.getMap('blocks').get('t1') as Y.Map<unknown>).get('events') as Y.Array<unknown>;
    forbidden(attack(relay, (d) => events(d).delete(0, 1)));
    forbidden(attack(relay, (d) => events(d).push([{ type: 'claim', member: ANA, at: 0 }])));
  });

  it('comments (issue 22): admits writing, replying, editing and deleting one’s own, resolving anyone’s; refuses touching another’s words', () => {
    const relay = new Y.Doc();
    const ana = client(relay, 1);
    const ben = client(relay, 2);
    expect(admit(relay, ana.change((d) => createThread(d, { id: 'th', quote: 'rent', text: 'Is this the April rent?' }, { memberId: ANA })), ANA).kind).toBe('apply');
    Y.applyUpdate(ben.doc, Y.encodeStateAsUpdate(relay));
    expect(admit(relay, ben.change((d) => replyToThread(d, 'th', 'Yes, April', { memberId: BEN })), BEN).kind).toBe('apply');
    const benMessage = () => readThreads(relay).value[0]!.messages.find((m) => m.author === BEN)!.id;
    expect(admit(relay, ben.change((d) => editComment(d, 'th', benMessage(), 'Yes, April and May', { memberId: BEN })), BEN).kind).toBe('apply');
    expect(admit(relay, ben.change((d) => resolveThread(d, 'th', { memberId: BEN })), BEN).kind).toBe('apply');
    expect(admit(relay, ben.change((d) => deleteComment(d, 'th', benMessage(), { memberId: BEN })), BEN).kind).toBe('apply');

    const messages = (d: Y.Doc) => ((d.getMap('comments').get('th') as Y.Map<unknown>).get('messages') as Y.Map<unknown>);
    const anaOwn = (d: Y.Doc) => messages(d).get(ANA) as Y.Map<unknown>;
    const anaMessage = [...(relay.getMap('comments').get('th') as Y.Map<Y.Map<Y.Map<unknown>>>).get('messages')!.get(ANA)!.keys()][0]!;
    // Ben turns hostile: rewrites, deletes or replaces Ana's words, writes in her name, or removes the thread.
    forbidden(attack(relay, (d) => anaOwn(d).set(anaMessage, { text: 'I agree with everything', at: 1 }), BEN));
    forbidden(attack(relay, (d) => anaOwn(d).delete(anaMessage), BEN));
    forbidden(attack(relay, (d) => messages(d).delete(ANA), BEN));
    forbidden(attack(relay, (d) => messages(d).set(ANA, new Y.Map()), BEN));
    forbidden(attack(relay, (d) => (d.getMap('comments').get('th') as Y.Map<unknown>).set('messages', new Y.Map()), BEN));
    forbidden(attack(relay, (d) => d.getMap('comments').delete('th'), BEN));
    forbidden(attack(relay, (d) => replyToThread(d, 'th', 'forged', { memberId: ANA }), BEN));
    // Ana may delete her own words.
    expect(attack(relay, (d) => deleteComment(d, 'th', anaMessage, { memberId: ANA }), ANA).kind).toBe('apply');
  });

  it('refuses writes to server-only roots', () => {
    const relay = new Y.Doc();
    forbidden(attack(relay, (d) => d.getMap('server').set('total', 99)));
  });

  it('refuses a catalogue entry for a reserved or malformed document id; admits an honest one', () => {
    const relay = new Y.Doc();
    expect(attack(relay, (d) => addCatalogueEntry(d, { id: 'doc-1', kind: 'page', title: 'Rides' }, { memberId: BEN }), BEN).kind).toBe('apply');
    const entry = (id: string) => (d: Y.Doc) => d.getMap('catalogue').set(id, new Y.Map());
    for (const id of ['index', 'group-pulse', 'private-board1', 'member-private-ana', 'bad id', '../x', '']) forbidden(attack(relay, entry(id), BEN));
    // A hand-made entry under an ordinary id is judged like any catalogue write (readers check its fields).
    expect(attack(relay, entry('doc-2'), BEN).kind).toBe('apply');
  });
});

describe('inspectUpdate: bounds', () => {
  it('refuses types nested deeper than the limit, and admits them at the limit', () => {
    const nest = (depth: number) => {
      const relay = new Y.Doc();
      const mallory = client(relay, 9);
      return inspectUpdate(
        relay,
        mallory.change((d) => {
          let m = d.getMap('catalogue');
          for (let i = 1; i < depth; i++) {
            const next = new Y.Map<unknown>();
            m.set('x', next);
            m = next;
          }
        }),
        'mallory'
      );
    };
    expect(nest(DEFAULT_INSPECT_LIMITS.maxTypeDepth).kind).toBe('apply');
    expect(nest(DEFAULT_INSPECT_LIMITS.maxTypeDepth + 1)).toMatchObject({ kind: 'refuse', code: 'too-large' });
    // The 55-byte crash: thousands of levels, refused without a stack overflow.
    expect(nest(5000)).toMatchObject({ kind: 'refuse', code: 'too-large' });
  });

  it('refuses values nested too deeply', () => {
    const relay = new Y.Doc();
    const mallory = client(relay, 9);
    let v: unknown = 1;
    for (let i = 0; i < 100; i++) v = [v];
    expect(attack(relay, (d) => d.getMap('meta').set('x', v))).toMatchObject({ kind: 'refuse', code: 'too-large' });
  });

  it('refuses an update that introduces too many editing sessions', () => {
    const relay = new Y.Doc();
    const parts = Array.from({ length: DEFAULT_INSPECT_LIMITS.maxNewClients + 1 }, (_, i) => {
      const d = new Y.Doc();
      d.clientID = 1000 + i;
      d.getText('t').insert(0, 'x');
      return Y.encodeStateAsUpdate(d);
    });
    expect(inspectUpdate(relay, Y.mergeUpdates(parts), 'mallory')).toMatchObject({ kind: 'refuse', code: 'too-large' });
    expect(inspectUpdate(relay, Y.mergeUpdates(parts.slice(1)), 'mallory').kind).toBe('apply');
  });

  it('refuses too many top-level parts', () => {
    const relay = new Y.Doc();
    const mallory = client(relay, 9);
    const update = mallory.change((d) => {
      for (let i = 0; i <= DEFAULT_INSPECT_LIMITS.maxRoots; i++) d.getMap(`r${i}`).set('a', 1);
    });
    expect(inspectUpdate(relay, update, 'mallory')).toMatchObject({ kind: 'refuse', code: 'too-large' });
  });

  it('refuses a struct of length 0 (it would break every later encoding of the document)', () => {
    expect(inspectUpdate(new Y.Doc(), zeroLengthStruct(), 'x')).toMatchObject({ kind: 'refuse', code: 'malformed' });
  });

  it('never admits an item whose origin is its own client at a clock that never existed (heldBackPoison)', () => {
    const relay = new Y.Doc();
    const { held, filler } = heldBackPoison();
    expect(inspectUpdate(relay, held, 'x').kind).toBe('hold');
    expect(admit(relay, filler, 'x').kind).toBe('apply');
    expect(inspectUpdate(relay, held, 'x').kind).toBe('hold');
    expect(relay.store.pendingStructs).toBeNull();
  });

  it('refuses garbage', () => {
    expect(inspectUpdate(new Y.Doc(), new Uint8Array([1, 2, 3, 250, 250]), 'x')).toMatchObject({ kind: 'refuse', code: 'malformed' });
  });
});

describe('inspectUpdate: incomplete updates are held, never handed to Yjs', () => {
  it('holds an update whose predecessor has not arrived, and admits it once it has', () => {
    const relay = new Y.Doc();
    const tab = client(relay, 5);
    const first = tab.change((d) => d.getText('t').insert(0, 'Hello'));
    const second = tab.change((d) => d.getText('t').insert(5, ' world'));
    expect(inspectUpdate(relay, second, 'ana').kind).toBe('hold');
    expect(relay.store.pendingStructs).toBeNull();
    expect(admit(relay, first, 'ana').kind).toBe('apply');
    expect(admit(relay, second, 'ana').kind).toBe('apply');
    expect(relay.getText('t').toString()).toBe('Hello world');
  });

  it('holds a delete of text the relay has not received (the pending delete-set poison)', () => {
    const relay = new Y.Doc();
    expect(inspectUpdate(relay, deleteOnly(424242, [[0, 1_000_000]]), 'mallory').kind).toBe('hold');
  });

  it('holds an update that depends on another client’s missing edit (two tabs, one relay)', () => {
    const relay = new Y.Doc();
    const a = client(relay, 5);
    const b = client(relay, 6);
    const fromA = a.change((d) => d.getText('t').insert(0, 'abc'));
    Y.applyUpdate(b.doc, fromA); // the tabs share edits over a BroadcastChannel
    const fromB = b.change((d) => d.getText('t').insert(3, 'def'));
    expect(inspectUpdate(relay, fromB, 'ana').kind).toBe('hold');
    admit(relay, fromA, 'ana');
    expect(admit(relay, fromB, 'ana').kind).toBe('apply');
    expect(relay.getText('t').toString()).toBe('abcdef');
  });
});

describe('inspectUpdate: stamps of claim log entries (issue 26)', () => {
  const NOW = Date.now();
  const at = (member: string, serverAt: number) => ({ memberId: member, at: serverAt, serverAt });
  const inspectAt = (relay: Y.Doc, update: Uint8Array, member: string) => inspectUpdate(relay, update, { memberId: member, now: NOW });
  /** A relay document with a task Ana claimed at NOW - 60 s. */
  function claimedTask() {
    const relay = new Y.Doc();
    const ana = client(relay, 5);
    expect(admit(relay, ana.change((d) => createTask(d, { id: 't', title: 'Pharmacy run' }, at(ANA, NOW - 120_000))), ANA).kind).toBe('apply');
    const before = client(relay, 3); // a copy from before Ana's claim
    expect(admit(relay, ana.change((d) => claimTask(d, 't', at(ANA, NOW - 60_000))), ANA).kind).toBe('apply');
    return { relay, before };
  }
  const events = (d: Y.Doc) => (d.getMap('blocks').get('t') as Y.Map<unknown>).get('events') as Y.Array<unknown>;

  it('refuses a claim stamped earlier than a claim its author had seen (a back-dated claim)', () => {
    const { relay } = claimedTask();
    const verdict = attack(relay, (d) => events(d).push([{ type: 'claim', member: 'mallory', at: 1, serverAt: NOW - 3_600_000 }]));
    expect(verdict).toMatchObject({ kind: 'refuse', code: 'forbidden' });
    expect((verdict as { reason: string }).reason).toContain('stamped earlier than an entry its author had already seen');
  });

  it('admits an earlier-stamped claim made on a copy that had not seen the other (offline)', () => {
    const { relay, before } = claimedTask();
    expect(inspectAt(relay, before.change((d) => claimTask(d, 't', at(BEN, NOW - 90_000))), BEN).kind).toBe('apply');
  });

  it('admits honest entries after a stamp, from a device whose clock runs behind (stamped just after it)', () => {
    const { relay } = claimedTask();
    const ana = client(relay, 7);
    // Ana's other device: its clock is an hour slow; the model stamps after the latest stamp it holds.
    expect(inspectAt(relay, ana.change((d) => releaseTask(d, 't', at(ANA, NOW - 3_600_000))), ANA).kind).toBe('apply');
  });

  it('refuses a stamp far in the future, or one that is not a time; admits entries without one (older apps)', () => {
    const { relay } = claimedTask();
    expect(inspectAt(relay, client(relay, 9).change((d) => events(d).push([{ type: 'claim', member: 'mallory', at: 1, serverAt: NOW + 86_400_000 }])), 'mallory')).toMatchObject({ kind: 'refuse', code: 'forbidden' });
    expect(inspectAt(relay, client(relay, 9).change((d) => events(d).push([{ type: 'claim', member: 'mallory', at: 1, serverAt: 'soon' }])), 'mallory')).toMatchObject({ kind: 'refuse', code: 'forbidden' });
    expect(inspectAt(relay, client(relay, 9).change((d) => events(d).push([{ type: 'claim', member: 'mallory', at: 1 }])), 'mallory').kind).toBe('apply');
    expect(inspectAt(relay, client(relay, 9).change((d) => events(d).push([{ type: 'claim', member: 'mallory', at: 1, serverAt: NOW + 60_000 }])), 'mallory').kind).toBe('apply');
  });

  it('judges several entries of one update in order: the second may not go back before the first', () => {
    const { relay, before } = claimedTask();
    const update = before.change((d) => events(d).push([{ type: 'claim', member: BEN, at: 1, serverAt: NOW - 90_000 }, { type: 'release', member: BEN, by: BEN, at: 2, serverAt: NOW - 95_000 }]));
    expect(inspectAt(relay, update, BEN)).toMatchObject({ kind: 'refuse', code: 'forbidden' });
  });
});

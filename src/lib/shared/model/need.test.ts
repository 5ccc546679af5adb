import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createNeed, fulfilNeed, getBlockMap, matchNeed, needsByStatus, readNeed, readNeeds, reopenNeed, unmatchNeed, withdrawNeed, type Actor } from './index';
import { replica, sync, errorCode } from './test-support';

const act = (memberId: string, at = 1000): Actor => ({ memberId, at });
function board(doc: Y.Doc) {
  const ask = createNeed(doc, { id: 'ask1', kind: 'ask', title: 'Groceries for a family of 4', category: 'food', urgency: 'urgent', area: 'Northside' }, act('co', 1));
  const offer = createNeed(doc, { id: 'off1', kind: 'offer', title: 'Car on Saturdays', category: 'transport', area: 'Northside' }, act('co', 2));
  const offer2 = createNeed(doc, { id: 'off2', kind: 'offer', title: 'Cooked meals', category: 'food' }, act('co', 3));
  return { ask, offer, offer2 };
}
const status = (doc: Y.Doc, id: string) => readNeed(doc, id).value?.status;

describe('needs board', () => {
  it('match an ask with an offer: both matched; fulfil closes both', () => {
    const doc = new Y.Doc();
    const { ask, offer } = board(doc);
    matchNeed(doc, ask, { entry: offer }, act('co'));
    expect(status(doc, ask)).toBe('matched');
    expect(status(doc, offer)).toBe('matched');
    expect(readNeed(doc, offer).value?.matchedAsks).toEqual([ask]);
    expect(errorCode(() => matchNeed(doc, ask, { entry: 'off2' }, act('co')))).toBe('already-matched');
    fulfilNeed(doc, ask, act('co', 5000));
    expect(status(doc, ask)).toBe('fulfilled');
    expect(status(doc, offer)).toBe('fulfilled');
    expect(readNeed(doc, ask).value?.closedAt).toBe(5000);
  });

  it('matching with a volunteering member; unmatch returns to open', () => {
    const doc = new Y.Doc();
    const { ask } = board(doc);
    matchNeed(doc, ask, { member: 'ben' }, act('co'));
    expect(readNeed(doc, ask).value?.matchedWith).toEqual({ member: 'ben' });
    unmatchNeed(doc, ask, act('co'), 'ben is ill');
    expect(status(doc, ask)).toBe('open');
  });

  it('only asks are matched, and only with offers', () => {
    const doc = new Y.Doc();
    const { ask, offer, offer2 } = board(doc);
    expect(errorCode(() => matchNeed(doc, offer, { entry: offer2 }, act('co')))).toBe('not-matchable');
    const ask2 = createNeed(doc, { kind: 'ask', title: 'x', category: 'food' }, act('co'));
    expect(errorCode(() => matchNeed(doc, ask, { entry: ask2 }, act('co')))).toBe('not-matchable');
    withdrawNeed(doc, offer2, act('co'));
    expect(errorCode(() => matchNeed(doc, ask, { entry: offer2 }, act('co')))).toBe('entry-closed');
  });

  it('two coordinators matching one ask concurrently: the first match stands, the other offer stays open', () => {
    for (const [ca, cb] of [
      [1, 2],
      [2, 1]
    ]) {
      const a = replica(ca);
      const b = replica(cb);
      board(a);
      sync(a, b);
      matchNeed(a, 'ask1', { entry: 'off1' }, act('co1'));
      matchNeed(b, 'ask1', { entry: 'off2' }, act('co2'));
      sync(a, b);
      expect(readNeeds(a).value).toEqual(readNeeds(b).value);
      const winner = (readNeed(a, 'ask1').value!.matchedWith as { entry: string }).entry;
      const other = winner === 'off1' ? 'off2' : 'off1';
      expect(status(a, winner)).toBe('matched');
      expect(status(a, other)).toBe('open');
      expect(readNeed(a, 'ask1').value!.history.map((h) => h.applied)).toEqual([true, false]);
    }
  });

  it('withdrawing an offer returns its matched asks to open', () => {
    const doc = new Y.Doc();
    const { ask, offer } = board(doc);
    matchNeed(doc, ask, { entry: offer }, act('co'));
    withdrawNeed(doc, offer, act('co'));
    expect(status(doc, offer)).toBe('withdrawn');
    expect(status(doc, ask)).toBe('open');
    reopenNeed(doc, offer, act('co'));
    expect(status(doc, offer)).toBe('open');
  });

  it('needsByStatus groups and sorts urgent first, then oldest', () => {
    const doc = new Y.Doc();
    board(doc);
    createNeed(doc, { id: 'low', kind: 'ask', title: 'Spare chairs', category: 'other', urgency: 'low' }, act('co', 0));
    const groups = needsByStatus(doc).value;
    expect(groups.open.map((e) => e.id)).toEqual(['ask1', 'off1', 'off2', 'low']);
    expect(groups.matched).toEqual([]);
  });

  it('area is coarse text; malformed entries are skipped with a reason', () => {
    const doc = new Y.Doc();
    expect(errorCode(() => createNeed(doc, { kind: 'ask', title: 'x', category: 'food', area: 'x'.repeat(61) }, act('co')))).toBe('invalid-input');
    board(doc);
    getBlockMap(doc, 'off2')!.set('kind', 'barter');
    (getBlockMap(doc, 'ask1')!.get('events') as Y.Array<unknown>).push([{ type: 'match', by: 'co', at: 1 }]);
    const read = readNeeds(doc);
    expect(read.value.map((e) => e.id)).toEqual(['ask1', 'off1']);
    expect(read.issues.map((i) => `${i.blockId}: ${i.reason}`)).toEqual(['ask1: match entry has no target; skipped', 'off2: unknown entry kind "barter"; skipped']);
  });
});

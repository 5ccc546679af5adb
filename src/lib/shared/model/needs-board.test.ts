import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  CUSTOM_CATEGORIES_KEY,
  addBoardCategory,
  boardCategories,
  countByStatus,
  createNeed,
  filterNeeds,
  fulfilNeed,
  getMeta,
  getSettings,
  groupNeeds,
  matchCandidates,
  matchNeed,
  readContact,
  readNeed,
  readNeeds,
  setContact,
  sortNeeds,
  type Actor
} from './index';

const act = (memberId: string, at = 1000): Actor => ({ memberId, at });

/** A coordinator takes in an ask (with contact details in the private doc) and two offers. */
function takeIn() {
  const board = new Y.Doc();
  const contacts = new Y.Doc();
  createNeed(board, { id: 'a1', kind: 'ask', title: 'Groceries for a family of 4', category: 'food', urgency: 'urgent', area: 'Northside', when: 'this week' }, act('co', 100));
  setContact(contacts, 'a1', { name: 'Dee', phone: '07700 900123' }, act('co', 100));
  createNeed(board, { id: 'a2', kind: 'ask', title: 'Lift to the clinic', category: 'transport', urgency: 'low' }, act('co', 200));
  createNeed(board, { id: 'o1', kind: 'offer', title: 'Car on Saturdays', category: 'transport', area: 'Northside' }, act('co', 300));
  createNeed(board, { id: 'o2', kind: 'offer', title: 'Cooked meals', category: 'food', area: 'Northside' }, act('co', 400));
  createNeed(board, { id: 'o3', kind: 'offer', title: 'Food bank run', category: 'food' }, act('co', 50));
  return { board, contacts };
}

describe('needs board views', () => {
  it('taking in, matching and fulfilling: the board follows, the board doc holds no contact details', () => {
    const { board, contacts } = takeIn();
    expect(countByStatus(readNeeds(board).value)).toEqual({ open: 5, matched: 0, fulfilled: 0, withdrawn: 0 });
    matchNeed(board, 'a1', { entry: 'o2' }, act('co', 500));
    matchNeed(board, 'a2', { member: 'ben' }, act('co', 600));
    expect(countByStatus(readNeeds(board).value)).toEqual({ open: 2, matched: 3, fulfilled: 0, withdrawn: 0 });
    fulfilNeed(board, 'a1', act('co', 700));
    expect(readNeed(board, 'o2').value?.status).toBe('fulfilled');
    const history = readNeed(board, 'a1').value!.history.map((h) => h.event.type);
    expect(history).toEqual(['match', 'fulfil']);
    expect(readContact(contacts, 'a1').value?.phone).toBe('07700 900123');
    expect(Buffer.from(Y.encodeStateAsUpdate(board)).includes(Buffer.from('07700'))).toBe(false);
  });

  it('filters by kind, status, category, urgency and text; active = open or matched', () => {
    const { board } = takeIn();
    fulfilNeed(board, 'o3', act('co', 900));
    const all = readNeeds(board).value;
    expect(filterNeeds(all, {}).map((e) => e.id).sort()).toEqual(['a1', 'a2', 'o1', 'o2']);
    expect(filterNeeds(all, { status: 'all' }).length).toBe(5);
    expect(filterNeeds(all, { status: 'fulfilled' }).map((e) => e.id)).toEqual(['o3']);
    expect(filterNeeds(all, { kind: 'ask' }).map((e) => e.id)).toEqual(['a1', 'a2']);
    expect(filterNeeds(all, { category: 'food' }).map((e) => e.id)).toEqual(['a1', 'o2']);
    expect(filterNeeds(all, { urgency: 'urgent' }).map((e) => e.id)).toEqual(['a1']);
    expect(filterNeeds(all, { text: 'northSIDE' }).map((e) => e.id).sort()).toEqual(['a1', 'o1', 'o2']);
  });

  it('sorts by urgency then age, newest, oldest; ties broken by id', () => {
    const { board } = takeIn();
    const all = readNeeds(board).value;
    expect(sortNeeds(all, 'urgency').map((e) => e.id)).toEqual(['a1', 'o3', 'o1', 'o2', 'a2']);
    expect(sortNeeds(all, 'newest').map((e) => e.id)).toEqual(['o2', 'o1', 'a2', 'a1', 'o3']);
    expect(sortNeeds(all, 'oldest').map((e) => e.id)).toEqual(['o3', 'a1', 'a2', 'o1', 'o2']);
  });

  it('groups by status and by category (custom categories after the suggested ones)', () => {
    const { board } = takeIn();
    createNeed(board, { id: 'c1', kind: 'ask', title: 'Bike repair', category: 'repairs' }, act('co', 999));
    matchNeed(board, 'a1', { entry: 'o2' }, act('co'));
    const all = sortNeeds(readNeeds(board).value, 'oldest');
    expect(groupNeeds(all, 'status').map((g) => [g.key, g.entries.length])).toEqual([['open', 4], ['matched', 2]]);
    const cats = groupNeeds(all, 'category').map((g) => g.label);
    expect(cats).toEqual(['Food', 'Transport', 'Repairs']);
  });

  it('categories: suggested (with clothing), workspace, board, used ones, then "other" last; malformed lists ignored', () => {
    const board = new Y.Doc();
    const index = new Y.Doc();
    getSettings(index).set(CUSTOM_CATEGORIES_KEY, ['Pets', 7]);
    expect(addBoardCategory(board, ' Repairs ', act('co'))).toBe('repairs');
    addBoardCategory(board, 'repairs', act('co'));
    addBoardCategory(board, 'food', act('co'));
    expect(getMeta(board).get(CUSTOM_CATEGORIES_KEY)).toEqual(['repairs']);
    createNeed(board, { kind: 'ask', title: 'x', category: 'laundry' }, act('co'));
    const cats = boardCategories(board, index, readNeeds(board).value);
    expect(cats).toEqual(['food', 'clothing', 'housing', 'transport', 'childcare', 'money', 'medical', 'pets', 'repairs', 'laundry', 'other']);
    getMeta(board).set(CUSTOM_CATEGORIES_KEY, 'not a list');
    expect(boardCategories(board, null)).toHaveLength(8);
  });

  it('match candidates: open or matched offers, same category then same area first', () => {
    const { board } = takeIn();
    fulfilNeed(board, 'o1', act('co'));
    const all = readNeeds(board).value;
    const ask = all.find((e) => e.id === 'a1')!;
    expect(matchCandidates(all, ask).map((e) => e.id)).toEqual(['o2', 'o3']);
  });
});

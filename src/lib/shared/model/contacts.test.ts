import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  DAY_MS,
  ModelError,
  addCatalogueEntry,
  boardDocIdOf,
  contactsDueForPurge,
  createNeed,
  fulfilNeed,
  getContacts,
  getMembers,
  mayReadPrivate,
  privateDocIdFor,
  privateDocsFor,
  privateDocsToForget,
  purgeContacts,
  purgeDueAt,
  readContact,
  readContacts,
  readNeeds,
  setContact,
  withdrawNeed,
  type Actor
} from './index';

const act = (memberId: string, at = 1000): Actor => ({ memberId, at });
const PHONE = '07700 900123';
const bytesContain = (bytes: Uint8Array, text: string): boolean => Buffer.from(bytes).includes(Buffer.from(text, 'utf8'));

describe('contact details (private document)', () => {
  it('private ids map to and from board ids; too long or foreign ids have none', () => {
    expect(privateDocIdFor('abc')).toBe('private-abc');
    expect(boardDocIdOf('private-abc')).toBe('abc');
    expect(boardDocIdOf('abc')).toBeNull();
    expect(boardDocIdOf('private-')).toBeNull();
    expect(boardDocIdOf(privateDocIdFor('x'.repeat(60)))).toBeNull();
  });

  it('records, edits per field and reads back; concurrent edits of different fields both stay', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    setContact(a, 'e1', { name: 'Dee', phone: PHONE }, act('co1', 1));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    setContact(a, 'e1', { phone: '07700 900999' }, act('co1', 2));
    setContact(b, 'e1', { notes: 'Ring after 6pm' }, act('co2', 3));
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    for (const d of [a, b]) {
      const c = readContact(d, 'e1').value;
      expect(c).toMatchObject({ name: 'Dee', phone: '07700 900999', notes: 'Ring after 6pm', address: '' });
    }
    expect(readContact(a, 'nope').value).toBeNull();
  });

  it('refuses over-long fields before writing anything', () => {
    const d = new Y.Doc();
    expect(() => setContact(d, 'e1', { phone: '1'.repeat(41) }, act('co'))).toThrow(ModelError);
    expect(getContacts(d).size).toBe(0);
  });

  it('malformed peer data is skipped with an issue, never thrown', () => {
    const d = new Y.Doc();
    getContacts(d).set('bad', 'not a map');
    setContact(d, 'ok', { name: 'Eve' }, act('co'));
    (getContacts(d).get('ok') as Y.Map<unknown>).set('phone', 42);
    const read = readContacts(d);
    expect(read.value.map((c) => c.entryId)).toEqual(['ok']);
    expect(read.value[0]!.phone).toBe('');
    expect(read.issues.length).toBe(2);
  });

  it('purging deletes the details, and with gc no byte of them is left in the encoded state', () => {
    const d = new Y.Doc();
    setContact(d, 'e1', { name: 'Dee', phone: PHONE, address: '12 Elm Street' }, act('co'));
    setContact(d, 'e2', { name: 'Kit', phone: '07700 900555' }, act('co'));
    expect(bytesContain(Y.encodeStateAsUpdate(d), PHONE)).toBe(true);
    expect(purgeContacts(d, ['e1', 'unknown'], act('server'))).toEqual(['e1']);
    expect(readContact(d, 'e1').value).toBeNull();
    const state = Y.encodeStateAsUpdate(d);
    expect(bytesContain(state, PHONE)).toBe(false);
    expect(bytesContain(state, '12 Elm Street')).toBe(false);
    expect(bytesContain(state, '07700 900555')).toBe(true);
    // A replica that had the details loses them on sync too.
    const other = new Y.Doc();
    Y.applyUpdate(other, state);
    expect(readContact(other, 'e1').value).toBeNull();
    expect(purgeContacts(d, ['e1'], act('server'))).toEqual([]);
  });

  it('due for purge: fulfilled or withdrawn at least the retention period ago; open entries and unknown ids kept', () => {
    const board = new Y.Doc();
    createNeed(board, { id: 'ask', kind: 'ask', title: 'Groceries', category: 'food' }, act('co', 0));
    createNeed(board, { id: 'off', kind: 'offer', title: 'Lift', category: 'transport' }, act('co', 0));
    createNeed(board, { id: 'open', kind: 'ask', title: 'Nappies', category: 'childcare' }, act('co', 0));
    fulfilNeed(board, 'ask', act('co', 10 * DAY_MS));
    withdrawNeed(board, 'off', act('co', 20 * DAY_MS));
    const entries = readNeeds(board).value;
    const ids = ['ask', 'off', 'open', 'ghost'];
    expect(contactsDueForPurge(entries, ids, 39 * DAY_MS, 30)).toEqual([]);
    expect(contactsDueForPurge(entries, ids, 40 * DAY_MS, 30)).toEqual(['ask']);
    expect(contactsDueForPurge(entries, ids, 50 * DAY_MS, 30)).toEqual(['ask', 'off']);
    expect(purgeDueAt(entries.find((e) => e.id === 'ask')!, 30)).toBe(40 * DAY_MS);
    expect(purgeDueAt(entries.find((e) => e.id === 'open')!, 30)).toBeNull();
  });

  it('private documents are listed only for admins and coordinators, one per needs board', () => {
    const index = new Y.Doc();
    const members = getMembers(index);
    for (const [id, role, coordinator] of [['adm', 'admin', false], ['co', 'editor', true], ['ed', 'editor', false]] as const) {
      const m = new Y.Map<unknown>();
      m.set('id', id);
      m.set('name', id);
      m.set('role', role);
      m.set('joinedAt', 1);
      m.set('coordinator', coordinator);
      members.set(id, m);
    }
    addCatalogueEntry(index, { id: 'board1', kind: 'needs', title: 'Needs' }, act('adm'));
    addCatalogueEntry(index, { id: 'agenda1', kind: 'agenda', title: 'Meeting' }, act('adm'));
    expect(mayReadPrivate(index, 'adm')).toBe(true);
    expect(mayReadPrivate(index, 'co')).toBe(true);
    expect(mayReadPrivate(index, 'ed')).toBe(false);
    expect(mayReadPrivate(index, 'stranger')).toBe(false);
    expect(privateDocsFor(index, 'co')).toEqual(['private-board1']);
    expect(privateDocsFor(index, 'ed')).toEqual([]);
    // A device forgets its copy only once the directory says so, never before it has synced.
    expect(privateDocsToForget(index, 'ed')).toEqual(['private-board1']);
    expect(privateDocsToForget(index, 'co')).toEqual([]);
    expect(privateDocsToForget(index, 'stranger')).toEqual([]);
  });
});

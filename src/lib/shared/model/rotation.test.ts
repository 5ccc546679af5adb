import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addMember, type Actor } from './index';
import { RotationKeys, STANDARD_ROLES, addRole, archiveRole, rankForRole, readRoles, recordTurn, setWilling, suggestForRole } from './rotation';

const act = (memberId: string, at = 1000): Actor => ({ memberId, at });

function workspace(...members: Array<[id: string, name: string]>): Y.Doc {
  const index = new Y.Doc();
  for (const [id, name] of members) addMember(index, { id, name, colour: '#000', role: 'editor' }, act('relay'));
  return index;
}

describe('rotation', () => {
  it('has the standard roles without anyone writing them', () => {
    const index = workspace();
    expect(readRoles(index).value.map((r) => r.id)).toEqual(STANDARD_ROLES.map((r) => r.id));
    expect(index.getMap(RotationKeys.roles).size).toBe(0);
    expect(suggestForRole(index, 'facilitator', 0).value).toBeNull();
  });

  it('suggests a willing member who never held the role first, ties by name then id', () => {
    const index = workspace(['m3', 'Cara'], ['m1', 'Ben'], ['m2', 'Ana']);
    for (const m of ['m1', 'm2', 'm3']) setWilling(index, 'facilitator', true, act(m));
    recordTurn(index, 'facilitator', 'm2', act('m1', 5000));
    // Ana held it; Ben and Cara never did: Ben first by name.
    expect(rankForRole(index, 'facilitator', 6000).value.map((s) => s.memberId)).toEqual(['m1', 'm3', 'm2']);
    expect(suggestForRole(index, 'facilitator', 6000).value).toEqual({ memberId: 'm1', lastHeldAt: null, sinceMs: null, timesHeld: 0 });
  });

  it('then the one who held it least recently, by history order not clock', () => {
    const index = workspace(['a', 'Ana'], ['b', 'Ben'], ['c', 'Cara']);
    for (const m of ['a', 'b', 'c']) setWilling(index, 'note-taker', true, act(m));
    recordTurn(index, 'note-taker', 'a', act('a', 3000));
    // Ben's device clock is behind: still recorded after Ana's turn.
    recordTurn(index, 'note-taker', 'b', act('b', 1000));
    recordTurn(index, 'note-taker', 'c', act('c', 4000));
    expect(suggestForRole(index, 'note-taker', 10_000).value).toMatchObject({ memberId: 'a', lastHeldAt: 3000, sinceMs: 7000, timesHeld: 1 });
    recordTurn(index, 'note-taker', 'a', act('c', 5000));
    expect(rankForRole(index, 'note-taker', 10_000).value.map((s) => s.memberId)).toEqual(['b', 'c', 'a']);
  });

  it('leaves out members who are not willing, withdrew, or left the workspace', () => {
    const index = workspace(['a', 'Ana'], ['b', 'Ben']);
    setWilling(index, 'timekeeper', true, act('a'));
    setWilling(index, 'timekeeper', true, act('b'));
    setWilling(index, 'timekeeper', true, act('gone'));
    setWilling(index, 'timekeeper', false, act('a'));
    expect(rankForRole(index, 'timekeeper', 0).value.map((s) => s.memberId)).toEqual(['b']);
  });

  it('custom roles: added, suggested, archived; duplicates and blanks refused', () => {
    const index = workspace(['a', 'Ana']);
    const id = addRole(index, ' Welcomer ', act('a'));
    expect(() => addRole(index, 'welcomer', act('a'))).toThrow(/already a role/);
    expect(() => addRole(index, '  ', act('a'))).toThrow(/name/);
    setWilling(index, id, true, act('a'));
    expect(readRoles(index).value.at(-1)).toMatchObject({ id, name: 'Welcomer', standard: false, willing: ['a'] });
    expect(suggestForRole(index, id, 0).value?.memberId).toBe('a');
    archiveRole(index, id, act('a'));
    expect(readRoles(index).value.some((r) => r.id === id)).toBe(false);
    expect(() => recordTurn(index, id, 'a', act('a'))).toThrow(/does not exist/);
    expect(() => archiveRole(index, 'facilitator', act('a'))).toThrow();
  });

  it('converges: concurrent willing marks and turns on two devices all survive, same suggestion everywhere', () => {
    const one = workspace(['a', 'Ana'], ['b', 'Ben'], ['c', 'Cara']);
    const two = new Y.Doc();
    Y.applyUpdate(two, Y.encodeStateAsUpdate(one));
    setWilling(one, 'facilitator', true, act('a'));
    recordTurn(one, 'facilitator', 'a', act('a'));
    setWilling(two, 'facilitator', true, act('b'));
    recordTurn(two, 'facilitator', 'b', act('b'));
    setWilling(two, 'facilitator', true, act('c'));
    Y.applyUpdate(one, Y.encodeStateAsUpdate(two));
    Y.applyUpdate(two, Y.encodeStateAsUpdate(one));
    expect(readRoles(one).value[0].willing).toEqual(['a', 'b', 'c']);
    expect(readRoles(one).value[0].history).toHaveLength(2);
    expect(suggestForRole(one, 'facilitator', 0).value).toEqual(suggestForRole(two, 'facilitator', 0).value);
    expect(suggestForRole(one, 'facilitator', 0).value?.memberId).toBe('c');
  });

  it('skips malformed peer data with a reason instead of throwing', () => {
    const index = workspace(['a', 'Ana']);
    index.getArray(RotationKeys.history).push([{ roleId: 'facilitator' }, 'junk']);
    index.getMap(RotationKeys.willing).set('nonsense', 'yes');
    index.getMap(RotationKeys.roles).set('role-x', { name: 42 });
    const read = readRoles(index);
    expect(read.value.map((r) => r.id)).toEqual(STANDARD_ROLES.map((r) => r.id));
    expect(read.issues.length).toBeGreaterThanOrEqual(4);
  });
});

import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addMember, type Actor } from './index';
import { pulseSuggestions, rolesHeldLast } from './pulse-suggest';
import { recordTurn, setWilling } from './rotation';

const act = (memberId: string, at = 1000): Actor => ({ memberId, at });
const claim = (id: string, coLead: string | null = null) => ({ docId: 'd1', id, title: `Task ${id}`, coLead });

describe('pulse suggestions', () => {
  it('suggest nothing without an overload signal', () => {
    expect(pulseSuggestions([], [claim('t1', 'm2')], [{ roleId: 'facilitator', name: 'Facilitator', next: 'm2' }])).toEqual([]);
  });

  it('hand claims to co-leads first, then scale back, then step out of roles', () => {
    const out = pulseSuggestions(['stretched'], [claim('t1'), claim('t2', 'm2')], [{ roleId: 'facilitator', name: 'Facilitator', next: 'm3' }]);
    expect(out).toEqual([
      { kind: 'hand-to-co-lead', docId: 'd1', taskId: 't2', title: 'Task t2', coLead: 'm2' },
      { kind: 'scale-back', claims: 2 },
      { kind: 'rotation', roleId: 'facilitator', name: 'Facilitator', next: 'm3' }
    ]);
  });

  it('offer at most three hand-overs and no scale back without claims', () => {
    const many = ['a', 'b', 'c', 'd'].map((id) => claim(id, 'm2'));
    expect(pulseSuggestions(['low-energy'], many, []).filter((s) => s.kind === 'hand-to-co-lead')).toHaveLength(3);
    expect(pulseSuggestions(['low-energy'], [], [])).toEqual([]);
  });
});

describe('roles a member held last', () => {
  it('are those whose latest turn was theirs while still willing, with who comes next without them', () => {
    const index = new Y.Doc();
    for (const [id, name] of [['m1', 'Ana'], ['m2', 'Ben'], ['m3', 'Cara']]) addMember(index, { id, name, colour: '#000', role: 'editor' }, act('relay'));
    for (const m of ['m1', 'm2', 'm3']) setWilling(index, 'facilitator', true, act(m));
    setWilling(index, 'timekeeper', true, act('m1'));
    recordTurn(index, 'facilitator', 'm3', act('m1'));
    recordTurn(index, 'facilitator', 'm1', act('m1'));
    recordTurn(index, 'timekeeper', 'm1', act('m1'));
    recordTurn(index, 'note-taker', 'm1', act('m1')); // not willing: not the member's to step out of
    expect(rolesHeldLast(index, 'm1', 2000)).toEqual([
      { roleId: 'facilitator', name: 'Facilitator', next: 'm2' },
      { roleId: 'timekeeper', name: 'Timekeeper', next: null }
    ]);
    expect(rolesHeldLast(index, 'm2', 2000)).toEqual([]);
  });
});

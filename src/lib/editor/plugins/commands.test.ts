import { describe, expect, it } from 'vitest';
import { filterItems, INSERT_ITEMS } from './commands.ts';

describe('insert menu', () => {
  it("lists the group's blocks first (issue 16: they were the last four of eleven, below a phone's fold)", () => {
    expect(filterItems('').slice(0, 4).map((i) => i.id)).toEqual(['proposal', 'task', 'need', 'agenda']);
    expect(INSERT_ITEMS).toHaveLength(11);
  });

  it('still puts what the typed word starts first', () => {
    expect(filterItems('h')[0].id).toBe('h1');
    expect(filterItems('todo').map((i) => i.id)).toEqual(['task', 'check']);
  });
});

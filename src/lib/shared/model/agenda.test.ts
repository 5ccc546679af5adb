import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  agendaOrder,
  createAgendaItem,
  createTask,
  facilitationState,
  getBlockMap,
  getMeta,
  linkTask,
  nextAgendaItem,
  readAgendaItem,
  startAgendaItem,
  unlinkTask,
  updateAgendaItem,
  type Actor
} from './index';
import { replica, sync } from './test-support';

const act = (memberId: string, at = 1000): Actor => ({ memberId, at });

describe('agenda', () => {
  it('group health first by default, then position', () => {
    const doc = new Y.Doc();
    createAgendaItem(doc, { id: 'rep', title: 'Treasurer report', kind: 'report' }, act('ana'));
    createAgendaItem(doc, { id: 'dec', title: 'Freezer', kind: 'decision' }, act('ana'));
    createAgendaItem(doc, { id: 'hea', title: 'How are we doing', kind: 'group-health' }, act('ana'));
    expect(agendaOrder(doc).value.map((i) => i.id)).toEqual(['hea', 'rep', 'dec']);
    expect(agendaOrder(doc, { groupHealthFirst: false }).value.map((i) => i.id)).toEqual(['rep', 'dec', 'hea']);
    updateAgendaItem(doc, 'dec', { position: 0.5 }, act('ana'));
    expect(agendaOrder(doc).value.map((i) => i.id)).toEqual(['hea', 'dec', 'rep']);
  });

  it('items added concurrently (same position) sort the same everywhere', () => {
    const a = replica(1);
    const b = replica(2);
    createAgendaItem(a, { id: 'x', title: 'X' }, act('ana', 5));
    createAgendaItem(b, { id: 'y', title: 'Y' }, act('ben', 5));
    sync(a, b);
    expect(agendaOrder(a).value.map((i) => i.id)).toEqual(['x', 'y']);
    expect(agendaOrder(b).value).toEqual(agendaOrder(a).value);
  });

  it('linked tasks added concurrently are both kept', () => {
    const a = replica(1);
    const b = replica(2);
    createAgendaItem(a, { id: 'i', title: 'Actions' }, act('ana'));
    createTask(a, { id: 't1', title: 'one' }, act('ana'));
    createTask(a, { id: 't2', title: 'two' }, act('ana'));
    sync(a, b);
    linkTask(a, 'i', 't1', act('ana'));
    linkTask(b, 'i', 't2', act('ben'));
    sync(a, b);
    expect(readAgendaItem(b, 'i').value?.linkedTasks).toEqual(['t1', 't2']);
    unlinkTask(b, 'i', 't1', act('ben'));
    expect(readAgendaItem(b, 'i').value?.linkedTasks).toEqual(['t2']);
  });

  it('facilitation: shared start instant, countdown and overrun; next item', () => {
    const a = replica(1);
    const b = replica(2);
    createAgendaItem(a, { id: 'one', title: 'One', timebox: 5 }, act('ana'));
    createAgendaItem(a, { id: 'two', title: 'Two', timebox: 10 }, act('ana'));
    startAgendaItem(a, 'one', act('ana', 100_000));
    sync(a, b);
    expect(facilitationState(b, 160_000).value).toMatchObject({ currentItem: 'one', remainingMs: 240_000, overrunMs: 0 });
    expect(facilitationState(b, 460_000).value).toMatchObject({ remainingMs: 0, overrunMs: 60_000 });
    expect(nextAgendaItem(b, act('ben', 500_000))).toBe('two');
    expect(readAgendaItem(b, 'one').value?.status).toBe('done');
    expect(readAgendaItem(b, 'two').value?.status).toBe('discussing');
    expect(nextAgendaItem(b, act('ben', 600_000))).toBeNull();
    expect(facilitationState(b, 600_000).value).toBeNull();
    expect(readAgendaItem(b, 'two').value?.status).toBe('done');
  });

  it('malformed items and facilitation state give issues, not throws', () => {
    const doc = new Y.Doc();
    createAgendaItem(doc, { id: 'i', title: 'x' }, act('ana'));
    getBlockMap(doc, 'i')!.set('timebox', -3);
    getMeta(doc).set('facilitation', 'now');
    expect(readAgendaItem(doc, 'i').value?.timebox).toBe(10);
    expect(readAgendaItem(doc, 'i').issues[0].reason).toMatch(/timebox/);
    expect(facilitationState(doc, 0).issues[0].reason).toMatch(/malformed/);
  });
});

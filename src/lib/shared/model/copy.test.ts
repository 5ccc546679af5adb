import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  castBallot,
  claimTask,
  cloneBlockState,
  copyBlock,
  createAgendaItem,
  createNeed,
  createProposal,
  createTask,
  insertBlockCopy,
  matchNeed,
  openProposal,
  parseBlockSnapshot,
  readNeed,
  readProposal,
  readTask,
  type Actor
} from './index';

const act = (memberId: string, at = 1000): Actor => ({ memberId, at });

describe('copy and paste', () => {
  it('a copied proposal is a new draft with a new id and no ballots', () => {
    const doc = new Y.Doc();
    const id = createProposal(doc, { title: 'Day', method: 'score', options: [{ label: 'Mon' }, { label: 'Tue' }] }, act('ana'));
    openProposal(doc, id, {}, act('ana'));
    castBallot(doc, id, { scores: {} }, act('ana'));
    const other = new Y.Doc();
    const copy = copyBlock(doc, id, act('ben'), other);
    expect(copy).not.toBe(id);
    const view = readProposal(other, copy).value!;
    expect(view).toMatchObject({ status: 'draft', title: 'Day', method: 'score', createdBy: 'ben' });
    expect(view.options).toEqual(readProposal(doc, id).value!.options);
    expect(view.ballots.size).toBe(0);
  });

  it('a copied task is unclaimed; a copied need is open; an agenda item is pending', () => {
    const doc = new Y.Doc();
    const t = createTask(doc, { title: 'Bread', due: '2025-01-01', newcomerFriendly: true }, act('ana'));
    claimTask(doc, t, act('ana'));
    const t2 = copyBlock(doc, t, act('ana'));
    expect(readTask(doc, t2).value).toMatchObject({ title: 'Bread', status: 'open', claimant: null, newcomerFriendly: true });
    const ask = createNeed(doc, { kind: 'ask', title: 'Milk', category: 'food' }, act('ana'));
    matchNeed(doc, ask, { member: 'ben' }, act('ana'));
    expect(readNeed(doc, copyBlock(doc, ask, act('ana'))).value?.status).toBe('open');
    const item = createAgendaItem(doc, { title: 'Check-in', kind: 'group-health' }, act('ana'));
    expect(cloneBlockState(doc, item)).toEqual({ v: 1, type: 'agenda-item', title: 'Check-in', owner: null, timebox: 10, kind: 'group-health' });
  });

  it('a snapshot from the clipboard is checked before use', () => {
    const doc = new Y.Doc();
    const t = createTask(doc, { title: 'x' }, act('ana'));
    const snapshot = JSON.parse(JSON.stringify(cloneBlockState(doc, t)));
    const parsed = parseBlockSnapshot(snapshot);
    expect(typeof parsed).toBe('object');
    if (typeof parsed === 'object') expect(readTask(doc, insertBlockCopy(doc, parsed, act('ana'))).value?.title).toBe('x');
    expect(parseBlockSnapshot({ v: 1, type: 'task', title: 'x', due: 'soon', coLeadWanted: false, newcomerFriendly: false })).toBe('malformed task');
    expect(parseBlockSnapshot('<p>hi</p>')).toBe('not a Mutual block');
  });
});

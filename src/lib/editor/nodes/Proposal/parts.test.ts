import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createProposal, openProposal } from '../../../shared/model/proposal.ts';
import { readProposal } from '../../../shared/model/proposal-read.ts';
import { partsFor } from './parts.svelte.ts';

const ana = { memberId: 'ana', at: 1_000 };

describe("the parts a proposal's view loads before it mounts", () => {
  it('a draft loads its settings form and no ballot form', () => {
    const doc = new Y.Doc();
    const id = createProposal(doc, { id: 'p', title: 'Freezer', method: 'consent' }, ana);
    expect(partsFor(readProposal(doc, id).value)).toEqual(['DraftSettings']);
  });

  it('an open proposal loads its method’s ballot form, not the draft’s settings form', () => {
    const doc = new Y.Doc();
    const id = createProposal(doc, { id: 'p', title: 'Freezer', method: 'consent' }, ana);
    openProposal(doc, id, { deadline: 100_000 }, ana);
    const parts = partsFor(readProposal(doc, id).value);
    expect(parts).toContain('ChoiceBallot');
    expect(parts).not.toContain('DraftSettings');
  });

  it('no proposal, no parts', () => {
    expect(partsFor(null)).toEqual([]);
  });
});

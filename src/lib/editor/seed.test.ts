import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { listBlockIds, readProposal } from '../shared/model/index.ts';
import { readDocumentTree } from '../shared/export/tree.ts';
import { seedDocument, templates } from './seed.ts';

describe('document templates', () => {
  it('a new Proposal document holds its proposal, a draft ready to set up (issue 16)', () => {
    const doc = new Y.Doc();
    seedDocument(doc, templates.proposal, { kind: 'proposal', title: 'Buy a freezer', actor: { memberId: 'ana', at: 1 } });
    const ids = listBlockIds(doc, 'proposal').value;
    expect(ids).toHaveLength(1);
    expect(readProposal(doc, ids[0]).value).toMatchObject({ title: 'Buy a freezer', status: 'draft', method: 'consent', quorum: { type: 'share', share: 0.5 }, createdBy: 'ana' });
    // In the text, where people write around it — not only in the block map.
    expect(readDocumentTree(doc).filter((b) => b.type === 'block')).toEqual([{ type: 'block', kind: 'proposal', blockId: ids[0] }]);
  });
});

/** The device's full-text index: matching, grouping, and updates that touch only what changed. */
import { describe, expect, it, vi } from 'vitest';
import type { SearchEntry } from '$lib/shared/search';
import { SearchIndex } from './search-index';

const text = (at: `p${number}`, t: string): SearchEntry => ({ at, kind: 'text', text: t });
const hitText = (index: SearchIndex, q: string) => index.search(q).map((g) => ({ doc: g.docId, hits: g.hits.map((h) => h.snippet.filter((p) => p.hit).map((p) => p.text).join('+')) }));

function pantry(): SearchIndex {
  const index = new SearchIndex();
  index.setDocument('agenda', 'Reunión del sábado', [text('p0', 'Hablar de la despensa y del congelador'), text('p1', 'Saturday rota for the pantry')]);
  index.setDocument('notes', 'Pantry notes', [text('p0', 'The freezer is full; we need a second freezer'), text('p1', 'Rice and beans on Tuesday')]);
  return index;
}

describe('SearchIndex', () => {
  it('finds words by prefix, accents and case ignored, in English and Spanish', () => {
    const index = pantry();
    expect(hitText(index, 'reunion')).toEqual([{ doc: 'agenda', hits: ['Reunión'] }]); // the title matched
    expect(hitText(index, 'SABADO')).toEqual([{ doc: 'agenda', hits: ['sábado'] }]);
    expect(hitText(index, 'despen')).toEqual([{ doc: 'agenda', hits: ['despensa'] }]);
    expect(hitText(index, 'congelador')).toEqual([{ doc: 'agenda', hits: ['congelador'] }]);
  });

  it('forgives a typo in a longer word', () => {
    expect(hitText(pantry(), 'frezer')).toEqual([{ doc: 'notes', hits: ['freezer+freezer'] }]);
  });

  it('requires every word of the query, and groups matches by document, title first', () => {
    const index = pantry();
    expect(hitText(index, 'rice tuesday')).toEqual([{ doc: 'notes', hits: ['Rice+Tuesday'] }]);
    const groups = index.search('pantry');
    expect(groups.map((g) => g.docId)).toEqual(['notes', 'agenda']); // a title match ranks first
    expect(groups[0]?.hits[0]?.kind).toBe('title');
    expect(groups[1]?.hits.map((h) => h.at)).toEqual(['p1']);
    expect(index.search('   ')).toEqual([]);
  });

  it('updates one document without touching the others, and only the entries that changed', () => {
    const index = pantry();
    const discard = vi.spyOn((index as unknown as { mini: { discard(id: string): void } }).mini, 'discard');
    index.setDocument('notes', 'Pantry notes', [text('p0', 'The freezer is full; we need a second freezer'), text('p1', 'Lentils on Tuesday')]);
    expect(discard.mock.calls.map(([id]) => id)).toEqual(['notes\u0000p1']);
    expect(hitText(index, 'rice')).toEqual([]);
    expect(hitText(index, 'lentils')).toEqual([{ doc: 'notes', hits: ['Lentils'] }]);
    expect(hitText(index, 'congelador')).toEqual([{ doc: 'agenda', hits: ['congelador'] }]);
    index.setDocument('notes', 'Freezer notes', [text('p0', 'The freezer is full; we need a second freezer')]);
    expect(hitText(index, 'lentils')).toEqual([]);
    expect(hitText(index, 'pantry').map((g) => g.doc)).toEqual(['agenda']);
    index.removeDocument('agenda');
    expect(hitText(index, 'congelador')).toEqual([]);
    expect(index.documentCount).toBe(1);
    expect(index.entryCount).toBe(2);
  });

  it('keeps at most a few hits per document and says how many matched', () => {
    const index = new SearchIndex();
    index.setDocument('d', 'Rota', Array.from({ length: 8 }, (_, i) => text(`p${i}`, `volunteer shift ${i}`)));
    const [group] = index.search('volunteer');
    expect(group?.hits).toHaveLength(3);
    expect(group?.total).toBe(8);
  });
});

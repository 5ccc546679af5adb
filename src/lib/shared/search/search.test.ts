/** What search reads of a document, how it compares words, and the snippets it shows. */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createAgendaItem, createNeed, createProposal, createTask } from '../model/index.ts';
import { foldText, searchEntriesOf, snippetOf, termsOf } from './index.ts';

const act = { memberId: 'ana', at: 1 };

type Part = { p: string } | { h: string } | { list: string[] } | { block: string; kind: string };

/** Write `parts` as the editor's binding (@lexical/yjs) stores text (see export/tree.ts). */
function write(doc: Y.Doc, parts: Part[]): void {
  const root = doc.get('root', Y.XmlText);
  for (const part of parts) {
    if ('block' in part) {
      const el = new Y.XmlElement();
      root.insertEmbed(root.length, el);
      el.setAttribute('__blockId', part.block);
      el.setAttribute('__blockKind', part.kind);
      continue;
    }
    const el = new Y.XmlText();
    root.insertEmbed(root.length, el);
    if ('list' in part) {
      el.setAttribute('__type', 'list');
      for (const text of part.list) {
        const item = new Y.XmlText();
        el.insertEmbed(el.length, item);
        item.insert(0, text);
      }
    } else {
      el.setAttribute('__type', 'h' in part ? 'heading' : 'paragraph');
      el.insert(0, 'h' in part ? part.h : part.p);
    }
  }
}

describe('search entries of a document', () => {
  it('reads each top-level block at its position, and the text of proposals, tasks and agenda items', () => {
    const doc = new Y.Doc();
    createProposal(doc, { id: 'pr', title: 'Buy a chest freezer', method: 'score', options: [{ label: 'Second-hand' }, { label: 'New' }] }, act);
    createTask(doc, { id: 'tk', title: 'Collect bread from the bakery' }, act);
    createAgendaItem(doc, { id: 'ag', title: 'Saturday rota' }, act);
    createTask(doc, { id: 'gone', title: 'Not in the text' }, act);
    write(doc, [{ h: 'Pantry' }, { p: 'Reunión del sábado' }, { list: ['rice', 'beans'] }, { block: 'pr', kind: 'proposal' }, { p: '   ' }, { block: 'tk', kind: 'task' }, { block: 'ag', kind: 'agenda' }]);
    expect(searchEntriesOf(doc)).toEqual([
      { at: 'p0', kind: 'heading', text: 'Pantry' },
      { at: 'p1', kind: 'text', text: 'Reunión del sábado' },
      { at: 'p2', kind: 'list', text: 'rice\nbeans' },
      { at: 'p3', kind: 'proposal', text: 'Buy a chest freezer\nSecond-hand\nNew' },
      { at: 'p5', kind: 'task', text: 'Collect bread from the bakery' },
      { at: 'p6', kind: 'agenda', text: 'Saturday rota' }
    ]);
  });

  it('reads asks and offers of a needs board, never contact details (they are not in this document)', () => {
    const doc = new Y.Doc();
    createNeed(doc, { id: 'a1', kind: 'ask', title: 'Groceries for a family of 4', category: 'food', area: 'Northside', when: 'weekday evenings' }, act);
    expect(searchEntriesOf(doc)).toEqual([{ at: 'na1', kind: 'need', text: 'Groceries for a family of 4 · food · Northside · weekday evenings' }]);
  });

  it('skips blocks it cannot read instead of throwing', () => {
    const doc = new Y.Doc();
    doc.getMap('blocks').set('odd', 42);
    write(doc, [{ block: 'odd', kind: 'proposal' }, { block: 'missing', kind: 'task' }, { p: 'still here' }]);
    expect(searchEntriesOf(doc)).toEqual([{ at: 'p2', kind: 'text', text: 'still here' }]);
  });
});

describe('folding words', () => {
  it('compares Spanish and English words without accents or case', () => {
    expect(foldText('Reunión ÑANDÚ Café')).toBe('reunion nandu cafe');
    expect(termsOf('¿Dónde está la niña? 2 kg.')).toEqual(['donde', 'esta', 'la', 'nina', '2', 'kg']);
  });
});

describe('snippets', () => {
  it('marks the matching words, accents and case ignored', () => {
    expect(snippetOf('La reunión es el Sábado', ['reunion', 'sabado'])).toEqual([
      { text: 'La ', hit: false },
      { text: 'reunión', hit: true },
      { text: ' es el ', hit: false },
      { text: 'Sábado', hit: true }
    ]);
  });

  it('cuts a long text around the first match, at word boundaries', () => {
    const text = `${'word '.repeat(60)}the freezer is full ${'more '.repeat(60)}`;
    const parts = snippetOf(text, ['freezer'], 60);
    const shown = parts.map((p) => p.text).join('');
    expect(shown.startsWith('…')).toBe(true);
    expect(shown.endsWith('…')).toBe(true);
    expect(shown.length).toBeLessThanOrEqual(62);
    expect(parts.filter((p) => p.hit).map((p) => p.text)).toEqual(['freezer']);
    expect(shown).not.toMatch(/…\S*wor…|…ord /);
  });
});

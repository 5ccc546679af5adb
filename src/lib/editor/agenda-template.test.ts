import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { agendaOrder, pulseCounts, strainOf, type AgendaItemInput, type PulseAnswer } from '../shared/model/index.ts';
import { inlineText, readDocumentTree } from '../shared/export/tree.ts';
import { seedDocument } from './seed.ts';
import { agendaTemplate } from './agenda-template.ts';

const calm: PulseAnswer = { energy: 'steady', workload: 'full', connection: 'close' };
const stretched: PulseAnswer = { energy: 'low', workload: 'stretched', connection: 'somewhat' };
const strainOfWeek = (...list: PulseAnswer[]) => strainOf(pulseCounts(list));

/** The agenda's blocks and paragraphs in order: 'block:<title>' or the paragraph's text. */
function outline(doc: Y.Doc): string[] {
  const titles = new Map(agendaOrder(doc).value.map((i) => [i.id, i.title]));
  return readDocumentTree(doc).map((b) => (b.type === 'block' ? `block:${titles.get(b.blockId)}` : 'children' in b ? inlineText(b.children as never) : ''));
}

function seed(items: AgendaItemInput[], strain: ReturnType<typeof strainOfWeek> | null): Y.Doc {
  const doc = new Y.Doc();
  seedDocument(doc, agendaTemplate(items, strain), { kind: 'agenda', title: 'Meeting', actor: { memberId: 'ana', at: 1 } });
  return doc;
}

describe('the agenda template and the group pulse (issue 24)', () => {
  it('puts "How are we doing?" first with the totals when the pulse shows strain', () => {
    const doc = seed([{ title: 'Rent strike', kind: 'discussion' }], strainOfWeek(stretched, stretched, calm, calm));
    const lines = outline(doc);
    const first = lines.findIndex((l) => l.startsWith('block:'));
    expect(lines[first]).toBe('block:How are we doing?');
    expect(lines[first + 1]).toBe('Group pulse: 2 of 4 stretched, 2 of 4 low on energy, 0 of 4 feel apart.');
    expect(agendaOrder(doc).value.map((i) => [i.title, i.kind])).toEqual([['How are we doing?', 'group-health'], ['Rent strike', 'discussion']]);
  });

  it('keeps the usual group-health item, without totals, when there is no strain', () => {
    const lines = outline(seed([], null));
    expect(lines.filter((l) => l.startsWith('block:'))).toEqual(['block:How are we doing as a group?']);
    expect(lines.join('\n')).not.toContain('Group pulse');
  });

  it('moves a carried-over group-health item first and gives it the totals', () => {
    const doc = seed([{ title: 'Budget', kind: 'decision' }, { title: 'Check on each other', kind: 'group-health' }], strainOfWeek(stretched, calm, calm));
    const lines = outline(doc);
    const blocks = lines.filter((l) => l.startsWith('block:'));
    expect(blocks).toEqual(['block:Check on each other', 'block:Budget']);
    expect(lines[lines.indexOf('block:Check on each other') + 1]).toContain('1 of 3 stretched');
  });
});

/**
 * Minutes read the agenda's own text too (issue 16): a proposal decided inside the agenda
 * document and tasks written in its text belong to the meeting even when no agenda item
 * links them. The full Markdown is pinned by src/lib/editor/minutes-golden.test.ts, which
 * writes the text through a real (headless) editor; here the text is written the way
 * @lexical/yjs stores it, so the model is tested on its own.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { BLOCK_NODE_TYPE } from './anchors';
import { castBallot, closeProposal, createAgendaItem, createProposal, createTask, linkTask, meetingMinutes, minutesMarkdown, openProposal } from './index';

const act = (memberId: string, at = Date.UTC(2025, 2, 4, 18, 30)) => ({ memberId, at });
const names: Record<string, string> = { ana: 'Ana', ben: 'Ben' };
const memberName = (id: string) => names[id] ?? id;

type Part = { heading: string } | { text: string } | { block: string; kind: 'agenda' | 'task' | 'proposal' };

/** Write `parts` as the document's text, in @lexical/yjs's structure (see export/tree.ts). */
function writeText(doc: Y.Doc, parts: Part[]): void {
  const root = doc.get('root', Y.XmlText);
  for (const part of parts) {
    if ('block' in part) {
      const el = new Y.XmlElement();
      el.setAttribute('__type', BLOCK_NODE_TYPE);
      el.setAttribute('__blockId', part.block);
      el.setAttribute('__blockKind', part.kind);
      root.insertEmbed(root.length, el);
    } else {
      const el = new Y.XmlText();
      el.setAttribute('__type', 'heading' in part ? 'heading' : 'paragraph');
      if ('heading' in part) el.setAttribute('__tag', 'h2');
      root.insertEmbed(root.length, el);
      el.insert(0, 'heading' in part ? part.heading : part.text);
    }
  }
}

function agenda(): Y.Doc {
  const doc = new Y.Doc();
  createAgendaItem(doc, { id: 'fridge', title: 'Freezer for the pantry', kind: 'decision' }, act('ana'));
  createAgendaItem(doc, { id: 'rota', title: 'Saturday rota' }, act('ana'));
  createProposal(doc, { id: 'buy', title: 'Buy a chest freezer', method: 'consent' }, act('ana'));
  openProposal(doc, 'buy', {}, act('ana'));
  castBallot(doc, 'buy', { choice: 'object', reason: 'No room' }, act('ben'));
  closeProposal(doc, 'buy', {}, act('ana'));
  createTask(doc, { id: 'landlord', title: 'Ask the landlord about power' }, act('ana'));
  createTask(doc, { id: 'flyers', title: 'Print flyers' }, act('ana'));
  createTask(doc, { id: 'hall', title: 'Book the hall' }, act('ana'));
  createTask(doc, { id: 'orphan', title: 'Not in the text' }, act('ana'));
  linkTask(doc, 'rota', 'hall', act('ana'));
  writeText(doc, [
    { heading: 'Items' },
    { block: 'fridge', kind: 'agenda' },
    { text: 'We talked it through.' },
    { block: 'buy', kind: 'proposal' },
    { block: 'landlord', kind: 'task' },
    { block: 'rota', kind: 'agenda' },
    { block: 'hall', kind: 'task' },
    { heading: 'Next meeting' },
    { block: 'flyers', kind: 'task' }
  ]);
  return doc;
}

describe('minutes read the agenda text', () => {
  it('a proposal decided in the agenda is a decision of the meeting, under the item it follows', () => {
    const minutes = meetingMinutes(agenda(), { memberName });
    expect(minutes.issues).toEqual([]);
    const m = minutes.value;
    expect(m.decisions.map((d) => [d.itemTitle, d.title, d.found])).toEqual([['Freezer for the pantry', 'Proposal: Buy a chest freezer', true]]);
    expect(m.decisions[0].details).toContain('Did not pass (closed 2025-03-04 18:30 UTC by Ana)');
    expect(m.decisions[0].details).toContain('Ben: Object — “No room”');
    expect(m.items.find((i) => i.id === 'fridge')?.decisions.map((d) => d.title)).toEqual(['Proposal: Buy a chest freezer']);
    expect(m.items.find((i) => i.id === 'rota')?.decisions).toEqual([]);
  });

  it('tasks written in the text are the meeting\'s, once each, with the item above them (or none)', () => {
    const m = meetingMinutes(agenda(), { memberName }).value;
    expect(m.tasks.map((t) => [t.title, t.itemTitle])).toEqual([
      ['Ask the landlord about power', 'Freezer for the pantry'],
      ['Book the hall', 'Saturday rota'],
      ['Print flyers', null]
    ]);
    expect(m.items.find((i) => i.id === 'fridge')?.tasks.map((t) => t.id)).toEqual(['landlord']);
    expect(m.items.find((i) => i.id === 'rota')?.tasks.map((t) => t.id)).toEqual(['hall']);
    const md = minutesMarkdown(m, { memberName });
    expect(md).toContain('- **Proposal: Buy a chest freezer** (item: Freezer for the pantry)');
    expect(md).toContain('- Print flyers: nobody has claimed it yet\n');
    expect(md).not.toContain('No decisions');
    expect(md).not.toContain('Not in the text');
  });

  it('an agenda with neither says so', () => {
    const doc = new Y.Doc();
    createAgendaItem(doc, { id: 'a', title: 'Check-in' }, act('ana'));
    writeText(doc, [{ block: 'a', kind: 'agenda' }]);
    const md = minutesMarkdown(meetingMinutes(doc).value);
    expect(md).toContain('No decisions were taken at this meeting.');
    expect(md).toContain('No tasks came out of this meeting.');
  });
});

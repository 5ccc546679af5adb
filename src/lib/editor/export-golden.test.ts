/**
 * Golden files for the exporters (tests/golden/*.md|html): a document with every kind of
 * text and block is built through the real editor path (headless Lexical → Yjs), then
 * exported. Set UPDATE_GOLDEN=1 to rewrite the files after an intended change.
 */
import fs from 'node:fs';
import path from 'node:path';
import { $createLinkNode } from '@lexical/link';
import { $createListItemNode, $createListNode } from '@lexical/list';
import { $createHeadingNode, $createQuoteNode } from '@lexical/rich-text';
import { $createParagraphNode, $createTextNode, type ElementNode } from 'lexical';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createAgendaItem } from '../shared/model/agenda.ts';
import { createNeed } from '../shared/model/need.ts';
import { castBallot, closeProposal, createProposal, openProposal } from '../shared/model/proposal.ts';
import { claimTask, createTask } from '../shared/model/task.ts';
import { documentText, exportHtml, exportMarkdown } from '../shared/export/index.ts';
import { seedFromMarkdown } from './import-markdown.ts';
import { $createBlockNode } from './nodes/BlockNode.ts';
import { seedDocument } from './seed.ts';

const GOLDEN = path.resolve(__dirname, '../../../tests/golden');
const T0 = Date.UTC(2025, 2, 4, 18, 30);
const names: Record<string, string> = { ana: 'Ana', ben: 'Ben', cy: 'Cy' };
const options = { memberName: (id: string) => names[id] ?? id };

function text(t: string, format = 0) {
  const node = $createTextNode(t);
  node.setFormat(format);
  return node;
}

/** The fixture: blocks are created in the scratch doc the template gets, with fixed ids and times. */
export function fixtureDocument(): Y.Doc {
  const doc = new Y.Doc();
  seedDocument(
    doc,
    (root: ElementNode, scratch: Y.Doc) => {
      const at = (memberId: string, minutes = 0) => ({ memberId, at: T0 + minutes * 60_000 });
      createProposal(scratch, { id: 'prop1', title: 'Move the food bank to Saturdays', method: 'consent' }, at('ana'));
      openProposal(scratch, 'prop1', { deadline: T0 + 86_400_000 }, at('ana', 1));
      castBallot(scratch, 'prop1', { choice: 'consent' }, at('ana', 2));
      castBallot(scratch, 'prop1', { choice: 'concern', reason: 'Parking is hard' }, at('ben', 3));
      closeProposal(scratch, 'prop1', {}, at('ana', 4));
      createTask(scratch, { id: 'task1', title: 'Book the hall', due: '2025-03-10' }, at('ana'));
      claimTask(scratch, 'task1', at('ben', 5));
      createTask(scratch, { id: 'task2', title: 'Print <flyers> & posters', coLeadWanted: true }, at('ana'));
      createNeed(scratch, { id: 'need1', kind: 'ask', title: 'Lift to the clinic', category: 'transport', urgency: 'urgent', area: 'North side' }, at('cy'));
      createAgendaItem(scratch, { id: 'item1', title: 'Saturday rota', owner: 'ana', timebox: 15 }, at('ana'));

      const p = $createParagraphNode().append(
        text('Plain, '),
        text('bold', 1),
        text(' and '),
        text('italic', 2),
        text(', '),
        text('code `x`', 16),
        text(' and a '),
        $createLinkNode('https://example.org/a?b=1&c=2').append(text('link')),
        text('. Evil: <script>alert("x")</script> *not bold* # not a heading ')
      );
      const bad = $createParagraphNode().append($createLinkNode('javascript:alert(1)').append(text('bad link')));
      const numbered = $createListNode('number').append(
        $createListItemNode().append(text('First')),
        $createListItemNode().append(text('Second'))
      );
      const nested = $createListNode('bullet').append($createListItemNode().append(text('Inner')));
      const bullets = $createListNode('bullet').append($createListItemNode().append(text('Outer')), $createListItemNode().append(nested));
      const checks = $createListNode('check').append($createListItemNode(true).append(text('Done thing')), $createListItemNode(false).append(text('Open thing')));
      root.append(
        $createHeadingNode('h1').append(text('Food bank meeting')),
        p,
        bad,
        $createHeadingNode('h2').append(text('Lists')),
        numbered,
        bullets,
        checks,
        $createQuoteNode().append(text('A quote.')),
        $createParagraphNode(),
        $createHeadingNode('h2').append(text('Blocks')),
        $createBlockNode('prop1', 'proposal'),
        $createBlockNode('task1', 'task'),
        $createBlockNode('task2', 'task'),
        $createBlockNode('need1', 'need'),
        $createBlockNode('item1', 'agenda'),
        $createBlockNode('missing', 'task')
      );
    },
    { kind: 'page', title: 'Saturday <plan>', actor: { memberId: 'ana', at: T0 } }
  );
  return doc;
}

function golden(name: string, actual: string): void {
  const file = path.join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN) {
    fs.mkdirSync(GOLDEN, { recursive: true });
    fs.writeFileSync(file, actual);
  }
  // A missing golden file fails: writing it here would make the test pass whatever the output.
  if (!fs.existsSync(file)) throw new Error(`The golden file ${file} is missing. Run with UPDATE_GOLDEN=1 to write it, and review it before committing.`);
  expect(actual).toBe(fs.readFileSync(file, 'utf8'));
}

describe('exports (golden files)', () => {
  it('Markdown', () => golden('document.md', exportMarkdown(fixtureDocument(), options)));
  it('HTML', () => golden('document.html', exportHtml(fixtureDocument(), options)));
  it('plain text', () => golden('document.txt', documentText(fixtureDocument(), options)));

  it('HTML is safe: no script element, no javascript: link, attributes escaped', () => {
    const html = exportHtml(fixtureDocument(), options);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/javascript:/i);
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('href="https://example.org/a?b=1&amp;c=2"');
    expect(html).toContain('<title>Saturday &lt;plan&gt;</title>');
  });

  it('blocks read as text: the proposal with its result, the task with who claimed it', () => {
    const md = exportMarkdown(fixtureDocument(), options);
    expect(md).toContain('Proposal: Move the food bank to Saturdays');
    expect(md).toMatch(/Passed/);
    expect(md).toMatch(/Claimed by Ben/);
    expect(md).toMatch(/Need: Lift to the clinic/);
    expect(md).toMatch(/Agenda item: Saturday rota/);
    expect(md).toMatch(/Task \(could not be read\)/);
  });

  it('Markdown import then export keeps the text and formatting', () => {
    const source = '# Rota\n\nWe meet **every** Saturday at *noon*.\n\n## Who\n\n- Ana\n- Ben\n\n1. Set up\n2. Clear up\n\n- [x] Keys\n- [ ] Urn\n\n> Bring cups.\n\nSee [the map](<https://example.org/map>).\n';
    const doc = new Y.Doc();
    seedFromMarkdown(doc, source, { title: 'Rota', actor: { memberId: 'ana' } });
    expect(exportMarkdown(doc)).toBe(source);
  });
});

/**
 * Golden file for meeting minutes (src/lib/shared/model/__golden__/minutes.md): an agenda
 * built through the real editor path (headless Lexical → Yjs) with notes under its items,
 * a decision linked to a proposal in another document, tasks with and without claimants,
 * roles and attendees. Set UPDATE_GOLDEN=1 to rewrite the file after an intended change.
 */
import fs from 'node:fs';
import path from 'node:path';
import { $createListItemNode, $createListNode } from '@lexical/list';
import { $createHeadingNode } from '@lexical/rich-text';
import { $createParagraphNode, $createTextNode, type ElementNode } from 'lexical';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createAgendaItem, linkTask, setAgendaItemStatus, updateAgendaItem } from '../shared/model/agenda.ts';
import { endMeeting, markAttendance, meetingMinutes, minutesMarkdown, nextAgendaItem, setMeetingRole, startMeeting } from '../shared/model/index.ts';
import { castBallot, closeProposal, createProposal, openProposal } from '../shared/model/proposal.ts';
import { claimTask, createTask, markTaskDone } from '../shared/model/task.ts';
import { $createBlockNode } from './nodes/BlockNode.ts';
import { seedDocument } from './seed.ts';

const GOLDEN = path.resolve(__dirname, '../shared/model/__golden__/minutes.md');
const T0 = Date.UTC(2025, 2, 4, 18, 30);
const names: Record<string, string> = { ana: 'Ana', ben: 'Ben', cy: 'Cy' };
const memberName = (id: string) => names[id] ?? id;
const at = (memberId: string, minutes = 0) => ({ memberId, at: T0 + minutes * 60_000 });

const h = (t: string) => $createHeadingNode('h2').append($createTextNode(t));
const p = (t = '') => (t ? $createParagraphNode().append($createTextNode(t)) : $createParagraphNode());

function proposalDocument(): Y.Doc {
  const doc = new Y.Doc();
  createProposal(doc, { id: 'freezer', title: 'Buy a chest freezer', method: 'consent' }, at('ana'));
  openProposal(doc, 'freezer', { deadline: T0 + 86_400_000 }, at('ana', 1));
  castBallot(doc, 'freezer', { choice: 'consent' }, at('ana', 2));
  castBallot(doc, 'freezer', { choice: 'concern', reason: 'Power use' }, at('ben', 3));
  closeProposal(doc, 'freezer', {}, at('ana', 30));
  return doc;
}

function agendaDocument(): Y.Doc {
  const doc = new Y.Doc();
  seedDocument(
    doc,
    (root: ElementNode, scratch: Y.Doc) => {
      createAgendaItem(scratch, { id: 'rota', title: 'Saturday rota', kind: 'discussion', owner: 'ben', timebox: 15 }, at('ana'));
      createAgendaItem(scratch, { id: 'health', title: 'How are we doing?', kind: 'group-health', timebox: 5 }, at('ana'));
      createAgendaItem(scratch, { id: 'fridge', title: 'Freezer for the pantry', kind: 'decision', owner: 'ana', timebox: 10, proposalId: 'freezer', proposalDoc: 'props' }, at('ana'));
      createAgendaItem(scratch, { id: 'budget', title: 'Budget *report*', kind: 'report', timebox: 10 }, at('ana'));
      createTask(scratch, { id: 'hall', title: 'Book the hall', due: '2025-03-10' }, at('ana'));
      createTask(scratch, { id: 'flyers', title: 'Print flyers' }, at('ana'));
      createTask(scratch, { id: 'quotes', title: 'Get three freezer quotes' }, at('ana'));
      const checks = $createListNode('check').append(
        $createListItemNode(true).append($createTextNode('Ask Cy about Sundays')),
        $createListItemNode(false).append($createTextNode(''))
      );
      root.append(
        $createHeadingNode('h1').append($createTextNode('Meeting agenda')),
        h('Check-in'),
        p('Everyone arrived tired but glad.'),
        h('Items'),
        $createBlockNode('health', 'agenda'),
        p('People feel stretched; fewer shifts each.'),
        $createBlockNode('rota', 'agenda'),
        p('Two volunteers short on Saturdays.'),
        checks,
        $createBlockNode('fridge', 'agenda'),
        p(),
        $createBlockNode('budget', 'agenda'),
        p(),
        h('Appreciations'),
        p('Thanks to Ben for the van.')
      );
    },
    { kind: 'agenda', title: 'Pantry meeting 4 March', actor: at('ana') }
  );
  setMeetingRole(doc, 'facilitator', 'ana', at('ana'));
  setMeetingRole(doc, 'note-taker', 'ben', at('ben'));
  startMeeting(doc, at('ana', 0));
  markAttendance(doc, ['ana'], at('ana', 0));
  markAttendance(doc, ['ben', 'cy'], at('ben', 1));
  nextAgendaItem(doc, at('ana', 6));
  linkTask(doc, 'rota', 'hall', at('ben', 10));
  linkTask(doc, 'rota', 'flyers', at('ben', 11));
  claimTask(doc, 'hall', at('ben', 12));
  nextAgendaItem(doc, at('ana', 21));
  updateAgendaItem(doc, 'fridge', { outcome: 'Agreed by consent; Ana orders it.' }, at('ana', 31));
  linkTask(doc, 'fridge', 'quotes', at('ana', 31));
  claimTask(doc, 'quotes', at('cy', 32));
  markTaskDone(doc, 'quotes', at('cy', 33));
  setAgendaItemStatus(doc, 'fridge', 'done', at('ana', 34));
  endMeeting(doc, at('ana', 65));
  return doc;
}

describe('meeting minutes', () => {
  it('match the golden Markdown', () => {
    const props = proposalDocument();
    const doc = agendaDocument();
    const minutes = meetingMinutes(doc, { memberName, documentOf: (id) => (id === 'props' ? props : undefined) });
    expect(minutes.issues).toEqual([]);
    const markdown = minutesMarkdown(minutes.value, { memberName });
    if (process.env.UPDATE_GOLDEN) fs.writeFileSync(GOLDEN, markdown);
    if (!fs.existsSync(GOLDEN)) throw new Error(`The golden file ${GOLDEN} is missing. Run with UPDATE_GOLDEN=1 to write it, and review it before committing.`);
    expect(markdown).toBe(fs.readFileSync(GOLDEN, 'utf8'));
  });

  it('say so when a linked proposal is not on this device, and never throw', () => {
    const doc = agendaDocument();
    const minutes = meetingMinutes(doc, { memberName });
    expect(minutes.value.decisions[0]).toMatchObject({ found: false, title: 'Proposal (not available on this device)' });
    expect(minutes.issues.map((i) => i.reason)).toContain('linked proposal not found on this device');
  });
});

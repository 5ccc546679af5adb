import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { anchoredBlockIds, blockIdsInText, BLOCK_NODE_TYPE } from './anchors';
import {
  addFollowUpTask,
  castBallot,
  claimTask,
  closeProposal,
  createAgendaItem,
  createProposal,
  createTask,
  decisionLog,
  getBlocks,
  getRoot,
  linkTask,
  memberOpenWork,
  openProposal,
  openProposalsOf,
  openTasks,
  proposalsAwaitingBallot,
  readTask,
  workload
} from './index';
import { memberWorkloads, taskBoard } from './sharing';
import { placeInText, removeFromText, replica, sync } from './test-support';

const act = (memberId: string, at = 1000) => ({ memberId, at });

/** A paragraph as @lexical/yjs stores one: a Y.XmlText with a text-node map and its text. */
function paragraph(text: string): Y.XmlText {
  const p = new Y.XmlText();
  p.setAttribute('__type', 'paragraph');
  p.insertEmbed(0, new Y.Map([['__type', 'text']]));
  p.insert(1, text);
  return p;
}

function blockNode(blockId: unknown, type = BLOCK_NODE_TYPE): Y.XmlElement {
  const node = new Y.XmlElement();
  node.setAttribute('__type', type);
  node.setAttribute('__blockId', blockId as string);
  return node;
}

describe('blocks anchored in the text', () => {
  it('finds block nodes in text order, at any depth, and nothing else', () => {
    const doc = new Y.Doc();
    const root = getRoot(doc);
    const list = new Y.XmlText();
    root.insertEmbed(0, paragraph('Shopping'));
    root.insertEmbed(1, blockNode('first'));
    root.insertEmbed(2, list);
    // Nested inside an element (no editor puts one there, but a peer may): still in the text.
    list.insertEmbed(0, paragraph('- rice'));
    list.insertEmbed(1, blockNode('nested'));
    root.insertEmbed(3, blockNode('x', 'image'));
    root.insertEmbed(4, blockNode(42));
    root.insertEmbed(5, blockNode('last'));
    expect(blockIdsInText(doc)).toEqual(['first', 'nested', 'last']);
    root.delete(1, 1);
    expect(blockIdsInText(doc)).toEqual(['nested', 'last']);
    expect(blockIdsInText(new Y.Doc())).toEqual([]);
  });

  it('anchors follow-up tasks and action items to their proposal or agenda item', () => {
    const doc = new Y.Doc();
    const p = createProposal(doc, { id: 'p', title: 'Freezer', method: 'consent' }, act('ana'));
    openProposal(doc, p, {}, act('ana'));
    closeProposal(doc, p, {}, act('ana'));
    const followUp = addFollowUpTask(doc, p, { title: 'Collect it' }, act('ana'));
    const item = createAgendaItem(doc, { id: 'i', title: 'Rota' }, act('ana'));
    const action = createTask(doc, { id: 'action', title: 'Ask Ben' }, act('ana'));
    linkTask(doc, item, action, act('ana'));
    expect([...anchoredBlockIds(doc)]).toEqual([]);
    const [pNode] = placeInText(doc, p);
    const [iNode] = placeInText(doc, item);
    expect([...anchoredBlockIds(doc)].sort()).toEqual([action, 'i', 'p', followUp].sort());
    removeFromText(doc, pNode);
    removeFromText(doc, iNode);
    expect([...anchoredBlockIds(doc)]).toEqual([]);
  });

  it('a task whose node left the text is on no board, in no one’s work or workload; undo and redo bring it back, claim and all', () => {
    const doc = new Y.Doc();
    const docs = [{ docId: 'page', doc }];
    const kept = createTask(doc, { id: 'kept', title: 'Kept' }, act('ana'));
    placeInText(doc, kept);
    // The editor's undo manager tracks the text, not the model: as in the app.
    const undo = new Y.UndoManager(getRoot(doc), { trackedOrigins: new Set(['editor']) });
    const t = createTask(doc, { id: 'oops', title: 'New task' }, act('ana'));
    doc.transact(() => placeInText(doc, t), 'editor');
    claimTask(doc, t, act('ben'));
    const claimed = (): string[] => memberOpenWork(docs, 'ben').value.tasks.map((x) => x.id);
    expect(claimed()).toEqual(['oops']);

    undo.undo();
    expect(blockIdsInText(doc)).toEqual(['kept']);
    expect(claimed()).toEqual([]);
    expect(openTasks(docs).value.map((x) => x.id)).toEqual(['kept']);
    expect(workload(docs, ['ben'], 3).value[0].openClaims).toBe(0);
    expect(memberWorkloads(docs, ['ben'], 3, '2025-01-01').value[0].claims).toEqual([]);
    expect(taskBoard(docs, { viewer: 'ana', newcomer: false, today: '2025-01-01' }).value.open.map((x) => x.id)).toEqual(['kept']);
    // Not deleted: its state (and Ben's claim) stays for redo.
    expect(getBlocks(doc).has('oops')).toBe(true);
    expect(readTask(doc, 'oops').value?.claimant).toBe('ben');

    undo.redo();
    expect(blockIdsInText(doc)).toEqual(['kept', 'oops']);
    expect(claimed()).toEqual(['oops']);
  });

  it('proposals and agenda items outside the text leave My work, the open proposals and the decision log', () => {
    const doc = new Y.Doc();
    const docs = [{ docId: 'page', doc, title: 'Page' }];
    for (const id of ['open', 'decided']) {
      createProposal(doc, { id, title: id, method: 'consent' }, act('ana'));
      openProposal(doc, id, {}, act('ana'));
    }
    castBallot(doc, 'decided', { choice: 'consent' }, act('ben'));
    closeProposal(doc, 'decided', {}, act('ana', 2000));
    createAgendaItem(doc, { id: 'item', title: 'Report', owner: 'ben' }, act('ana'));
    const nodes = placeInText(doc, 'open', 'decided', 'item');
    expect(proposalsAwaitingBallot(docs, 'ben', 1500).value.map((p) => p.id)).toEqual(['open']);
    expect(memberOpenWork(docs, 'ben').value.proposalsAwaitingBallot.map((p) => p.id)).toEqual(['open']);
    expect(memberOpenWork(docs, 'ben').value.agendaItems.map((i) => i.id)).toEqual(['item']);
    expect(decisionLog(docs).value.map((e) => e.proposalId)).toEqual(['decided']);

    for (const node of nodes) removeFromText(doc, node);
    expect(proposalsAwaitingBallot(docs, 'ben', 1500).value).toEqual([]);
    expect(openProposalsOf(docs).value).toEqual([]);
    expect(memberOpenWork(docs, 'ben').value.proposalsAwaitingBallot).toEqual([]);
    expect(memberOpenWork(docs, 'ben').value.agendaItems).toEqual([]);
    expect(decisionLog(docs).value).toEqual([]);
  });

  it('every replica agrees when one removes the node while another claims the task', () => {
    const a = replica(1);
    const b = replica(2);
    const t = createTask(a, { id: 't', title: 'Van' }, act('ana'));
    const [node] = placeInText(a, t);
    sync(a, b);
    removeFromText(a, node);
    claimTask(b, t, act('ben'));
    sync(a, b);
    for (const doc of [a, b]) {
      expect(blockIdsInText(doc)).toEqual([]);
      expect(memberOpenWork([{ docId: 'd', doc }], 'ben').value.tasks).toEqual([]);
      expect(readTask(doc, t).value?.claimant).toBe('ben');
    }
  });
});

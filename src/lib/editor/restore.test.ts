/**
 * Restoring a version through the real editor binding: two headless editors linked in-page,
 * one restores, both show the old text, and typing carries on normally afterwards.
 */
import { createHeadlessEditor } from '@lexical/headless';
import { $createParagraphNode, $createTextNode, $getRoot, $isElementNode, $isTextNode, type LexicalEditor } from 'lexical';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { documentText } from '../shared/export/text.ts';
import { loadVersion, restoreVersion } from '../shared/history/restore.ts';
import { getBlocks } from '../shared/model/doc.ts';
import { claimTask, createTask, readTask } from '../shared/model/task.ts';
import { bindEditorToDoc } from './binding/collaboration.ts';
import { linkPeers, MemoryProvider } from './binding/memory-provider.ts';
import { $createBlockNode } from './nodes/BlockNode.ts';
import { mutualNodes } from './nodes/registry.ts';
import { seedDocument } from './seed.ts';

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

function peer(name: string, doc = new Y.Doc()) {
  const provider = new MemoryProvider(doc);
  const editor = createHeadlessEditor({ namespace: 't', nodes: [...mutualNodes], onError: (e) => { throw e; } });
  const collab = bindEditorToDoc(editor, { id: 'doc', doc, provider, user: { id: name, name, colour: '#333' } });
  cleanups.push(() => { collab.destroy(); provider.destroy(); });
  return { doc, provider, editor };
}

const settle = async () => { for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0)); };
const text = (e: LexicalEditor) => e.getEditorState().read(() => $getRoot().getTextContent());

function typeAtEnd(editor: LexicalEditor, chars: string): void {
  editor.update(() => {
    const last = $getRoot().getLastChild();
    if (!$isElementNode(last)) throw new Error('no paragraph');
    const leaf = last.getLastDescendant();
    if ($isTextNode(leaf)) leaf.select(leaf.getTextContentSize(), leaf.getTextContentSize()).insertText(chars);
    else last.append($createTextNode(chars));
  }, { discrete: true });
}

describe('restoreVersion', () => {
  it('replaces the text on every linked editor as a new change, and editing continues', async () => {
    const a = peer('ana');
    const b = peer('ben');
    seedDocument(a.doc, (root) => root.append($createParagraphNode().append($createTextNode('Rota: Ana on Saturday'))));
    linkPeers(a.provider, b.provider);
    await settle();
    const version = Y.encodeStateAsUpdate(a.doc);
    const oldText = text(a.editor);

    typeAtEnd(a.editor, ', Ben on Sunday');
    await settle();
    b.editor.update(() => $getRoot().append($createParagraphNode().append($createTextNode('A new paragraph by Ben'))), { discrete: true });
    await settle();
    expect(text(a.editor)).toContain('A new paragraph by Ben');
    const svBefore = Y.encodeStateVector(a.doc);

    restoreVersion(a.doc, loadVersion(version));
    await settle();
    expect(text(a.editor)).toBe(oldText);
    expect(text(b.editor)).toBe(oldText);
    expect(b.editor.getEditorState().toJSON()).toEqual(a.editor.getEditorState().toJSON());
    // A new change: the state only grew (nothing was rewritten), and the in-between edits are
    // still in a version taken before the restore.
    expect(Y.encodeStateVector(a.doc)).not.toEqual(svBefore);

    typeAtEnd(b.editor, ' (confirmed)');
    await settle();
    expect(text(a.editor)).toBe(`${oldText} (confirmed)`);
  });

  it('brings back blocks the live document lost, keeps the live state of blocks that remain', async () => {
    const a = peer('ana');
    seedDocument(a.doc, (root, scratch) => {
      createTask(scratch, { id: 'keep', title: 'Book the hall' }, { memberId: 'ana' });
      createTask(scratch, { id: 'lost', title: 'Buy urn' }, { memberId: 'ana' });
      root.append($createParagraphNode().append($createTextNode('Tasks')), $createBlockNode('keep', 'task'), $createBlockNode('lost', 'task'));
    });
    await settle();
    const version = Y.encodeStateAsUpdate(a.doc);
    // Since the version: someone claims a task, the other task's node and state are removed.
    claimTask(a.doc, 'keep', { memberId: 'ben' });
    a.editor.update(() => $getRoot().getLastChild()?.remove(), { discrete: true });
    getBlocks(a.doc).delete('lost');
    await settle();
    expect(documentText(a.doc)).not.toContain('Buy urn');

    const result = restoreVersion(a.doc, loadVersion(version));
    await settle();
    expect(result.restoredBlocks).toEqual(['lost']);
    expect(readTask(a.doc, 'lost').value?.title).toBe('Buy urn');
    expect(readTask(a.doc, 'keep').value?.claimant).toBe('ben');
    expect(text(a.editor)).toContain('[Task]');
    expect(a.editor.getEditorState().read(() => $getRoot().getChildrenSize())).toBe(3);
  });

  it('a replica that only receives the update converges to the same JSON', () => {
    const a = new Y.Doc();
    seedDocument(a, (root) => root.append($createParagraphNode().append($createTextNode('v1'))));
    const version = Y.encodeStateAsUpdate(a);
    const b = new Y.Doc();
    Y.applyUpdate(b, version);
    restoreVersion(a, loadVersion(version));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
    expect(b.get('root', Y.XmlText).toJSON()).toEqual(a.get('root', Y.XmlText).toJSON());
    expect(documentText(b)).toBe('v1');
  });
});

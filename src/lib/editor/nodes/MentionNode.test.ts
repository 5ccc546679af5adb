/**
 * @mentions in the text (issue 22): a node bound to a member id that survives the Yjs binding
 * (two editors, and a reload from the stored state), read back from the Y.Doc by exports,
 * search, minutes and "What needs me" under the member's current name.
 */
import { createHeadlessEditor } from '@lexical/headless';
import { $createParagraphNode, $createTextNode, $getRoot, $isElementNode, type LexicalEditor } from 'lexical';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { exportHtml, exportMarkdown, documentText } from '../../shared/export/index.ts';
import { mentionParts, mentionsFor, summariseDocument, textThreadOf } from '../../shared/model/index.ts';
import { documentNotifications, notifySource } from '../../shared/notifications/events.ts';
import { searchEntriesOf } from '../../shared/search/index.ts';
import { bindEditorToDoc } from '../binding/collaboration.ts';
import { linkPeers, MemoryProvider } from '../binding/memory-provider.ts';
import { $insertMention } from '../plugins/mention-menu.ts';
import { seedDocument } from '../seed.ts';
import { mutualNodes } from './registry.ts';
import { $createMentionNode, $isMentionNode, MentionNode } from './MentionNode.ts';

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

function peer(name: string, doc = new Y.Doc()): { doc: Y.Doc; provider: MemoryProvider; editor: LexicalEditor } {
  const provider = new MemoryProvider(doc);
  const editor = createHeadlessEditor({ namespace: 'test', nodes: [...mutualNodes], onError: (e) => { throw e; } });
  const collab = bindEditorToDoc(editor, { id: 'doc', doc, provider, user: { id: name, name, colour: '#333' } });
  cleanups.push(() => {
    collab.destroy();
    provider.destroy();
  });
  return { doc, provider, editor };
}

const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
};

/** Ana writes "Can @Ben bring the urn?" at the end of the first paragraph, picking Ben. */
function writeMention(editor: LexicalEditor, at: number): void {
  editor.update(
    () => {
      const first = $getRoot().getFirstChild();
      if (!$isElementNode(first)) throw new Error('no paragraph');
      first.append($createTextNode('Can '));
      first.selectEnd();
      $insertMention({ id: 'ben', name: 'Ben' }, 'ana', at);
      first.append($createTextNode('bring the urn?'));
    },
    { discrete: true }
  );
}

const mentionsIn = (editor: LexicalEditor) =>
  editor.getEditorState().read(() => $getRoot().getChildren().flatMap((p) => ($isElementNode(p) ? p.getChildren().filter($isMentionNode).map((n) => n.exportJSON()) : [])));

describe('MentionNode', () => {
  it('serialises to JSON bound to the member id, and refuses a bad id', () => {
    const editor = createHeadlessEditor({ nodes: [...mutualNodes], onError: (e) => { throw e; } });
    editor.update(() => $getRoot().append($createParagraphNode().append($createMentionNode('ben', 'Ben', 'ana', 5))), { discrete: true });
    const json = editor.getEditorState().toJSON();
    const restored = createHeadlessEditor({ nodes: [...mutualNodes], onError: (e) => { throw e; } });
    restored.setEditorState(restored.parseEditorState(json));
    expect(mentionsIn(restored)).toEqual([expect.objectContaining({ type: 'mention', memberId: 'ben', name: 'Ben', by: 'ana', at: 5 })]);
    expect(() => MentionNode.importJSON({ type: 'mention', version: 1, memberId: 'a b', name: '', by: '', at: 0 })).toThrow(/bad member id/);
  });

  it('reaches a second editor through Yjs and survives a reload from the stored state', async () => {
    const a = peer('ana');
    const b = peer('ben');
    seedDocument(a.doc);
    const l = linkPeers(a.provider, b.provider);
    cleanups.push(() => l.destroy());
    await settle();
    writeMention(a.editor, 1000);
    await settle();
    expect(mentionsIn(b.editor)).toEqual([expect.objectContaining({ memberId: 'ben', by: 'ana', at: 1000 })]);
    expect(b.editor.getEditorState().toJSON()).toEqual(a.editor.getEditorState().toJSON());
    const reloaded = new Y.Doc();
    Y.applyUpdate(reloaded, Y.encodeStateAsUpdate(b.doc));
    const c = peer('cat', reloaded);
    expect(mentionsIn(c.editor)).toEqual(mentionsIn(a.editor));
  });

  it('is read from the Y.Doc: exports, search and "What needs me" show the current name; notifications tell the member', async () => {
    const a = peer('ana');
    seedDocument(a.doc);
    await settle();
    const now = Date.now();
    writeMention(a.editor, now);
    await settle();
    const names = (id: string) => ({ ben: 'Benjamín', ana: 'Ana' })[id] ?? id;
    expect(exportMarkdown(a.doc, { memberName: names, title: 'T' })).toContain('Can @Benjamín bring the urn?');
    expect(exportHtml(a.doc, { memberName: names, title: 'T' })).toContain('Can <span class="mention">@Benjamín</span> bring the urn?');
    expect(documentText(a.doc)).toContain('Can @Ben bring the urn?'); // no directory: the name it was written with
    expect(searchEntriesOf(a.doc, names).map((e) => e.text)).toContain('Can @Benjamín bring the urn?');

    const { mentions } = summariseDocument('d1', a.doc).value;
    expect(mentions).toEqual([expect.objectContaining({ docId: 'd1', threadId: textThreadOf('d1'), member: 'ben', by: 'ana', at: now, place: 'p0', quote: 'Can @Ben bring the urn?' })]);
    expect(mentionParts(mentions[0]!.excerpt).map((p) => ('text' in p ? p.text : `@${names(p.memberId)}`)).join('')).toBe('Can @Benjamín bring the urn?');
    // Listed until Ben opens the document after it was written.
    expect(mentionsFor(mentions, 'ben', () => 0)).toHaveLength(1);
    expect(mentionsFor(mentions, 'ben', (t) => (t === textThreadOf('d1') ? now + 1 : 0))).toHaveLength(0);
    expect(mentionsFor(mentions, 'ana', () => 0)).toHaveLength(0);

    const members = [{ id: 'ana', role: 'editor' as const, coordinator: false }, { id: 'ben', role: 'editor' as const, coordinator: false }];
    const { events } = documentNotifications(notifySource('d1', a.doc), { workspaceId: 'ws', docId: 'd1', now, members });
    expect(events).toEqual([expect.objectContaining({ kind: 'mentioned', recipients: ['ben'], url: '/w/ws/d/d1?at=p0', body: 'You were mentioned in a document: “Can @Ben bring the urn?”' })]);
  });

  it('a mention of oneself is not listed, and a paste without author or time stays quiet', async () => {
    const a = peer('ana');
    seedDocument(a.doc);
    await settle();
    a.editor.update(
      () => {
        const first = $getRoot().getFirstChild();
        if (!$isElementNode(first)) throw new Error('no paragraph');
        first.append($createMentionNode('ana', 'Ana', 'ana', 5), $createMentionNode('ben', 'Ben', '', 0));
      },
      { discrete: true }
    );
    await settle();
    const { mentions } = summariseDocument('d1', a.doc).value;
    expect(mentions.map((m) => m.member)).toEqual(['ben']);
    expect(mentionsFor(mentions, 'ben', () => 0)).toEqual([]);
  });
});

// @vitest-environment jsdom
import { $generateNodesFromDOM } from '@lexical/html';
import { $isLinkNode } from '@lexical/link';
import { $getRoot, $isElementNode, $isTextNode, createEditor, type LexicalNode } from 'lexical';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { blockCopier } from '../blocks.ts';
import { $createBlockNode, $isBlockNode } from '../nodes/BlockNode.ts';
import { mutualNodes } from '../nodes/registry.ts';
import { createTask, readTask } from '../../shared/model/task.ts';
import { $sanitiseNodes } from './paste.ts';

const GOOGLE_DOCS = `<meta charset="utf-8"><b style="font-weight:normal;" id="docs-internal-guid-1"><h1 dir="ltr" style="line-height:1.38"><span style="font-size:20pt;font-family:Arial;color:#000000;font-weight:400">Minutes</span></h1><ul style="margin-top:0"><li dir="ltr" style="list-style-type:disc"><p dir="ltr"><span style="font-size:11pt;font-family:Arial;font-weight:700">Rent</span><span style="font-size:11pt;color:#ff0000"> is due</span></p></li></ul><p dir="ltr"><a href="https://example.org/fund" style="text-decoration:none"><span style="color:#1155cc;text-decoration:underline">fund</span></a> and <a href="javascript:alert(1)" onclick="steal()">click me</a></p><script>alert(1)</script><style>p{color:red}</style></b>`;

function collect(nodes: LexicalNode[]): LexicalNode[] {
  return nodes.flatMap((n) => [n, ...($isElementNode(n) ? collect(n.getChildren()) : [])]);
}

describe('paste sanitiser', () => {
  it('keeps headings, lists, bold and safe links from Google Docs, drops styles, scripts and unsafe links', () => {
    const editor = createEditor({ nodes: [...mutualNodes], onError: (e) => { throw e; } });
    const doc = new Y.Doc();
    editor.update(
      () => {
        const dom = new DOMParser().parseFromString(GOOGLE_DOCS, 'text/html');
        const nodes = $generateNodesFromDOM(editor, dom);
        $sanitiseNodes(nodes, doc, blockCopier(doc, () => ({ memberId: 'ana' })));
        $getRoot().append(...nodes.filter($isElementNode));
        const all = collect($getRoot().getChildren());
        const types = all.map((n) => n.getType());
        expect(types).toContain('heading');
        expect(types).toContain('list');
        const texts = all.filter($isTextNode);
        expect(texts.find((t) => t.getTextContent() === 'Rent')?.hasFormat('bold')).toBe(true);
        // No inline styles survive (fonts, colours, sizes).
        expect(texts.every((t) => t.getStyle() === '')).toBe(true);
        const links = all.filter($isLinkNode);
        expect(links.map((l) => l.getURL())).toEqual(['https://example.org/fund']);
        const text = $getRoot().getTextContent();
        expect(text).toContain('click me'); // the unsafe link's text stays, as text
        expect(text).not.toContain('alert');
        expect(text).not.toContain('color:red');
        expect(JSON.stringify(editor.getEditorState().toJSON())).not.toMatch(/onclick|steal|javascript/i);
      },
      { discrete: true }
    );
  });

  it('a pasted block becomes a copy with a new id, in the same or another document', () => {
    const editor = createEditor({ nodes: [...mutualNodes], onError: (e) => { throw e; } });
    const source = new Y.Doc();
    const target = new Y.Doc();
    const original = createTask(source, { title: 'Bring chairs' }, { memberId: 'ana' });
    editor.update(
      () => {
        // Same document: the id already exists there.
        const same = [$createBlockNode(original, 'task')];
        $sanitiseNodes(same, source, blockCopier(source, () => ({ memberId: 'ben' })));
        const copyId = ($isBlockNode(same[0]) && same[0].getBlockId()) as string;
        expect(copyId).not.toBe(original);
        expect(readTask(source, copyId).value?.title).toBe('Bring chairs (copy)');
        // Unknown source (another device): a fresh block of that kind, never a dangling id.
        const foreign = [$createBlockNode('fromElsewhere1', 'task')];
        $sanitiseNodes(foreign, target, blockCopier(target, () => ({ memberId: 'ben' })));
        const freshId = ($isBlockNode(foreign[0]) && foreign[0].getBlockId()) as string;
        expect(freshId).not.toBe('fromElsewhere1');
        expect(readTask(target, freshId).value).not.toBeNull();
      },
      { discrete: true }
    );
  });
});

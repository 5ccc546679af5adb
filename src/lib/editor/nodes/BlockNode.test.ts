import { createHeadlessEditor } from '@lexical/headless';
import { $getRoot, $parseSerializedNode } from 'lexical';
import { describe, expect, it } from 'vitest';
import { $createBlockNode, $isBlockNode, BlockNode, InvalidBlockNodeError, parseSerializedBlock } from './BlockNode.ts';
import { mutualNodes } from './registry.ts';

const editor = () => createHeadlessEditor({ nodes: [...mutualNodes], onError: (e) => { throw e; } });

describe('BlockNode', () => {
  it('can be constructed with no arguments (@lexical/yjs does so)', () => {
    const e = editor();
    e.update(() => {
      const node = new BlockNode();
      expect(node.__blockId).toBe('');
      expect(node.__blockKind).toBe('task');
    }, { discrete: true });
  });

  it('round-trips through JSON holding only id and kind', () => {
    const e = editor();
    e.update(() => {
      const node = $createBlockNode('abcDEF123_-', 'proposal');
      $getRoot().append(node);
      const json = node.exportJSON();
      expect(json).toMatchObject({ type: 'mutual-block', version: 1, blockId: 'abcDEF123_-', blockKind: 'proposal' });
      // No block state in the node: only the reference.
      expect(Object.keys(json).sort()).toEqual(['blockId', 'blockKind', 'type', 'version']);
      const back = $parseSerializedNode(json);
      expect($isBlockNode(back) && back.getBlockId()).toBe('abcDEF123_-');
      expect($isBlockNode(back) && back.getBlockKind()).toBe('proposal');
    }, { discrete: true });
  });

  it('refuses malformed JSON (a hostile or broken paste)', () => {
    const bad = [
      null,
      'x',
      { blockId: '', blockKind: 'task' },
      { blockId: 'has space', blockKind: 'task' },
      { blockId: 'a'.repeat(65), blockKind: 'task' },
      { blockId: 'ok', blockKind: 'poll' },
      { blockId: 'ok' },
      { blockId: 42, blockKind: 'task' }
    ];
    for (const json of bad) expect(() => parseSerializedBlock(json), JSON.stringify(json)).toThrow(InvalidBlockNodeError);
    const e = editor();
    expect(() =>
      e.update(() => BlockNode.importJSON({ type: 'mutual-block', version: 1, blockId: '<img onerror=x>', blockKind: 'task' }), { discrete: true })
    ).toThrow(InvalidBlockNodeError);
  });

  it('decorates with data for the Svelte bridge, not markup', () => {
    const e = editor();
    e.update(() => {
      expect($createBlockNode('id1', 'need').decorate()).toEqual({ blockId: 'id1', kind: 'need' });
    }, { discrete: true });
  });
});

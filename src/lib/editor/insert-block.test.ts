import { createHeadlessEditor } from '@lexical/headless';
import {
  $createNodeSelection,
  $createParagraphNode,
  $createTextNode,
  $getRoot,
  $getSelection,
  $isElementNode,
  $isRangeSelection,
  $setSelection,
  type ElementNode,
  type LexicalEditor,
  type LexicalNode
} from 'lexical';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { blockIdsInText } from '../shared/model/anchors.ts';
import { bindEditorToDoc } from './binding/collaboration.ts';
import { MemoryProvider } from './binding/memory-provider.ts';
import { seedDocument } from './seed.ts';
import { $insertBlock, registerInsertBlock } from './insert-block.ts';
import { $createBlockNode, $isBlockNode, BlockNode, INSERT_BLOCK_COMMAND } from './nodes/BlockNode.ts';
import { mutualNodes } from './nodes/registry.ts';

/**
 * Lexical reports a lost selection (error #19) through onError and reverts the whole update:
 * here onError throws, so a failed insertion fails the test instead of passing silently.
 */
const editor = (): LexicalEditor => createHeadlessEditor({ nodes: [...mutualNodes], onError: (e) => { throw e; } });

/** The document as `p:<text>` and `<kind>:<id>` entries, and where the caret is. */
function outline(e: LexicalEditor): { nodes: string[]; caret: string } {
  return e.getEditorState().read(() => {
    const nodes = $getRoot()
      .getChildren()
      .map((n) => ($isBlockNode(n) ? `${n.getBlockKind()}:${n.getBlockId()}` : `p:${n.getTextContent()}`));
    const selection = $getSelection();
    let caret = 'none';
    if ($isRangeSelection(selection)) {
      const at = selection.anchor.getNode();
      const top = at.getTopLevelElement() ?? at;
      caret = `${$getRoot().getChildren().findIndex((n) => n.is(top))}@${selection.anchor.offset}`;
    }
    return { nodes, caret };
  });
}

/** Build the document from `p:<text>` / `task:<id>` entries and place the caret. */
function build(e: LexicalEditor, nodes: string[], caret: (children: LexicalNode[]) => void): void {
  e.update(
    () => {
      const root = $getRoot();
      for (const spec of nodes) {
        const [kind, rest] = [spec.slice(0, spec.indexOf(':')), spec.slice(spec.indexOf(':') + 1)];
        if (kind === 'p') root.append(rest ? $createParagraphNode().append($createTextNode(rest)) : $createParagraphNode());
        else root.append($createBlockNode(rest, kind as 'task'));
      }
      caret(root.getChildren());
    },
    { discrete: true }
  );
}

function insert(e: LexicalEditor, id: string, kind: 'task' | 'proposal' = 'task'): void {
  e.update(() => $insertBlock($createBlockNode(id, kind)), { discrete: true });
}

const endOf = (n: LexicalNode): void => {
  if ($isElementNode(n)) n.selectEnd();
};

describe('inserting a block at the caret', () => {
  it('takes the place of an empty line directly above another block, and leaves a line to type on', () => {
    const e = editor();
    build(e, ['p:Shopping', 'p:', 'task:first', 'p:'], (c) => endOf(c[1]));
    insert(e, 'second', 'proposal');
    expect(outline(e)).toEqual({ nodes: ['p:Shopping', 'proposal:second', 'p:', 'task:first', 'p:'], caret: '2@0' });
    // And again on that line: the new block sits between the two, the caret below it.
    insert(e, 'third');
    expect(outline(e).nodes).toEqual(['p:Shopping', 'proposal:second', 'task:third', 'p:', 'task:first', 'p:']);
    expect(outline(e).caret).toBe('3@0');
  });

  it('takes the place of an empty last line and adds one after it', () => {
    const e = editor();
    build(e, ['p:Shopping', 'p:'], (c) => endOf(c[1]));
    insert(e, 'a');
    expect(outline(e)).toEqual({ nodes: ['p:Shopping', 'task:a', 'p:'], caret: '2@0' });
  });

  it('goes below a line with text, directly above another block', () => {
    const e = editor();
    build(e, ['p:Shopping', 'task:first'], (c) => endOf(c[0]));
    insert(e, 'a');
    expect(outline(e)).toEqual({ nodes: ['p:Shopping', 'task:a', 'p:', 'task:first'], caret: '2@0' });
  });

  it('splits a line at the caret', () => {
    const e = editor();
    build(e, ['p:Shopping list'], (c) => {
      const text = (c[0] as unknown as { getFirstChild(): { select(a: number, b: number): void } }).getFirstChild();
      text.select(8, 8);
    });
    insert(e, 'a');
    expect(outline(e).nodes).toEqual(['p:Shopping', 'task:a', 'p: list']);
    expect(outline(e).caret).toBe('2@0');
  });

  it('goes after a selected block (a block picked with the keyboard), never losing the caret', () => {
    const e = editor();
    build(e, ['p:Shopping', 'task:first', 'task:second'], (c) => {
      const selection = $createNodeSelection();
      selection.add(c[1].getKey());
      $setSelection(selection);
    });
    insert(e, 'a');
    expect(outline(e)).toEqual({ nodes: ['p:Shopping', 'task:first', 'task:a', 'p:', 'task:second'], caret: '3@0' });
  });

  it('goes at the end when nothing is selected', () => {
    const e = editor();
    build(e, ['p:Shopping', 'task:first'], () => $setSelection(null));
    insert(e, 'a');
    const { nodes, caret } = outline(e);
    expect(nodes.filter((n) => n.startsWith('task:'))).toEqual(['task:first', 'task:a']);
    expect(nodes.at(-1)).toBe('p:');
    expect(caret).toBe(`${nodes.length - 1}@0`);
  });
});

describe('INSERT_BLOCK_COMMAND', () => {
  // Lexical commits a command's update in a microtask: let it land before reading.
  const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

  it('creates the block state and puts its node at the caret', async () => {
    const e = editor();
    const doc = new Y.Doc();
    const failures: string[] = [];
    registerInsertBlock(e, doc, () => ({ memberId: 'ana', at: 1 }), (_kind, message) => failures.push(message));
    build(e, ['p:Shopping', 'p:', 'task:first'], (c) => endOf(c[1]));
    e.dispatchCommand(INSERT_BLOCK_COMMAND, { kind: 'task' });
    await settle();
    const [id] = [...doc.getMap('blocks').keys()];
    expect(outline(e).nodes).toEqual(['p:Shopping', `task:${id}`, 'p:', 'task:first']);
    expect(failures).toEqual([]);
  });

  it('says so when the editor refuses the change', async () => {
    const errors: Error[] = [];
    const e = createHeadlessEditor({ nodes: [...mutualNodes], onError: (error) => errors.push(error) });
    // Any failure inside the update: Lexical reports it and reverts the whole update.
    e.registerNodeTransform(BlockNode, () => {
      throw new Error('refused');
    });
    const doc = new Y.Doc();
    const failures: string[] = [];
    registerInsertBlock(e, doc, () => ({ memberId: 'ana', at: 1 }), (kind, message) => failures.push(`${kind}: ${message}`));
    build(e, ['p:Shopping'], (c) => endOf(c[0]));
    e.dispatchCommand(INSERT_BLOCK_COMMAND, { kind: 'proposal' });
    await settle();
    expect(errors.map((x) => x.message)).toEqual(['refused']);
    expect(outline(e).nodes).toEqual(['p:Shopping']);
    expect(failures).toEqual(['proposal: The proposal could not be inserted here; nothing changed. Try again on an empty line.']);
  });
});

describe('a block node in the Yjs text', () => {
  const settleAll = async (): Promise<void> => {
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
  };

  it('is found by the model where the binding stores it; undo takes it out of the text, redo puts it back', async () => {
    const doc = new Y.Doc();
    seedDocument(doc);
    const e = editor();
    const provider = new MemoryProvider(doc);
    const collab = bindEditorToDoc(e, { id: 'doc', doc, provider, user: { id: 'ana', name: 'Ana', colour: '#333' } });
    registerInsertBlock(e, doc, () => ({ memberId: 'ana', at: 1 }), () => {});
    await settleAll();
    e.update(() => $getRoot().getLastChildOrThrow<ElementNode>().selectEnd(), { discrete: true });
    e.dispatchCommand(INSERT_BLOCK_COMMAND, { kind: 'task' });
    await settleAll();
    const [id] = [...doc.getMap('blocks').keys()];
    expect(blockIdsInText(doc)).toEqual([id]);
    collab.undo();
    await settleAll();
    expect(blockIdsInText(doc)).toEqual([]);
    expect(doc.getMap('blocks').has(id)).toBe(true);
    collab.redo();
    await settleAll();
    expect(blockIdsInText(doc)).toEqual([id]);
    collab.destroy();
    provider.destroy();
  });
});

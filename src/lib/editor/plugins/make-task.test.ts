// @vitest-environment jsdom
import { $createListItemNode, $createListNode, $isListNode, registerList, type ListItemNode } from '@lexical/list';
import { $createTextNode, $getNodeByKey, $getRoot, $getSelection, createEditor, type LexicalEditor, type NodeKey } from 'lexical';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { $createBlockNode, $isBlockNode } from '../nodes/BlockNode.ts';
import { mutualNodes } from '../nodes/registry.ts';
import { readTask } from '../../shared/model/task.ts';
import { MAKE_TASK_COMMAND, registerMakeTask } from './make-task.ts';

function setUp(items: Array<[text: string, checked?: boolean]>, type: 'check' | 'bullet' = 'check'): { editor: LexicalEditor; doc: Y.Doc; keys: NodeKey[] } {
  const editor = createEditor({ nodes: [...mutualNodes], onError: (e) => { throw e; } });
  const doc = new Y.Doc();
  registerList(editor);
  registerMakeTask(editor, doc, () => ({ memberId: 'ana', at: 1000 }));
  const keys: NodeKey[] = [];
  editor.update(
    () => {
      const list = $createListNode(type);
      for (const [text, checked] of items) {
        const item = $createListItemNode(checked);
        item.append($createTextNode(text));
        list.append(item);
        keys.push(item.getKey());
      }
      $getRoot().append(list);
    },
    { discrete: true }
  );
  return { editor, doc, keys };
}

// Lexical commits a command's update asynchronously (batched): let it land before reading.
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));
const shape = (editor: LexicalEditor) =>
  editor.getEditorState().read(() =>
    $getRoot()
      .getChildren()
      .map((n) => ($isListNode(n) ? `list(${n.getChildren().map((c) => c.getTextContent()).join(',')})` : $isBlockNode(n) ? `task:${n.getBlockId()}` : n.getType()))
  );

describe('make task from a check-list item', () => {
  it('replaces the item with a task titled by its text, splitting the list around it', async () => {
    const { editor, doc, keys } = setUp([['Buy rice'], ['Call the food bank'], ['Book the hall']]);
    expect(editor.dispatchCommand(MAKE_TASK_COMMAND, keys[1])).toBe(true);
    await settle();
    const result = shape(editor);
    expect(result).toHaveLength(3);
    expect(result[0]).toBe('list(Buy rice)');
    expect(result[2]).toBe('list(Book the hall)');
    const taskId = result[1].replace('task:', '');
    expect(readTask(doc, taskId).value).toMatchObject({ title: 'Call the food bank', status: 'open', createdBy: 'ana' });
  });

  it('a ticked item becomes a done task; the last item leaves no empty list behind', async () => {
    const { editor, doc, keys } = setUp([['Print flyers', true]]);
    editor.dispatchCommand(MAKE_TASK_COMMAND, keys[0]);
    await settle();
    const result = shape(editor);
    expect(result[0]).toMatch(/^task:/);
    expect(result[1]).toBe('paragraph');
    expect(readTask(doc, result[0].replace('task:', '')).value).toMatchObject({ title: 'Print flyers', status: 'done', doneBy: 'ana' });
  });

  it('the only item of a list directly above another block: the caret goes to a new line between them', async () => {
    const { editor, keys } = setUp([['Book the hall']]);
    editor.update(
      () => {
        $getRoot().append($createBlockNode('existing', 'proposal'));
        // The caret is in the item, as when a person presses "Make task".
        ($getNodeByKey(keys[0]) as ListItemNode).selectEnd();
      },
      { discrete: true }
    );
    editor.dispatchCommand(MAKE_TASK_COMMAND, keys[0]);
    await settle();
    const result = shape(editor);
    expect(result).toHaveLength(3);
    expect(result[0]).toMatch(/^task:/);
    expect(result.slice(1)).toEqual(['paragraph', 'task:existing']);
    expect(editor.getEditorState().read(() => $getSelection()?.getNodes()[0]?.getType())).toBe('paragraph');
  });

  it('does nothing without a check-list item at the caret', () => {
    const { editor, doc } = setUp([['Not a to-do']], 'bullet');
    expect(editor.dispatchCommand(MAKE_TASK_COMMAND, undefined)).toBe(false);
    expect(doc.getMap('blocks').size).toBe(0);
  });
});

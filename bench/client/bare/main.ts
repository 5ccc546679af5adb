/**
 * The reference of issue 25: the same Y.Doc Mutual opens, in a bare Lexical + @lexical/yjs
 * page built from the same dependencies (lexical, @lexical/*, yjs, idb at the versions in
 * package-lock.json) — what CollaborationPlugin does, with the document coming from IndexedDB
 * as y-indexeddb would bring it: the binding exists first, then the stored update is applied
 * and @lexical/yjs renders it from the Yjs events. Block nodes are Lexical decorator nodes of
 * Mutual's type and properties that render a label, not Mutual's block views.
 *
 * The first visit fetches the document (`/doc.bin`, served by the bench) and stores it; every
 * later visit reads it from IndexedDB only. Typed changes are appended to the store, as
 * Mutual's persistence does.
 */
import { LinkNode } from '@lexical/link';
import { ListItemNode, ListNode, registerList } from '@lexical/list';
import { HeadingNode, QuoteNode, registerRichText } from '@lexical/rich-text';
import { createBinding, createUndoManager, syncLexicalUpdateToYjs, syncYjsChangesToLexical, type Provider } from '@lexical/yjs';
import { openDB } from 'idb';
import { createEditor, DecoratorNode, SKIP_COLLAB_TAG, type EditorConfig, type NodeKey, type SerializedLexicalNode, type Spread } from 'lexical';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';

type SerializedBareBlock = Spread<{ blockId: string; blockKind: string }, SerializedLexicalNode>;

/** Mutual's block node type and properties, rendering a label only. */
class BareBlockNode extends DecoratorNode<null> {
  __blockId: string;
  __blockKind: string;
  static getType(): string {
    return 'mutual-block';
  }
  static clone(node: BareBlockNode): BareBlockNode {
    return new BareBlockNode(node.__blockId, node.__blockKind, node.__key);
  }
  static importJSON(json: SerializedBareBlock): BareBlockNode {
    return new BareBlockNode(json.blockId, json.blockKind);
  }
  constructor(blockId = '', blockKind = 'task', key?: NodeKey) {
    super(key);
    this.__blockId = blockId;
    this.__blockKind = blockKind;
  }
  exportJSON(): SerializedBareBlock {
    return { ...super.exportJSON(), type: 'mutual-block', version: 1, blockId: this.__blockId, blockKind: this.__blockKind };
  }
  createDOM(_config: EditorConfig): HTMLElement {
    const el = document.createElement('div');
    el.className = 'm-block';
    el.dataset.blockId = this.__blockId;
    el.contentEditable = 'false';
    const label = document.createElement('span');
    label.className = 'bare-block';
    label.textContent = `[${this.__blockKind}]`;
    el.append(label);
    return el;
  }
  updateDOM(): boolean {
    return false;
  }
  isInline(): false {
    return false;
  }
  decorate(): null {
    return null;
  }
}

const DOC_KEY = 'big-doc';

async function main(): Promise<void> {
  const db = await openDB('bare-reference', 1, { upgrade: (d) => d.createObjectStore('updates', { autoIncrement: true }) });
  let stored = (await db.getAll('updates')) as Uint8Array[];
  if (stored.length === 0) {
    const fetched = new Uint8Array(await (await fetch('/doc.bin')).arrayBuffer());
    await db.add('updates', fetched);
    stored = [fetched];
  }

  const doc = new Y.Doc();
  const awareness = new Awareness(doc);
  const provider = { awareness, connect() {}, disconnect() {}, on() {}, off() {} } as unknown as Provider;
  const editor = createEditor({
    namespace: 'bare',
    nodes: [HeadingNode, QuoteNode, ListNode, ListItemNode, LinkNode, BareBlockNode],
    onError: (error) => console.error(error)
  });
  editor.setRootElement(document.querySelector<HTMLElement>('.m-content'));
  registerRichText(editor);
  registerList(editor);

  const binding = createBinding(editor, provider, DOC_KEY, doc, new Map([[DOC_KEY, doc]]));
  const root = binding.root.getSharedType();
  root.observeDeep((events, transaction) => {
    if (transaction.origin !== binding) syncYjsChangesToLexical(binding, provider, events as never, transaction.origin instanceof Y.UndoManager);
  });
  editor.registerUpdateListener(({ prevEditorState, editorState, dirtyElements, dirtyLeaves, normalizedNodes, tags }) => {
    if (!tags.has(SKIP_COLLAB_TAG)) syncLexicalUpdateToYjs(binding, provider, prevEditorState, editorState, dirtyElements, dirtyLeaves, normalizedNodes, tags);
  });
  createUndoManager(binding, root);
  doc.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== 'store') void db.add('updates', update);
  });

  // As y-indexeddb delivers it: the stored updates applied after the binding listens.
  Y.transact(doc, () => {
    for (const update of stored) Y.applyUpdate(doc, update);
  }, 'store');
}

void main();

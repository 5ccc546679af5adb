import type { LexicalEditor, NodeKey } from 'lexical';
import { mount, unmount, type Component } from 'svelte';
import type * as Y from 'yjs';
import type { BlockContext } from './context.svelte.ts';
import type { BlockDecoration, BlockKind } from './nodes/BlockNode.ts';

/** Props every block view receives. State comes from `doc`, never from the node. */
export interface BlockViewProps {
  blockId: string;
  kind: BlockKind;
  doc: Y.Doc;
  /** False for viewers: show state, offer no actions. */
  editable: boolean;
  /** The member using this device (their id and name), for "my ballot", "claim". */
  me: { id: string; name: string };
  /** What the page around the document provides (members, proposal and agenda environments). */
  context: BlockContext;
}

/** Which Svelte component renders each block kind. */
export type BlockViews = Record<BlockKind, Component<BlockViewProps>>;

interface Mounted {
  element: HTMLElement;
  decoration: BlockDecoration;
  instance: ReturnType<typeof mount>;
}

/**
 * Mount a Svelte component into each decorator node's DOM element, and unmount it when the
 * node goes. Lexical tells us through the decorator listener, after reconciliation, so the
 * elements exist. A node whose element was recreated (its id changed on paste) remounts.
 */
export function registerBlockViews(
  editor: LexicalEditor,
  options: { doc: Y.Doc; views: BlockViews; editable: () => boolean; me: BlockViewProps['me']; context: BlockContext }
): () => void {
  const mounted = new Map<NodeKey, Mounted>();

  const sync = (decorators: Record<NodeKey, unknown>): void => {
    for (const [key, entry] of mounted) {
      const element = editor.getElementByKey(key);
      const next = decorators[key] as BlockDecoration | undefined;
      if (!next || element !== entry.element || next.blockId !== entry.decoration.blockId || next.kind !== entry.decoration.kind) {
        unmount(entry.instance);
        mounted.delete(key);
      }
    }
    for (const [key, value] of Object.entries(decorators)) {
      if (mounted.has(key)) continue;
      const decoration = value as BlockDecoration;
      const element = editor.getElementByKey(key);
      const view = options.views[decoration.kind];
      if (!element || !view) continue;
      // The view owns this element's content; Lexical must not treat its inputs as text.
      element.contentEditable = 'false';
      const instance = mount(view, {
        target: element,
        props: { blockId: decoration.blockId, kind: decoration.kind, doc: options.doc, editable: options.editable(), me: options.me, context: options.context }
      });
      mounted.set(key, { element, decoration, instance });
    }
  };

  const stop = editor.registerDecoratorListener(sync);
  sync(editor.getDecorators());

  return () => {
    stop();
    for (const entry of mounted.values()) unmount(entry.instance);
    mounted.clear();
  };
}

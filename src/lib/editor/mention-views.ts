import type { LexicalEditor, NodeKey } from 'lexical';
import { mount, unmount } from 'svelte';
import type { BlockContext } from './context.svelte.ts';
import MentionChip from './MentionChip.svelte';
import type { MentionDecoration } from './nodes/MentionNode.ts';

const isMention = (value: unknown): value is MentionDecoration => (value as { kind?: unknown } | null)?.kind === 'mention';

/**
 * Show each @mention in the text with the member's current name (issue 22): a small Svelte
 * view per mention node, reading the page's member directory (reactive, so a member renaming
 * themselves renames every mention on screen). Mounted when Lexical reports the node's
 * element, unmounted when it goes; block views (decorators.ts) skip mentions.
 */
export function registerMentionViews(editor: LexicalEditor, context: BlockContext): () => void {
  const mounted = new Map<NodeKey, { element: HTMLElement; memberId: string; instance: ReturnType<typeof mount> }>();
  const sync = (decorators: Record<NodeKey, unknown>): void => {
    for (const [key, entry] of mounted) {
      const next = decorators[key];
      if (isMention(next) && editor.getElementByKey(key) === entry.element && next.memberId === entry.memberId) continue;
      unmount(entry.instance);
      mounted.delete(key);
    }
    for (const [key, value] of Object.entries(decorators)) {
      if (!isMention(value) || mounted.has(key)) continue;
      const element = editor.getElementByKey(key);
      if (!element) continue;
      const instance = mount(MentionChip, { target: element, props: { memberId: value.memberId, fallback: value.name, context } });
      mounted.set(key, { element, memberId: value.memberId, instance });
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

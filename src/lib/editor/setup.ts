import { TOGGLE_LINK_COMMAND } from '@lexical/link';
import { registerCheckList, registerList } from '@lexical/list';
import { registerRichText } from '@lexical/rich-text';
import { mergeRegister } from '@lexical/utils';
import { COMMAND_PRIORITY_LOW, createEditor, FOCUS_COMMAND, type LexicalEditor } from 'lexical';
import type * as Y from 'yjs';
import type { Actor } from '../shared/model/doc.ts';
import { bindEditorToDoc, type Collaboration } from './binding/collaboration.ts';
import type { CollabProvider, EditorUser } from './binding/provider.ts';
import { blockCopier } from './blocks.ts';
import { BlockContext } from './context.svelte.ts';
import { registerBlockViews, type BlockViews } from './decorators.ts';
import { registerInsertBlock } from './insert-block.ts';
import { registerMentionViews } from './mention-views.ts';
import type { BlockKind } from './nodes/BlockNode.ts';
import { mutualNodes } from './nodes/registry.ts';
import { $selectedLinkUrl, registerLinks } from './plugins/links.ts';
import { registerMakeTask } from './plugins/make-task.ts';
import { registerPasteSanitiser } from './plugins/paste.ts';
import { registerHtmlPasteCleaner } from './plugins/paste-html.ts';
import { registerShortcuts } from './plugins/shortcuts.ts';
import { mutualTheme } from './theme.ts';
import { m } from '../paraglide/messages.js';

/**
 * Register a plugin whose code loads the first time the editor gets focus (a viewer never
 * loads it). Returns the unregister function; safe before the code arrived.
 */
function registerWhenFocused(editor: LexicalEditor, load: () => Promise<(editor: LexicalEditor) => () => void>): () => void {
  let stop: (() => void) | null = null;
  let done = false;
  const start = (): void => {
    stopListening();
    load().then(
      (register) => {
        if (!done) stop = register(editor);
      },
      (error: unknown) => console.error('Mutual: an editor plugin could not be loaded', error)
    );
  };
  const stopListening = editor.registerCommand(
    FOCUS_COMMAND,
    () => {
      start();
      return false;
    },
    COMMAND_PRIORITY_LOW
  );
  return () => {
    done = true;
    stopListening();
    stop?.();
  };
}

/** Options of {@link createMutualEditor}. */
export interface MutualEditorOptions {
  /** The contenteditable element Lexical takes over. */
  element: HTMLElement;
  /** Where remote carets are drawn: a positioned element overlaying `element`'s parent. */
  cursorsContainer?: HTMLElement | null;
  /** The document's Y.Doc (already loaded from IndexedDB if available). */
  doc: Y.Doc;
  /** Document id: names the binding (and the CSS highlight of remote cursors). */
  docId: string;
  provider: CollabProvider;
  user: EditorUser;
  /** Viewers: no editing, no slash menu, block views without actions. */
  readOnly?: boolean;
  /** Svelte component per block kind (see nodes/views.ts for the defaults). */
  blockViews: BlockViews;
  /** What the page provides to block views (default: nothing, as in the sandbox). */
  context?: BlockContext;
  /** Ctrl/Cmd+K and the toolbar's link button ask through this; default `window.prompt`. */
  requestLinkUrl?: (current: string | null) => Promise<string | null> | string | null;
  /** Provider sync state changes (true once the first sync finished). */
  onSync?: (isSynced: boolean) => void;
  /** A block could not be put into the text (the editor refused the change): tell the person. */
  onInsertFailed?: (kind: BlockKind, message: string) => void;
}

/** A running Mutual editor. */
export interface MutualEditor {
  editor: LexicalEditor;
  collaboration: Collaboration;
  readOnly: boolean;
  undo(): void;
  redo(): void;
  /** Ask for a URL and link the selection (Ctrl/Cmd+K). */
  promptLink(): Promise<void>;
  /** Tear down: listeners, views, presence. Safe to call twice. */
  destroy(): void;
}

/**
 * Create the editor of one document: Lexical with rich text, lists, check lists, links,
 * markdown and keyboard shortcuts, bound to the Y.Doc, with Svelte views for blocks.
 * The slash menu and toolbar are Svelte components on top (MutualEditor.svelte).
 */
export function createMutualEditor(options: MutualEditorOptions): MutualEditor {
  const { element, doc, provider, user } = options;
  const readOnly = options.readOnly ?? false;
  const actor = (): Actor => ({ memberId: user.id });
  const context = options.context ?? new BlockContext();

  const editor = createEditor({
    namespace: `mutual-${options.docId}`,
    nodes: [...mutualNodes],
    theme: mutualTheme,
    editable: !readOnly,
    onError: (error) => {
      // Lexical reverts the failed update; surface it rather than lose it silently.
      console.error('Mutual editor error:', error);
    }
  });
  editor.setRootElement(element);

  const requestLinkUrl = options.requestLinkUrl ?? ((current) => window.prompt(m.editor_link_prompt(), current ?? 'https://'));
  const promptLink = async (): Promise<void> => {
    const current = editor.getEditorState().read($selectedLinkUrl);
    const answer = await requestLinkUrl(current);
    if (answer === null) return;
    editor.dispatchCommand(TOGGLE_LINK_COMMAND, answer.trim() === '' ? null : answer);
  };

  const unregister = mergeRegister(
    registerRichText(editor),
    registerList(editor),
    registerCheckList(editor),
    registerLinks(editor),
    // Markdown shortcuts ("# " heading…) only matter once someone types: their code loads
    // when the text is first focused, not with the document (issue 25).
    registerWhenFocused(editor, () => import('./plugins/markdown.ts').then((m) => m.registerMarkdown)),
    registerShortcuts(editor, { onLink: () => void promptLink() }),
    registerPasteSanitiser(editor, doc, blockCopier(doc, actor)),
    registerHtmlPasteCleaner(editor),
    registerMakeTask(editor, doc, actor),
    registerInsertBlock(editor, doc, actor, (kind, message) => options.onInsertFailed?.(kind, message)),
    registerBlockViews(editor, { doc, views: options.blockViews, editable: () => !readOnly, me: { id: user.id, name: user.name }, context }),
    registerMentionViews(editor, context)
  );

  // Listeners are attached above; binding last renders existing content and starts syncing.
  const collaboration = bindEditorToDoc(editor, {
    id: options.docId,
    doc,
    provider,
    user,
    cursorsContainer: options.cursorsContainer ?? null,
    onSync: options.onSync
  });

  // Closing the tab: others should stop seeing our caret now, not after the 30 s timeout.
  const onPageHide = (): void => provider.awareness.setLocalState(null);
  window.addEventListener('pagehide', onPageHide);

  let destroyed = false;
  return {
    editor,
    collaboration,
    readOnly,
    undo: () => collaboration.undo(),
    redo: () => collaboration.redo(),
    promptLink,
    destroy() {
      if (destroyed) return;
      destroyed = true;
      window.removeEventListener('pagehide', onPageHide);
      collaboration.destroy();
      unregister();
      editor.setRootElement(null);
    }
  };
}

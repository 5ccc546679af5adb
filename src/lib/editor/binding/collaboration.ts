import {
  type Binding,
  CONNECTED_COMMAND,
  createBinding,
  initLocalState,
  setLocalStateFocus,
  syncCursorPositions,
  syncLexicalUpdateToYjs,
  syncYjsChangesToLexical,
  type UserState
} from '@lexical/yjs';
import { mergeRegister } from '@lexical/utils';
import {
  BLUR_COMMAND,
  CAN_REDO_COMMAND,
  CAN_UNDO_COMMAND,
  COLLABORATION_TAG,
  COMMAND_PRIORITY_EDITOR,
  FOCUS_COMMAND,
  type LexicalEditor,
  REDO_COMMAND,
  SKIP_COLLAB_TAG,
  UNDO_COMMAND
} from 'lexical';
import { keepOthersEdits } from './undo-filter.ts';
import { UndoManager, XmlText as YXmlText, type Doc, type Transaction, type XmlText, type YEvent } from 'yjs';
import { DocKeys } from '../../shared/model/schema.ts';
import { type CollabProvider, type EditorUser, toLexicalProvider } from './provider.ts';

/** Options of {@link bindEditorToDoc}. */
export interface BindOptions {
  /** Identifies this binding (the document id); also the key in `docMap`. */
  id: string;
  doc: Doc;
  provider: CollabProvider;
  user: EditorUser;
  /** Where remote carets and selections are drawn; positioned over the editor. Null when headless. */
  cursorsContainer?: HTMLElement | null;
  /** Called with the provider's sync state (true once the first sync finished). */
  onSync?: (isSynced: boolean) => void;
}

/** A live editor ↔ Y.Doc binding. Call `destroy` exactly once. */
export interface Collaboration {
  binding: Binding;
  /** Scoped to this person's edits of the text (origin = the binding): never undoes others. */
  undoManager: UndoManager;
  undo(): void;
  redo(): void;
  /** Detach every listener, clear our presence, stop the undo manager. */
  destroy(): void;
}

/**
 * What Lexical's React CollaborationPlugin does, without React:
 * Yjs → Lexical through `observeDeep`, Lexical → Yjs through an update listener, presence
 * through awareness, per-person undo through a Y.UndoManager.
 *
 * Two departures from upstream, both deliberate (see DESIGN.md, "Pitfalls"):
 * - Upstream only renders Yjs content it sees change. A Y.Doc loaded from IndexedDB before
 *   the editor exists would stay blank, so we render the existing content once on bind.
 * - Upstream bootstraps an empty root with a paragraph on first sync; when two people open a
 *   new document at once both insert one. We never bootstrap: new documents are seeded once
 *   by their creator (`seedDocument`).
 */
export function bindEditorToDoc(editor: LexicalEditor, options: BindOptions): Collaboration {
  const { id, doc, provider, user } = options;
  const lexicalProvider = toLexicalProvider(provider);
  // docMap lets @lexical/yjs find sub-documents by id; Mutual has one doc per editor.
  const docMap = new Map<string, Doc>([[id, doc]]);
  // createBinding reads doc.get('root', XmlText): the name must match schema.ts.
  if (DocKeys.root !== 'root') throw new Error('createBinding expects the root type to be named "root"');
  forgetCollabNodes(doc.get(DocKeys.root, YXmlText));
  const binding = createBinding(editor, lexicalProvider, id, doc, docMap);
  binding.cursorsContainer = options.cursorsContainer ?? null;
  const sharedRoot: XmlText = binding.root.getSharedType();
  const awarenessData = { memberId: user.id };

  // Remote carets need a DOM; a headless editor (tests, seeding) has none, and drawing
  // would throw inside the update that applies a remote change.
  // Drawn once per frame, not after every remote change: placing a caret reads layout, and
  // reading it right after a change forces the browser to lay the document out then and
  // there (each of ten typists' keystrokes re-laid out a 1,000-block document; issue 25).
  // Only people with a selection are passed: @lexical/yjs reads layout for everyone else too
  // before finding they have no caret, and drops the carets of those it is not given.
  let cursorFrame: number | null = null;
  const withSelection = (): Map<number, UserState> => {
    const all = lexicalProvider.awareness.getStates() as Map<number, UserState>;
    return new Map([...all].filter(([, state]) => state?.focusing && state.anchorPos != null && state.focusPos != null));
  };
  const drawCursorsNow = (): void => {
    cursorFrame = null;
    if (binding.cursorsContainer !== null && rootElementOf(editor) !== null) {
      syncCursorPositions(binding, lexicalProvider, { getAwarenessStates: withSelection });
    }
  };
  const drawCursors = (): void => {
    if (binding.cursorsContainer === null || cursorFrame !== null) return;
    if (typeof requestAnimationFrame !== 'function') return drawCursorsNow();
    cursorFrame = requestAnimationFrame(drawCursorsNow);
  };

  const onYjsTreeChanges = (events: Array<YEvent<any>>, transaction: Transaction): void => {
    // Our own Lexical → Yjs writes use the binding as origin; echoing them back would
    // re-apply the same change. Undo/redo arrive with the UndoManager as origin and must
    // be applied (as "historic" so the caret follows them).
    if (transaction.origin === binding) return;
    const isFromUndoManager = transaction.origin instanceof UndoManager;
    syncYjsChangesToLexical(binding, lexicalProvider, events, isFromUndoManager, () => drawCursors());
  };

  const onStatus = (event: { status: string }): void => {
    editor.dispatchCommand(CONNECTED_COMMAND, event.status === 'connected');
  };
  const onSync = (isSynced: boolean): void => options.onSync?.(isSynced);

  initLocalState(lexicalProvider, user.name, user.colour, isFocused(editor), awarenessData);

  sharedRoot.observeDeep(onYjsTreeChanges);
  provider.awareness.on('update', drawCursors);
  provider.on('status', onStatus);
  provider.on('sync', onSync);

  // What @lexical/yjs's createUndoManager does, plus a delete filter: undoing never takes
  // away a text node or paragraph that someone else has typed into (see undo-filter.ts).
  const undoManager = new UndoManager(sharedRoot, {
    captureTransaction: () => !binding.isBootstrapping,
    trackedOrigins: new Set([binding, null]),
    deleteFilter: keepOthersEdits
  });
  const reportUndoState = (): void => {
    editor.dispatchCommand(CAN_UNDO_COMMAND, undoManager.undoStack.length > 0);
    editor.dispatchCommand(CAN_REDO_COMMAND, undoManager.redoStack.length > 0);
  };
  undoManager.on('stack-item-added', reportUndoState);
  undoManager.on('stack-item-popped', reportUndoState);
  undoManager.on('stack-cleared', reportUndoState);

  const unregister = mergeRegister(
    editor.registerUpdateListener(
      ({ prevEditorState, editorState, dirtyLeaves, dirtyElements, normalizedNodes, tags }) => {
        // skip-collab marks local-only updates (upstream uses it when a doc reloads).
        if (tags.has(SKIP_COLLAB_TAG)) return;
        syncLexicalUpdateToYjs(
          binding,
          lexicalProvider,
          prevEditorState,
          editorState,
          dirtyElements,
          dirtyLeaves,
          normalizedNodes,
          tags
        );
      }
    ),
    editor.registerCommand(
      UNDO_COMMAND,
      () => {
        undoManager.undo();
        return true;
      },
      COMMAND_PRIORITY_EDITOR
    ),
    editor.registerCommand(
      REDO_COMMAND,
      () => {
        undoManager.redo();
        return true;
      },
      COMMAND_PRIORITY_EDITOR
    ),
    editor.registerCommand(
      FOCUS_COMMAND,
      () => {
        setLocalStateFocus(lexicalProvider, user.name, user.colour, true, awarenessData);
        return false;
      },
      COMMAND_PRIORITY_EDITOR
    ),
    editor.registerCommand(
      BLUR_COMMAND,
      () => {
        setLocalStateFocus(lexicalProvider, user.name, user.colour, false, awarenessData);
        return false;
      },
      COMMAND_PRIORITY_EDITOR
    )
  );

  renderExistingContent(editor, binding);
  provider.connect?.();

  let destroyed = false;
  return {
    binding,
    undoManager,
    undo: () => undoManager.undo(),
    redo: () => undoManager.redo(),
    destroy() {
      if (destroyed) return;
      destroyed = true;
      if (cursorFrame !== null) cancelAnimationFrame(cursorFrame);
      unregister();
      sharedRoot.unobserveDeep(onYjsTreeChanges);
      provider.awareness.off('update', drawCursors);
      provider.off('status', onStatus);
      provider.off('sync', onSync);
      undoManager.destroy();
      // Others should stop seeing our caret the moment the editor goes away.
      provider.awareness.setLocalState(null);
      for (const cursor of binding.cursors.values()) {
        for (const el of cursor.selection?.selections ?? []) el.remove();
        cursor.selection?.caret.remove();
      }
      binding.cursors.clear();
      docMap.delete(id);
    }
  };
}

/**
 * @lexical/yjs caches each shared type's collab node on the type itself (`_collabNode`).
 * When an editor is remounted over a Y.Doc that stays in memory (navigating back to a
 * document, hot reload), the new binding would pick up the previous binding's collab
 * nodes, whose keys point into the old editor, and render text twice. Clearing the cache
 * makes the new binding build its own. Only one live binding per Y.Doc is supported.
 */
function forgetCollabNodes(type: unknown): void {
  const cached = type as { _collabNode?: unknown };
  if (cached._collabNode !== undefined) cached._collabNode = undefined;
  if (type instanceof YXmlText) {
    for (const op of type.toDelta() as Array<{ insert?: unknown }>) {
      if (typeof op.insert === 'object' && op.insert !== null) forgetCollabNodes(op.insert);
    }
  }
}

/**
 * Build the Lexical tree from whatever the Y.XmlText already holds (e.g. loaded from
 * IndexedDB). Uses the same collab-node calls upstream uses for a newly inserted element,
 * tagged `collaboration` so the update listener does not write it back to Yjs. Discrete so
 * the content is there when `bindEditorToDoc` returns.
 */
function renderExistingContent(editor: LexicalEditor, binding: Binding): void {
  const xmlText = binding.root.getSharedType();
  if (xmlText.length === 0) return;
  editor.update(
    () => {
      binding.root.syncPropertiesFromYjs(binding, null);
      binding.root.applyChildrenYjsDelta(binding, xmlText.toDelta());
      binding.root.syncChildrenFromYjs(binding);
    },
    { discrete: true, tag: COLLABORATION_TAG, skipTransforms: true }
  );
}

/** The editor's root element; null when unmounted or headless (@lexical/headless throws instead). */
function rootElementOf(editor: LexicalEditor): HTMLElement | null {
  try {
    return editor.getRootElement();
  } catch {
    return null;
  }
}

function isFocused(editor: LexicalEditor): boolean {
  const root = rootElementOf(editor);
  return root !== null && typeof document !== 'undefined' && document.activeElement === root;
}

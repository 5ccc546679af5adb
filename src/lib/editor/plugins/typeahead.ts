import { mergeRegister } from '@lexical/utils';
import {
  $getNodeByKey,
  $getSelection,
  $isRangeSelection,
  $isTextNode,
  COMMAND_PRIORITY_HIGH,
  KEY_ARROW_DOWN_COMMAND,
  KEY_ARROW_UP_COMMAND,
  KEY_ENTER_COMMAND,
  KEY_ESCAPE_COMMAND,
  KEY_TAB_COMMAND,
  type LexicalEditor,
  type NodeKey
} from 'lexical';

/** What a menu component draws. Null state = closed. */
export interface TypeaheadState<T> {
  query: string;
  items: T[];
  active: number;
  /** Caret rectangle in viewport coordinates, to place the menu under it. */
  anchor: { left: number; top: number; bottom: number };
}

/** Control of an open menu from the component (mouse clicks). */
export interface TypeaheadController {
  choose(index: number): void;
  close(): void;
  destroy(): void;
}

/** What a menu opened by a character offers. */
export interface TypeaheadOptions<T> {
  /** The character that opens it ("/", "@"). */
  trigger: string;
  /** What is offered for the words typed after it (none: the menu closes). */
  items(query: string): T[];
  /** The DOM id of an item's option (the text's aria-activedescendant follows the highlighted one). */
  optionId(item: T): string;
  /** The DOM id of the menu's listbox (the text's aria-controls while it is open). */
  listboxId: string;
  /** Do what the item is for, at the caret ("trigger + query" already removed). */
  run(editor: LexicalEditor, item: T): void;
}

interface Trigger {
  key: NodeKey;
  /** Offset of the trigger character in the text node. */
  start: number;
  /** Caret offset (end of the query). */
  end: number;
  query: string;
}

const MAX_QUERY = 24;

/**
 * The trigger character at the start of a block or after a space opens a menu; typing
 * filters it; arrows move; Enter or Tab picks; Escape closes (and stays closed for that
 * character). The menu is drawn by Svelte (SlashMenu.svelte, MentionMenu.svelte) from the
 * state passed to `onChange`; focus stays in the text.
 */
export function registerTypeahead<T>(editor: LexicalEditor, options: TypeaheadOptions<T>, onChange: (state: TypeaheadState<T> | null) => void): TypeaheadController {
  let trigger: Trigger | null = null;
  let state: TypeaheadState<T> | null = null;
  let dismissed: string | null = null;

  const publish = (next: TypeaheadState<T> | null): void => {
    state = next;
    onChange(next);
    const root = editor.getRootElement();
    // Screen readers follow the highlighted option while focus stays in the text.
    if (root) {
      if (next && next.items.length) {
        root.setAttribute('aria-activedescendant', options.optionId(next.items[next.active]!));
        root.setAttribute('aria-controls', options.listboxId);
      } else {
        root.removeAttribute('aria-activedescendant');
        root.removeAttribute('aria-controls');
      }
    }
  };

  const close = (): void => {
    trigger = null;
    if (state) publish(null);
  };

  const readTrigger = (): Trigger | null => {
    const selection = $getSelection();
    if (!$isRangeSelection(selection) || !selection.isCollapsed()) return null;
    const node = selection.anchor.getNode();
    if (!$isTextNode(node)) return null;
    const end = selection.anchor.offset;
    const before = node.getTextContent().slice(0, end);
    const at = before.lastIndexOf(options.trigger);
    if (at === -1 || end - at - 1 > MAX_QUERY) return null;
    const query = before.slice(at + 1);
    if (query.includes('\n') || query.includes(options.trigger) || query.startsWith(' ')) return null;
    // It must start the block or follow a space: "and/or", a URL or an e-mail address never opens the menu.
    const startsBlock = at === 0 && node.getPreviousSibling() === null;
    if (!startsBlock && !(at > 0 && /\s/.test(before[at - 1]))) return null;
    return { key: node.getKey(), start: at, end, query };
  };

  const refresh = (): void => {
    const next = editor.getEditorState().read(readTrigger);
    if (!next) dismissed = null; // that trigger is gone: a new one opens the menu again
    if (!next || !editor.isEditable()) return close();
    const id = `${next.key}:${next.start}`;
    if (dismissed === id) return;
    dismissed = null;
    const items = options.items(next.query);
    if (items.length === 0) return close();
    trigger = next;
    const prevActive = state && state.query === next.query ? state.active : 0;
    publish({ query: next.query, items, active: Math.min(prevActive, items.length - 1), anchor: caretRect() });
  };

  const choose = (index: number): void => {
    if (!state || !trigger) return;
    const item = state.items[index];
    const { key, start, end } = trigger;
    // This trigger is used up. Should the item fail, Lexical reverts the update and "/query" is
    // back: the menu must not open on it again (each Enter would retry and fail again).
    dismissed = `${key}:${start}`;
    close();
    if (!item) return;
    // Remove "/query" first, then run the item where the caret now is.
    editor.update(
      () => {
        const node = $getNodeByKey(key);
        if ($isTextNode(node)) node.spliceText(start, end - start, '', true);
      },
      { discrete: true }
    );
    options.run(editor, item);
    editor.focus();
  };

  const move = (delta: number) => (event: KeyboardEvent | null) => {
    if (!state) return false;
    event?.preventDefault();
    const n = state.items.length;
    publish({ ...state, active: (state.active + delta + n) % n });
    return true;
  };

  const unregister = mergeRegister(
    editor.registerUpdateListener(({ tags }) => {
      // Remote edits must not open a menu under someone else's caret.
      if (tags.has('collaboration') && !state) return;
      refresh();
    }),
    editor.registerCommand(KEY_ARROW_DOWN_COMMAND, move(1), COMMAND_PRIORITY_HIGH),
    editor.registerCommand(KEY_ARROW_UP_COMMAND, move(-1), COMMAND_PRIORITY_HIGH),
    editor.registerCommand(
      KEY_ENTER_COMMAND,
      (event) => {
        if (!state) return false;
        event?.preventDefault();
        choose(state.active);
        return true;
      },
      COMMAND_PRIORITY_HIGH
    ),
    editor.registerCommand(
      KEY_TAB_COMMAND,
      (event) => {
        if (!state) return false;
        event.preventDefault();
        choose(state.active);
        return true;
      },
      COMMAND_PRIORITY_HIGH
    ),
    editor.registerCommand(
      KEY_ESCAPE_COMMAND,
      (event) => {
        if (!state || !trigger) return false;
        event.preventDefault();
        dismissed = `${trigger.key}:${trigger.start}`;
        close();
        return true;
      },
      COMMAND_PRIORITY_HIGH
    )
  );

  return {
    choose,
    close,
    destroy() {
      close();
      unregister();
    }
  };
}

function caretRect(): TypeaheadState<unknown>['anchor'] {
  const selection = typeof window !== 'undefined' ? window.getSelection() : null;
  if (!selection || selection.rangeCount === 0) return { left: 0, top: 0, bottom: 0 };
  const range = selection.getRangeAt(0).cloneRange();
  let rect = range.getBoundingClientRect();
  // A collapsed range at a line start can report an empty rect; fall back to its element.
  if (rect.width === 0 && rect.height === 0) {
    const el = range.startContainer instanceof Element ? range.startContainer : range.startContainer.parentElement;
    if (el) rect = el.getBoundingClientRect();
  }
  return { left: rect.left, top: rect.top, bottom: rect.bottom };
}

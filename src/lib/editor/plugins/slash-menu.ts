import type { LexicalEditor } from 'lexical';
import { filterItems, type InsertItem } from './commands.ts';
import { registerTypeahead, type TypeaheadController, type TypeaheadState } from './typeahead.ts';

/** What the "/" menu draws. Null state = closed. */
export type SlashMenuState = TypeaheadState<InsertItem>;
/** Control of an open "/" menu from the component (mouse clicks). */
export type SlashMenuController = TypeaheadController;

/**
 * "/" at the start of a block or after a space opens a menu of things to insert; typing
 * filters it; arrows move; Enter or Tab picks; Escape closes (and stays closed for that "/").
 * The menu is drawn by Svelte (SlashMenu.svelte) from the state passed to `onChange`.
 */
export function registerSlashMenu(editor: LexicalEditor, onChange: (state: SlashMenuState | null) => void): SlashMenuController {
  return registerTypeahead(editor, { trigger: '/', items: filterItems, optionId: (item) => `slash-item-${item.id}`, listboxId: 'slash-menu', run: (ed, item) => item.run(ed) }, onChange);
}

/**
 * The keys that open search from anywhere in the workspace: Ctrl+K or Cmd+K always, and `/`
 * when the person is not typing (a `/` in the editor opens the slash menu; in a field it is a
 * character). Kept tiny: the workspace layout imports it on every page.
 */

/** Whether the event's target takes text (an input, a textarea, a select, anything editable). */
export function isTyping(target: EventTarget | null): boolean {
  if (!target || typeof (target as Element).closest !== 'function') return false;
  const el = target as HTMLElement;
  return el.isContentEditable || !!el.closest('input, textarea, select, [contenteditable]:not([contenteditable="false"])');
}

/** Whether a key press asks for search. */
export function isSearchShortcut(event: KeyboardEvent): boolean {
  if (event.defaultPrevented || event.altKey) return false;
  if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'k') return true;
  return event.key === '/' && !event.ctrlKey && !event.metaKey && !isTyping(event.target);
}

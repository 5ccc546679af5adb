/**
 * Keep Tab inside a modal <dialog>. The browser makes the page behind it inert, but Tab from
 * the last control leaves the page (to the browser's own toolbar) instead of wrapping; here
 * Tab wraps to the first control and Shift+Tab to the last. A Svelte action:
 * `<dialog use:trapFocus>`.
 */
import { focusables } from './focusable';

export function trapFocus(dialog: HTMLElement): { destroy(): void } {
  const onKey = (event: KeyboardEvent) => {
    if (event.key !== 'Tab') return;
    const all = focusables(dialog);
    if (all.length === 0) return;
    const first = all[0]!;
    const last = all[all.length - 1]!;
    const active = document.activeElement;
    const outside = !(active instanceof Node) || !dialog.contains(active);
    if (event.shiftKey && (active === first || outside)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (active === last || outside)) {
      event.preventDefault();
      first.focus();
    }
  };
  dialog.addEventListener('keydown', onKey);
  return { destroy: () => dialog.removeEventListener('keydown', onKey) };
}

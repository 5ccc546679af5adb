/**
 * Focus is never lost. When the focused element is removed from the page (a button that
 * disappears once pressed: "Open for decision", "Claim", "Start meeting"), the browser moves
 * focus to <body> and a keyboard or screen-reader user is thrown back to the top. Instead,
 * focus goes to the nearest part of the page that is still there: the first focusable
 * element in it, or the container itself (made focusable with tabindex=-1).
 */
import { focusables } from './focusable';

/** The focus target inside `container`, or the container itself. */
function target(container: HTMLElement): HTMLElement {
  const inner = focusables(container)[0];
  if (inner) return inner;
  if (!container.hasAttribute('tabindex')) container.setAttribute('tabindex', '-1');
  return container;
}

/** Install on the document; returns the uninstall function. */
export function rescueFocus(doc: Document = document): () => void {
  /** Ancestors of the element that had the focus, nearest first. */
  let ancestors: HTMLElement[] = [];
  /** Counts focus moves: one made meanwhile (a dialog giving focus back, SvelteKit after a navigation) wins. */
  let moves = 0;
  const onFocusIn = (e: FocusEvent) => {
    moves++;
    ancestors = [];
    for (let el = (e.target as HTMLElement | null)?.parentElement; el && el !== doc.body; el = el.parentElement) ancestors.push(el);
  };
  const onFocusOut = (e: FocusEvent) => {
    if (e.relatedTarget) return;
    const lost = e.target as HTMLElement;
    const kept = ancestors;
    const seen = moves;
    const page = doc.location?.href;
    // After the update that removed it has run. Not on a navigation: the new page sets focus.
    requestAnimationFrame(() => {
      if (lost.isConnected || moves !== seen || doc.location?.href !== page) return;
      if (doc.activeElement && doc.activeElement !== doc.body) return;
      const place = kept.find((el) => el.isConnected);
      if (place) target(place).focus({ preventScroll: true });
    });
  };
  doc.addEventListener('focusin', onFocusIn);
  doc.addEventListener('focusout', onFocusOut);
  return () => {
    doc.removeEventListener('focusin', onFocusIn);
    doc.removeEventListener('focusout', onFocusOut);
  };
}

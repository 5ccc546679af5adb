/**
 * Open a document at what search found: scroll the matching paragraph or block into view and
 * mark it for a moment. Tiny and framework-free: the document page imports it.
 *
 * A place is `p<n>` (the editor's nth top-level node: the same count search used, see
 * shared/search/entries.ts) or `n<id>` (an entry of a needs board). The text may not be on
 * screen yet (the editor renders after the document loads), so look for it on each frame,
 * for a few seconds at most.
 */

/** How long the found block stays marked. */
const MARK_MS = 2500;
/** Frames to look for the place before giving up (about 5 s). */
const MAX_FRAMES = 300;

function find(root: HTMLElement | null, at: string): Element | null {
  if (at.startsWith('p')) {
    const n = Number(at.slice(1));
    return Number.isInteger(n) && root ? (root.children.item(n) ?? null) : null;
  }
  if (at.startsWith('n')) return document.querySelector(`[data-testid="need-${CSS.escape(at.slice(1))}"]`);
  return null;
}

/** Scroll to `at` once it is on screen; returns a function that stops looking and unmarks. */
export function revealPlace(root: () => HTMLElement | null, at: string): () => void {
  let frame = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let marked: Element | null = null;
  let request = 0;
  const look = () => {
    const el = find(root(), at);
    if (!el) {
      if (++frame < MAX_FRAMES) request = requestAnimationFrame(look);
      return;
    }
    el.scrollIntoView({ block: 'center' });
    el.classList.add('search-target');
    marked = el;
    timer = setTimeout(() => el.classList.remove('search-target'), MARK_MS);
  };
  request = requestAnimationFrame(look);
  return () => {
    cancelAnimationFrame(request);
    clearTimeout(timer);
    marked?.classList.remove('search-target');
  };
}

/**
 * Links to a block (`#block-<id>`, as notifications send): once the editor has rendered the
 * block, scroll it into view and mark it for a moment. Returns a function that stops waiting.
 */
const BLOCK_HASH = /^#block-([A-Za-z0-9_-]{1,64})$/;
/** Stop looking after this long (the block may have been deleted). */
const GIVE_UP_MS = 10_000;

export function scrollToBlockFromHash(hash: string): () => void {
  const id = BLOCK_HASH.exec(hash)?.[1];
  if (!id) return () => {};
  const find = () => document.querySelector<HTMLElement>(`[data-block-id="${id}"]`);
  const show = (el: HTMLElement) => {
    el.scrollIntoView({ block: 'center' });
    el.classList.add('linked-block');
    setTimeout(() => el.classList.remove('linked-block'), 2500);
  };
  const now = find();
  if (now) {
    show(now);
    return () => {};
  }
  const observer = new MutationObserver(() => {
    const el = find();
    if (!el) return;
    stop();
    show(el);
  });
  const timer = setTimeout(() => stop(), GIVE_UP_MS);
  const stop = () => {
    observer.disconnect();
    clearTimeout(timer);
  };
  observer.observe(document.body, { childList: true, subtree: true });
  return stop;
}

/**
 * Leaving the page — the tab closed, a reload, a navigation away, or a phone switching to
 * another app (which may discard the page without another word): `then` runs at once, so
 * what waits in memory can be written. Returns the function that stops listening. Outside a
 * browser (unit tests, Node) it never runs.
 */
export function onLeavingPage(then: () => void): () => void {
  if (typeof addEventListener !== 'function' || typeof document === 'undefined') return () => {};
  const onVisibility = (): void => {
    if (document.visibilityState === 'hidden') then();
  };
  addEventListener('pagehide', then);
  document.addEventListener('visibilitychange', onVisibility);
  return () => {
    removeEventListener('pagehide', then);
    document.removeEventListener('visibilitychange', onVisibility);
  };
}

/**
 * Work that should not stand between a person and what they are waiting for: run it once the
 * page has nothing more urgent to do. Each returns the function that cancels it.
 */

type PostTask = (callback: () => void, options: { priority: 'background'; signal?: AbortSignal }) => Promise<void>;

/**
 * Run `fn` after keystrokes, clicks and frames waiting now (the Scheduler API's background
 * priority in Chromium; an idle callback or a plain task elsewhere). For a chain of short
 * slices (mounting block views in the background).
 */
export function background(fn: () => void): () => void {
  const postTask = (globalThis as { scheduler?: { postTask?: PostTask } }).scheduler?.postTask;
  if (postTask) {
    const controller = new AbortController();
    postTask
      .call((globalThis as unknown as { scheduler: object }).scheduler, fn, { priority: 'background', signal: controller.signal })
      .catch((error: unknown) => {
        // Cancelled: nothing to say. Anything else is as if thrown in a task of its own.
        if (!controller.signal.aborted) reportError(error);
      });
    return () => controller.abort();
  }
  return whenIdle(fn, 0);
}

/**
 * Run `fn` in the page's next idle period, or after `timeoutMs` at the latest. For work that
 * may wait a little (starting the dashboards' summaries while a document opens).
 */
export function whenIdle(fn: () => void, timeoutMs = 2000): () => void {
  if (typeof requestIdleCallback === 'function') {
    const id = requestIdleCallback(() => fn(), { timeout: timeoutMs });
    return () => cancelIdleCallback(id);
  }
  const id = setTimeout(fn, Math.min(timeoutMs, 50));
  return () => clearTimeout(id);
}

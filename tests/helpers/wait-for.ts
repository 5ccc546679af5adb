/**
 * Wait until `condition` returns a truthy value (polled every `interval` ms), or fail
 * after `timeout` ms with `message`. Use instead of sleeps.
 */
export async function waitFor<T>(
  condition: () => T | Promise<T>,
  { timeout = 10_000, interval = 10, message = 'condition' }: { timeout?: number; interval?: number; message?: string } = {}
): Promise<NonNullable<T>> {
  const started = Date.now();
  let last: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value) return value as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() - started > timeout) {
      throw new Error(`timed out after ${timeout} ms waiting for ${message}${last ? ` (last error: ${String(last)})` : ''}`);
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

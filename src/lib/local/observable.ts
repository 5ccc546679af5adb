/**
 * A minimal observable value with Svelte's store contract: `subscribe(fn)`
 * calls `fn` at once with the current value and on every change, and returns an
 * unsubscribe function. Svelte components can use these with `$name` directly;
 * framework-free code stays free of Svelte.
 */

/** Svelte-compatible readable store. */
export interface Readable<T> {
  subscribe(run: (value: T) => void): () => void;
  /** The current value, without subscribing. */
  get(): T;
}

/** A readable whose owner can set the value. */
export interface Writable<T> extends Readable<T> {
  set(value: T): void;
  update(fn: (value: T) => T): void;
}

/**
 * Create a writable value. `equal` suppresses notifications when nothing
 * changed (status objects are recomputed often; the UI should not re-render).
 */
export function writable<T>(initial: T, equal: (a: T, b: T) => boolean = Object.is): Writable<T> {
  let value = initial;
  const subscribers = new Set<(value: T) => void>();
  const set = (next: T): void => {
    if (equal(value, next)) return;
    value = next;
    // Copy: a subscriber may unsubscribe while we iterate.
    for (const run of [...subscribers]) run(value);
  };
  return {
    get: () => value,
    set,
    update: (fn) => set(fn(value)),
    subscribe(run) {
      subscribers.add(run);
      run(value);
      return () => {
        subscribers.delete(run);
      };
    }
  };
}

/** Shallow equality of plain objects (one level deep; nested objects by JSON). */
export function shallowEqual<T>(a: T, b: T): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    const va = (a as Record<string, unknown>)[k];
    const vb = (b as Record<string, unknown>)[k];
    if (Object.is(va, vb)) continue;
    if (typeof va === 'object' && typeof vb === 'object' && JSON.stringify(va) === JSON.stringify(vb)) continue;
    return false;
  }
  return true;
}

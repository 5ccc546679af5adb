import { isModelError } from '../../shared/model/errors.ts';
import type { BlockType } from '../../shared/model/schema.ts';
import type * as Y from 'yjs';
import { createSubscriber } from 'svelte/reactivity';
import { BlockChanges } from './block-changes.ts';
import { modelErrorText } from '../../i18n/model-errors.ts';

/**
 * A block's state as Svelte state: `read()` runs now and again after every change to the
 * block (inside it, or the block appearing, being replaced or removed — e.g. its state
 * arrives from a peer after the node). Call inside a component's setup; `source` is a getter
 * so that prop changes re-subscribe. Listens through the document's one
 * {@link BlockChanges}, so a change to one block re-reads that block's view only.
 */
export function liveBlock<T>(source: () => { doc: Y.Doc; blockId: string }, read: () => T): { readonly value: T } {
  let value = $state(read());
  $effect(() => {
    // Read inside the effect: a view given another block id re-subscribes.
    const { doc, blockId } = source();
    const refresh = (): void => {
      value = read();
    };
    const stop = BlockChanges.of(doc).onBlock(blockId, refresh);
    refresh();
    return stop;
  });
  return {
    get value() {
      return value;
    }
  };
}

/**
 * Something every view of a kind reads from the whole document (the needs board), computed
 * once per change of a block of `types` however many views show it (see
 * {@link BlockChanges.shared}); `key` names the read. Call inside a component's setup.
 */
export function liveShared<T>(doc: () => Y.Doc, key: string, types: readonly BlockType[], compute: (doc: Y.Doc, previous: T | undefined) => T): { readonly value: T } {
  const shared = $derived(BlockChanges.of(doc()).shared(key, types, compute));
  let value = $state.raw(shared.get());
  $effect(() => {
    const read = shared;
    const stop = read.subscribe(() => (value = read.get()));
    value = read.get();
    return stop;
  });
  return {
    get value() {
      return value;
    }
  };
}

/**
 * Something read from the document's meta map (meeting and facilitation state), kept live
 * through the document's one {@link BlockChanges}. Call inside a component's setup.
 */
export function liveMeta<T>(doc: () => Y.Doc, read: () => T): { readonly value: T } {
  let value = $state(read());
  $effect(() => {
    const refresh = (): void => {
      value = read();
    };
    const stop = BlockChanges.of(doc()).onMeta(refresh);
    refresh();
    return stop;
  });
  return {
    get value() {
      return value;
    }
  };
}

/**
 * This device's time, as Svelte state that changes every `periodMs` while something reads it
 * in an effect or template: one timer for every view on the page ("closes in 3 hours"), not
 * one per view.
 */
export function ticker(periodMs: number): { readonly now: number } {
  let now = Date.now();
  const subscribe = createSubscriber((update) => {
    now = Date.now();
    const timer = setInterval(() => {
      now = Date.now();
      update();
    }, periodMs);
    return () => clearInterval(timer);
  });
  return {
    get now() {
      subscribe();
      return now;
    }
  };
}

/** The clock of relative times in block views ("closes in 3 hours"), ticking every 30 s. */
export const halfMinuteClock = ticker(30_000);

/**
 * Run a model mutation and return a message for people when the model refuses it
 * (ModelError carries plain words); other errors are real bugs and are rethrown.
 */
export function attempt(fn: () => void): string | null {
  try {
    fn();
    return null;
  } catch (error) {
    if (isModelError(error)) return modelErrorText(error);
    throw error;
  }
}

/**
 * How many updates a whole document has had since the view mounted, as Svelte state: read it
 * in a `$derived` to recompute something the document holds (a meeting, the index's rotation)
 * after every change. Call inside a component's setup; `doc` is a getter so that prop changes
 * re-subscribe.
 */
export function docUpdates(doc: () => Y.Doc): { readonly count: number } {
  let count = $state(0);
  $effect(() => {
    const d = doc();
    const bump = (): void => {
      count++;
    };
    d.on('update', bump);
    return () => d.off('update', bump);
  });
  return {
    get count() {
      return count;
    }
  };
}

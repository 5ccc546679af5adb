import { isModelError } from '../../shared/model/errors.ts';
import type * as Y from 'yjs';

/**
 * A block's state as Svelte state: `read()` runs now and again after every change to the
 * block (observeDeep on its Y.Map; also when the map itself appears or is replaced, e.g.
 * the state arrives from a peer after the node). Call inside a component's setup;
 * `source` is a getter so that prop changes re-subscribe.
 */
export function liveBlock<T>(source: () => { doc: Y.Doc; blockId: string }, read: () => T): { readonly value: T } {
  let value = $state(read());
  $effect(() => {
    // Read inside the effect: a view given another block id re-subscribes.
    const { doc, blockId } = source();
    const blocks = doc.getMap<unknown>('blocks');
    let observed: Y.Map<unknown> | null = null;
    const refresh = (): void => {
      value = read();
    };
    const attach = (): void => {
      const current = blocks.get(blockId);
      const next = current && typeof (current as Y.Map<unknown>).observeDeep === 'function' ? (current as Y.Map<unknown>) : null;
      if (next === observed) return;
      observed?.unobserveDeep(refresh);
      observed = next;
      observed?.observeDeep(refresh);
    };
    const onBlocks = (event: Y.YMapEvent<unknown>): void => {
      if (!event.keysChanged.has(blockId)) return;
      attach();
      refresh();
    };
    blocks.observe(onBlocks);
    attach();
    refresh();
    return () => {
      blocks.unobserve(onBlocks);
      observed?.unobserveDeep(refresh);
    };
  });
  return {
    get value() {
      return value;
    }
  };
}

/**
 * Run a model mutation and return a message for people when the model refuses it
 * (ModelError carries plain words); other errors are real bugs and are rethrown.
 */
export function attempt(fn: () => void): string | null {
  try {
    fn();
    return null;
  } catch (error) {
    if (isModelError(error)) return error.message;
    throw error;
  }
}

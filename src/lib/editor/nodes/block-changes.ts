/**
 * One subscription per document for every block view on the page.
 *
 * Before issue 25 each view observed the `blocks` map (and its own block deeply) itself: a
 * 1,000-block document had 750 observers on one map, so every change to any block called
 * all of them, and a view that needed its neighbours (a need reading the whole board to know
 * its partner) re-read the whole board once per view. Now one observer per document (held
 * while any view listens) works out which blocks a transaction changed and tells only their
 * listeners, plus the listeners of their type (a follow-up list of tasks, the needs board).
 * Reads shared by many views ({@link BlockChanges.shared}) are computed once per change.
 */
import * as Y from 'yjs';
import { blockTypeOf, getBlocks, getMeta } from '../../shared/model/doc.ts';
import type { BlockType } from '../../shared/model/schema.ts';

type Listener = () => void;

/** A value many views read, computed once after the blocks of its types changed. */
export interface SharedRead<T> {
  /** The current value (computed now if a change made it stale; the same object otherwise). */
  get(): T;
  /** Called after a change made the value stale; returns the unsubscribe function. */
  subscribe(listener: Listener): () => void;
}

const registry = new WeakMap<Y.Doc, BlockChanges>();

function add<K>(map: Map<K, Set<Listener>>, key: K, listener: Listener): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(listener);
}

function remove<K>(map: Map<K, Set<Listener>>, key: K, listener: Listener): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(listener);
  if (set.size === 0) map.delete(key);
}

/** The change fan-out of one document's blocks and meta. */
export class BlockChanges {
  private readonly byBlock = new Map<string, Set<Listener>>();
  private readonly byType = new Map<BlockType, Set<Listener>>();
  private readonly invalidators = new Map<BlockType, Set<Listener>>();
  private readonly metaListeners = new Set<Listener>();
  private readonly sharedReads = new Map<string, SharedRead<unknown>>();
  /** Last known type of each block, so a removed block still reaches its type's listeners. */
  private readonly typeOf = new Map<string, BlockType | undefined>();
  private listeners = 0;
  private detach: (() => void) | null = null;

  private constructor(private readonly doc: Y.Doc) {}

  /** The one instance of a document. */
  static of(doc: Y.Doc): BlockChanges {
    let changes = registry.get(doc);
    if (!changes) registry.set(doc, (changes = new BlockChanges(doc)));
    return changes;
  }

  /** Called after every transaction that changed block `blockId` (added, replaced, removed or edited inside). */
  onBlock(blockId: string, listener: Listener): () => void {
    add(this.byBlock, blockId, listener);
    return this.hold(() => remove(this.byBlock, blockId, listener));
  }

  /**
   * Called after every transaction that changed any block of one of `types`. `invalidate`
   * (shared reads) runs before any listener of that transaction, so no listener reads a
   * stale shared value.
   */
  onType(types: readonly BlockType[], listener: Listener, invalidate?: Listener): () => void {
    for (const type of types) add(this.byType, type, listener);
    if (invalidate) for (const type of types) add(this.invalidators, type, invalidate);
    return this.hold(() => {
      for (const type of types) remove(this.byType, type, listener);
      if (invalidate) for (const type of types) remove(this.invalidators, type, invalidate);
    });
  }

  /** Called after every transaction that changed the document's meta map (meeting, facilitation). */
  onMeta(listener: Listener): () => void {
    this.metaListeners.add(listener);
    return this.hold(() => this.metaListeners.delete(listener));
  }

  /**
   * A read of the whole document shared by every view that asks with the same `key`:
   * computed at most once per change of a block of `types`, however many views read it.
   * `compute` gets the previous value, to hand back unchanged parts as they were (so views
   * whose part did not change see the same object and do not render again).
   */
  shared<T>(key: string, types: readonly BlockType[], compute: (doc: Y.Doc, previous: T | undefined) => T): SharedRead<T> {
    const existing = this.sharedReads.get(key);
    if (existing) return existing as SharedRead<T>;
    let stale = true;
    let value: T | undefined;
    const subscribers = new Set<Listener>();
    let tracking: (() => void) | null = null;
    const track = (): void => {
      tracking ??= this.onType(
        types,
        () => {
          for (const s of [...subscribers]) s();
        },
        () => (stale = true)
      );
    };
    const untrackIfUnused = (): void => {
      if (subscribers.size > 0 || tracking === null) return;
      tracking();
      tracking = null;
      stale = true;
      value = undefined;
      if (this.sharedReads.get(key) === read) this.sharedReads.delete(key);
    };
    const read: SharedRead<T> = {
      get: () => {
        if (tracking === null) {
          // Read before anyone subscribed (a view's first render): keep the value fresh until
          // the views mounted in this task have subscribed, then let go if none did.
          track();
          stale = true;
          setTimeout(untrackIfUnused, 0);
        }
        if (stale) {
          value = compute(this.doc, value);
          stale = false;
        }
        return value as T;
      },
      subscribe: (listener) => {
        subscribers.add(listener);
        track();
        return () => {
          subscribers.delete(listener);
          untrackIfUnused();
        };
      }
    };
    this.sharedReads.set(key, read as SharedRead<unknown>);
    return read;
  }

  /** Count a listener; observe the document while there is any. */
  private hold(release: () => void): () => void {
    if (this.listeners++ === 0) this.attach();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      release();
      if (--this.listeners === 0) {
        this.detach?.();
        this.detach = null;
        this.typeOf.clear();
      }
    };
  }

  private attach(): void {
    const blocks = getBlocks(this.doc);
    const meta = getMeta(this.doc);
    const onBlocks = (events: Array<Y.YEvent<any>>): void => this.blocksChanged(blocks, events);
    const onMeta = (): void => {
      for (const listener of [...this.metaListeners]) listener();
    };
    blocks.observeDeep(onBlocks);
    meta.observe(onMeta);
    this.detach = () => {
      blocks.unobserveDeep(onBlocks);
      meta.unobserve(onMeta);
    };
  }

  private blocksChanged(blocks: Y.Map<unknown>, events: Array<Y.YEvent<any>>): void {
    const changed = new Set<string>();
    for (const event of events) {
      if (event.target === blocks) for (const key of (event as Y.YMapEvent<unknown>).keysChanged) changed.add(key);
      else if (typeof event.path[0] === 'string') changed.add(event.path[0]);
    }
    const types = new Set<BlockType | undefined>();
    for (const id of changed) {
      const value = blocks.get(id);
      const type = value instanceof Y.Map ? blockTypeOf(value as Y.Map<unknown>) : undefined;
      // The type it had (a removed or replaced block) and the type it has now; a block gone
      // before we ever saw it (or malformed) may have been of any type (undefined: all).
      const before = this.typeOf.get(id);
      if (before !== undefined) types.add(before);
      if (type !== undefined || before === undefined) types.add(type);
      this.typeOf.set(id, type);
    }
    // A block whose type is unknown (removed before we saw it, or malformed) may have been of any type.
    const allTypes = types.has(undefined);
    const touched = (type: BlockType): boolean => allTypes || types.has(type);
    for (const [type, invalidate] of this.invalidators) if (touched(type)) for (const fn of invalidate) fn();
    const notify = new Set<Listener>();
    for (const id of changed) for (const listener of this.byBlock.get(id) ?? []) notify.add(listener);
    for (const [type, listeners] of this.byType) if (touched(type)) for (const listener of listeners) notify.add(listener);
    for (const listener of notify) listener();
  }
}

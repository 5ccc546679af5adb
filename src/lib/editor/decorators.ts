import type { LexicalEditor, NodeKey } from 'lexical';
import { mount, unmount, type Component } from 'svelte';
import type * as Y from 'yjs';
import type { BlockContext } from './context.svelte.ts';
import type { BlockDecoration, BlockKind } from './nodes/BlockNode.ts';
import { background } from '../idle.ts';
import { HeightBook } from './placeholders.ts';

/** Props every block view receives. State comes from `doc`, never from the node. */
export interface BlockViewProps {
  blockId: string;
  kind: BlockKind;
  doc: Y.Doc;
  /** False for viewers: show state, offer no actions. */
  editable: boolean;
  /** The member using this device (their id and name), for "my ballot", "claim". */
  me: { id: string; name: string };
  /** What the page around the document provides (members, proposal and agenda environments). */
  context: BlockContext;
}

/**
 * The Svelte component of each block kind: the component itself, or a loader that resolves
 * to it (a block kind's code then loads only when a document first shows that kind).
 */
export type BlockView = Component<BlockViewProps>;
export type BlockViews = Record<BlockKind, BlockView | (() => Promise<LoadedView>)>;

/**
 * A view's module, loaded: the component, and optionally what must load before one block's
 * view mounts (a proposal's ballot form for its method); null when nothing needs loading.
 */
export interface LoadedView {
  component: BlockView;
  prepare?: (doc: Y.Doc, blockId: string) => Promise<void> | null;
}

/**
 * Up to this many new views are mounted at once (typing, pasting, undo, a peer's insert, a
 * short document); a larger batch (opening a long document) mounts this many first, in
 * document order, and the rest progressively.
 */
const MOUNT_AT_ONCE = 12;
/** Views within this distance of the viewport (a screen and a half) mount before they scroll into it. */
const AHEAD = '150% 0px';
/** Longest slice of background mounting before the browser gets the thread back (a keystroke waits at most this). */
const SLICE_MS = 8;

interface Mounted {
  element: HTMLElement;
  decoration: BlockDecoration;
  instance: ReturnType<typeof mount> | null;
  /** Wanted now (near the viewport) while its kind's code loads. */
  near?: boolean;
}

/**
 * Mount a Svelte view into each decorator node's DOM element, and unmount it when the node
 * goes. Lexical tells us through the decorator listener, after reconciliation, so the
 * elements exist. A node whose element was recreated (its id changed on paste) remounts.
 *
 * Opening a long document does not mount every view in one task (750 views took seconds
 * before the text could be typed in; issue 25): the first views in document order mount at
 * once, every other block keeps a placeholder of its expected height (placeholders.ts) and
 * mounts when it nears the viewport or, in the background, in short slices from the top, so
 * every view is mounted shortly after opening. A view reads its block's state when it mounts,
 * so a block changed meanwhile (a peer's claim) shows as it is now.
 */
export function registerBlockViews(
  editor: LexicalEditor,
  options: { doc: Y.Doc; views: BlockViews; editable: () => boolean; me: BlockViewProps['me']; context: BlockContext }
): () => void {
  const entries = new Map<NodeKey, Mounted>();
  /** Waiting for their view, in document order of when they were found. */
  const waiting = new Map<NodeKey, Mounted>();
  const heights = new HeightBook(editor.getRootElement());
  const components = new Map<BlockKind, LoadedView>();
  const loading = new Map<BlockKind, Promise<LoadedView | null>>();
  /** Blocks whose view waits for its own parts (LoadedView.prepare). */
  const preparing = new Set<NodeKey>();
  let destroyed = false;
  let sliceScheduled = false;
  let cancelSlice = (): void => {};

  const near =
    typeof IntersectionObserver === 'function'
      ? new IntersectionObserver(
          (seen) => {
            for (const e of seen) if (e.isIntersecting) mountKey(keyOf(e.target as HTMLElement));
          },
          { rootMargin: AHEAD }
        )
      : null;
  const keyByElement = new WeakMap<HTMLElement, NodeKey>();
  const keyOf = (element: HTMLElement): NodeKey | undefined => keyByElement.get(element);

  /** The view of a kind; null while its code loads (it is then loaded, and mounting resumes). */
  const componentOf = (kind: BlockKind): LoadedView | null => {
    const known = components.get(kind);
    if (known) return known;
    const view = options.views[kind];
    // Svelte components are functions too: loaders are marked (viewLoader).
    if (!isLoader(view)) {
      const loaded = { component: view };
      components.set(kind, loaded);
      return loaded;
    }
    if (!loading.has(kind)) {
      loading.set(
        kind,
        view().then(
          (component) => {
            components.set(kind, component);
            // Mount what waited for this code: those near the viewport now, the rest in slices.
            for (const [key, entry] of waiting) if (entry.decoration.kind === kind && (entry.near || near === null)) mountKey(key);
            scheduleSlice();
            return component;
          },
          (error: unknown) => {
            console.error(`Mutual: the ${kind} view could not be loaded`, error);
            for (const entry of waiting.values()) if (entry.decoration.kind === kind) heights.failed(entry.element);
            return null;
          }
        )
      );
    }
    return null;
  };

  const mountKey = (key: NodeKey | undefined): void => {
    if (key === undefined || destroyed) return;
    const entry = waiting.get(key);
    if (!entry) return;
    const loaded = componentOf(entry.decoration.kind);
    if (loaded === null) {
      entry.near = true;
      return;
    }
    if (preparing.has(key)) return;
    const parts = loaded.prepare?.(options.doc, entry.decoration.blockId) ?? null;
    if (parts !== null) {
      // Its own parts first, so the view shows complete from its first frame.
      preparing.add(key);
      void parts.finally(() => {
        preparing.delete(key);
        mountKey(key);
      });
      return;
    }
    const component = loaded.component;
    waiting.delete(key);
    near?.unobserve(entry.element);
    heights.clear(entry.element);
    entry.instance = mount(component, {
      target: entry.element,
      props: { blockId: entry.decoration.blockId, kind: entry.decoration.kind, doc: options.doc, editable: options.editable(), me: options.me, context: options.context }
    });
    heights.watch(entry.element, entry.decoration);
  };

  /** Background mounting: a slice of waiting views from the top, then the thread goes back to the browser. */
  const slice = (): void => {
    sliceScheduled = false;
    const until = performance.now() + SLICE_MS;
    for (const [key, entry] of waiting) {
      if (performance.now() >= until) break;
      if (preparing.has(key)) continue;
      if (components.has(entry.decoration.kind) || !isLoader(options.views[entry.decoration.kind])) mountKey(key);
      else componentOf(entry.decoration.kind); // starts loading; mounting resumes when it arrives
    }
    scheduleSlice();
  };
  const scheduleSlice = (): void => {
    if (sliceScheduled || destroyed) return;
    // Only views whose code is here can mount now; the others resume when it arrives.
    const ready = [...waiting].some(([key, e]) => !preparing.has(key) && (components.has(e.decoration.kind) || !isLoader(options.views[e.decoration.kind])));
    if (!ready) return;
    sliceScheduled = true;
    cancelSlice = background(slice);
  };

  const drop = (key: NodeKey, entry: Mounted): void => {
    if (entry.instance) unmount(entry.instance);
    heights.unwatch(entry.element);
    near?.unobserve(entry.element);
    heights.clear(entry.element);
    entries.delete(key);
    waiting.delete(key);
    preparing.delete(key);
  };

  const sync = (decorators: Record<NodeKey, unknown>): void => {
    for (const [key, entry] of entries) {
      const element = editor.getElementByKey(key);
      const next = decorators[key] as BlockDecoration | undefined;
      if (!next || element !== entry.element || next.blockId !== entry.decoration.blockId || next.kind !== entry.decoration.kind) drop(key, entry);
    }
    const fresh: Mounted[] = [];
    const freshKeys = new Map<Mounted, NodeKey>();
    for (const [key, value] of Object.entries(decorators)) {
      if (entries.has(key)) continue;
      const decoration = value as BlockDecoration;
      const element = editor.getElementByKey(key);
      if (!element || !(decoration.kind in options.views)) continue;
      // The view owns this element's content; Lexical must not treat its inputs as text.
      element.contentEditable = 'false';
      const entry: Mounted = { element, decoration, instance: null };
      entries.set(key, entry);
      keyByElement.set(element, key);
      fresh.push(entry);
      freshKeys.set(entry, key);
    }
    if (fresh.length === 0) return;
    // Document order (node keys follow creation, not position).
    if (fresh.length > MOUNT_AT_ONCE) fresh.sort((a, b) => (a.element.compareDocumentPosition(b.element) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
    fresh.forEach((entry, i) => {
      const key = freshKeys.get(entry)!;
      waiting.set(key, entry);
      if (i < MOUNT_AT_ONCE || near === null) mountKey(key);
      if (!waiting.has(key)) return;
      // Not mounted yet (further down, or its kind's code is loading): hold its place.
      heights.reserve(entry.element, entry.decoration);
      near?.observe(entry.element);
    });
    scheduleSlice();
  };

  const stop = editor.registerDecoratorListener(sync);
  sync(editor.getDecorators());

  return () => {
    destroyed = true;
    stop();
    cancelSlice();
    near?.disconnect();
    heights.destroy();
    for (const entry of entries.values()) if (entry.instance) unmount(entry.instance);
    entries.clear();
    waiting.clear();
  };
}

const LOADER = Symbol.for('mutual/block-view-loader');

/**
 * Mark a function as a loader of a block view (`() => import(…)`), not the view itself. The
 * module may export `prepare` (see {@link LoadedView}).
 */
export function viewLoader(load: () => Promise<{ default: BlockView; prepare?: LoadedView['prepare'] }>): () => Promise<LoadedView> {
  const loader = () => load().then((module) => ({ component: module.default, ...(module.prepare ? { prepare: module.prepare } : {}) }));
  (loader as unknown as Record<symbol, boolean>)[LOADER] = true;
  return loader;
}

function isLoader(view: BlockViews[BlockKind]): view is () => Promise<LoadedView> {
  return (view as unknown as Record<symbol, boolean>)[LOADER] === true;
}

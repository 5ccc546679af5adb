/**
 * Placeholders of block views not mounted yet (decorators.ts), at the height the view will
 * have, so mounting it later moves nothing on screen.
 *
 * A placeholder's height is, best first: the height this block's view had when it was last
 * mounted in this editor (a node removed and put back by undo), else the average height of
 * the views of its kind mounted so far here (the first views of a long document mount at
 * once), else what this device measured for the kind at this window width before (kept in
 * localStorage), else a default per kind measured at 1280 and 360 px. Kind estimates are CSS
 * variables on the editor's root, so a better estimate reaches every waiting placeholder with
 * one style change; the same variables size views skipped off screen (content-visibility).
 * Placeholders are never scroll anchors (editor.css): when estimates were off, the browser
 * keeps what is on screen in place.
 */
import type { BlockDecoration, BlockKind } from './nodes/BlockNode.ts';
import { m } from '$lib/paraglide/messages.js';

/** What a waiting placeholder says it holds (shown by editor.css from `data-waiting-label`). */
const WAITING_LABEL: Record<BlockKind, () => string> = {
  task: () => m.block_waiting_task(),
  proposal: () => m.block_waiting_proposal(),
  need: () => m.block_waiting_need(),
  agenda: () => m.block_waiting_agenda()
};

/** Expected heights (px) before any view of the kind was measured here: fresh views at 1280 and 360 px. */
const DEFAULT_HEIGHT: Record<'wide' | 'narrow', Record<BlockKind, number>> = {
  wide: { task: 166, proposal: 556, need: 178, agenda: 200 },
  narrow: { task: 163, proposal: 696, need: 194, agenda: 260 }
};
const WAITING = 'm-block-waiting';
const FAILED = 'm-block-failed';
/** Where this device keeps the kinds' measured heights, per 100 px of window width. */
const STORAGE_PREFIX = 'mutual.blockHeights.';
const KINDS: readonly BlockKind[] = ['task', 'proposal', 'need', 'agenda'];

export class HeightBook {
  private readonly byBlock = new Map<string, number>();
  private readonly sums = new Map<BlockKind, { total: number; count: number }>();
  private readonly watched = new Map<Element, BlockDecoration>();
  private readonly observer: ResizeObserver | null;

  constructor(private readonly root: HTMLElement | null) {
    this.observer =
      typeof ResizeObserver === 'function'
        ? new ResizeObserver((entries) => {
            // Every entry read first, then the estimates written: an estimate is a style change on
            // the editor's root, and reading the next entry after one recomputed the style of the
            // whole document (32 times over for the first views of a long one; issue 25).
            const heights: [BlockDecoration, number][] = [];
            for (const entry of entries) {
              const decoration = this.watched.get(entry.target);
              // Off screen (content-visibility: auto) a view is skipped and sized by its estimate: nothing learnt.
              if (!decoration || isSkipped(entry.target)) continue;
              const height = entry.borderBoxSize?.[0]?.blockSize ?? (entry.target as HTMLElement).offsetHeight;
              if (height > 0) heights.push([decoration, height]);
            }
            for (const [decoration, height] of heights) this.measured(decoration, height);
          })
        : null;
    const start = { ...DEFAULT_HEIGHT[innerWidthOf() < 520 ? 'narrow' : 'wide'], ...remembered() };
    if (root) for (const kind of KINDS) root.style.setProperty(varOf(kind), `${start[kind]}px`);
  }

  /** Hold a block's place until its view mounts. */
  reserve(element: HTMLElement, decoration: BlockDecoration): void {
    element.classList.add(WAITING);
    element.dataset.waitingLabel = WAITING_LABEL[decoration.kind]();
    const known = this.byBlock.get(decoration.blockId);
    element.style.minHeight = known !== undefined ? `${known}px` : `var(${varOf(decoration.kind)})`;
  }

  /** The view mounted: its own height from now on. */
  clear(element: HTMLElement): void {
    if (!element.classList.contains(WAITING)) return;
    element.classList.remove(WAITING, FAILED);
    element.style.minHeight = '';
    delete element.dataset.waitingLabel;
    delete element.dataset.failed;
  }

  /** The view's code could not be loaded: say so in its place. */
  failed(element: HTMLElement): void {
    element.classList.add(FAILED);
    element.dataset.failed = m.block_view_failed();
  }

  /** Measure a mounted view (for its placeholder if it waits again, and for its kind's estimate). */
  watch(element: HTMLElement, decoration: BlockDecoration): void {
    this.watched.set(element, decoration);
    this.observer?.observe(element);
  }

  unwatch(element: HTMLElement): void {
    this.watched.delete(element);
    this.observer?.unobserve(element);
  }

  destroy(): void {
    this.observer?.disconnect();
    this.watched.clear();
    this.remember();
  }

  /** Keep the kinds' measured heights for the next document opened at this width. */
  private remember(): void {
    const heights: Partial<Record<BlockKind, number>> = {};
    for (const [kind, sum] of this.sums) heights[kind] = Math.round(sum.total / sum.count);
    if (Object.keys(heights).length === 0) return;
    try {
      localStorage.setItem(storageKey(), JSON.stringify({ ...remembered(), ...heights }));
    } catch {
      // Storage full or refused (a private window): the defaults will do next time.
    }
  }

  private measured(decoration: BlockDecoration, height: number): void {
    this.byBlock.set(decoration.blockId, height);
    const sum = this.sums.get(decoration.kind) ?? { total: 0, count: 0 };
    sum.total += height;
    sum.count++;
    this.sums.set(decoration.kind, sum);
    // The first measurements decide; later ones (a view resized by its own changes) barely move it.
    if (sum.count <= 32) this.root?.style.setProperty(varOf(decoration.kind), `${Math.round(sum.total / sum.count)}px`);
    if (sum.count === 8) this.remember();
  }
}

function innerWidthOf(): number {
  return typeof innerWidth === 'number' ? innerWidth : 1280;
}

function storageKey(): string {
  return `${STORAGE_PREFIX}${Math.round(innerWidthOf() / 100)}`;
}

/** Heights measured at this width before (this device, any document). */
function remembered(): Partial<Record<BlockKind, number>> {
  try {
    const raw: unknown = JSON.parse(typeof localStorage === 'undefined' ? 'null' : (localStorage.getItem(storageKey()) ?? 'null'));
    if (typeof raw !== 'object' || raw === null) return {};
    const out: Partial<Record<BlockKind, number>> = {};
    for (const kind of KINDS) {
      const value = (raw as Record<string, unknown>)[kind];
      if (typeof value === 'number' && value > 0 && value < 5000) out[kind] = value;
    }
    return out;
  } catch {
    return {};
  }
}

/** The view inside `block` is not rendered (off screen under content-visibility: auto). */
function isSkipped(block: Element): boolean {
  const view = block.firstElementChild;
  if (!view || typeof view.checkVisibility !== 'function') return false;
  return !view.checkVisibility({ contentVisibilityAuto: true });
}

function varOf(kind: BlockKind): string {
  return `--m-block-height-${kind}`;
}

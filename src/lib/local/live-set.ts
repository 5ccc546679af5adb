/**
 * The documents a workspace's dashboards keep live while they are on screen (issue 26).
 *
 * A dashboard (Open tasks, My work, Workload, Decisions, the workspace page's open proposals)
 * shows blocks from many documents, most of which no page holds. Read from the device's copy
 * only, another member's claim reaches it on the next background pass — minutes later — and a
 * claim pressed there is judged on a stale copy. So each dashboard says which documents it
 * shows, most important first ({@link LiveSet.want}), and the set holds those documents
 * through the {@link Repo} with `sync`: one socket each, changes arriving as they are made,
 * exactly like an open document. The cost stays bounded:
 *
 * - at most `budget` documents per workspace are live, whatever the dashboards ask (a 500-
 *   document workspace never opens 500 sockets); the rest, and documents that may gain blocks,
 *   are caught by a digest pass every `refreshMs` while something is wanted (a pass where
 *   nothing changed costs one small request answered 304);
 * - a document nobody wants any more is let go after `lingerMs` (moving between dashboards
 *   keeps what both show);
 * - while the page is hidden (another tab, a phone's screen off) for `hiddenReleaseMs`, every
 *   document is let go, and taken again when the page is seen.
 */
import type { WorkspaceAccess } from './handle/doc-handle.ts';
import { shallowEqual, writable, type Readable } from './observable.ts';
import type { DocRef, Repo } from './repo.ts';

/** Whether the page is on screen (the browser's `document.visibilityState`, or driven by tests). */
export interface Visibility {
  hidden(): boolean;
  subscribe(listener: () => void): () => void;
}

/** The page's visibility, or "always visible" outside a browser. */
export function pageVisibility(): Visibility {
  if (typeof document === 'undefined') return { hidden: () => false, subscribe: () => () => {} };
  return {
    hidden: () => document.visibilityState === 'hidden',
    subscribe(listener) {
      document.addEventListener('visibilitychange', listener);
      return () => document.removeEventListener('visibilitychange', listener);
    }
  };
}

/** Options of {@link LiveSet}. */
export interface LiveSetOptions {
  repo: Repo;
  access: WorkspaceAccess;
  /** Most documents live at once. Default 40. */
  budget?: number;
  /** Keep a document no dashboard wants any more this long. Default 15 s. */
  lingerMs?: number;
  /** Look for changes in the documents that are not live (a background pass); called every `refreshMs` while something is wanted. */
  refresh?: () => void;
  /** Default 15 s. */
  refreshMs?: number;
  visibility?: Visibility;
  /** Let everything go after the page has been hidden this long. Default 60 s. */
  hiddenReleaseMs?: number;
}

/** What the set holds now. */
export interface LiveSetStatus {
  /** Documents held live. */
  live: number;
  /** Distinct documents the dashboards asked for (more than `live` when over budget). */
  wanted: number;
}

interface Held {
  ref: DocRef;
  /** Pending release while nobody wants it. */
  timer?: ReturnType<typeof setTimeout>;
}

/** The live documents of one workspace's dashboards. */
export class LiveSet {
  private readonly demands = new Map<symbol, readonly string[]>();
  private readonly held = new Map<string, Held>();
  private readonly statusStore = writable<LiveSetStatus>({ live: 0, wanted: 0 }, shallowEqual);
  /** What the set holds now; Svelte-store compatible. */
  readonly status: Readable<LiveSetStatus> = this.statusStore;
  private readonly budget: number;
  private readonly lingerMs: number;
  private readonly visibility: Visibility;
  private readonly stopVisibility: () => void;
  private refreshTimer: ReturnType<typeof setInterval> | undefined;
  private lastRefreshAt = Number.NEGATIVE_INFINITY;
  private hiddenTimer: ReturnType<typeof setTimeout> | undefined;
  /** The page has been hidden long enough: nothing is held until it is seen again. */
  private asleep = false;
  private disposed = false;

  constructor(private readonly options: LiveSetOptions) {
    this.budget = Math.max(0, options.budget ?? 40);
    this.lingerMs = options.lingerMs ?? 15_000;
    this.visibility = options.visibility ?? pageVisibility();
    this.stopVisibility = this.visibility.subscribe(() => this.onVisibility());
  }

  /**
   * Keep `docIds` live (most important first) until the returned function is called. Several
   * wishes share the budget, earlier wishes first.
   */
  want(docIds: readonly string[]): () => void {
    const token = Symbol('demand');
    this.demands.set(token, [...docIds]);
    this.reconcile();
    return () => {
      if (!this.demands.delete(token)) return;
      this.reconcile();
    };
  }

  /** Ids of the documents held live now. */
  get liveIds(): string[] {
    return [...this.held.keys()];
  }

  /** Let everything go (the workspace's session ends). */
  async dispose(): Promise<void> {
    this.disposed = true;
    this.demands.clear();
    this.stopVisibility();
    clearTimeout(this.refreshTimer);
    clearInterval(this.refreshTimer);
    clearTimeout(this.hiddenTimer);
    const all = [...this.held.values()];
    this.held.clear();
    await Promise.all(all.map((h) => (clearTimeout(h.timer), h.ref.release())));
  }

  /** The documents to hold: every wish in order, each id once, up to the budget. */
  private target(): { ids: Set<string>; wanted: number } {
    const all = new Set<string>();
    for (const ids of this.demands.values()) for (const id of ids) all.add(id);
    return { ids: new Set([...all].slice(0, this.asleep ? 0 : this.budget)), wanted: all.size };
  }

  private reconcile(): void {
    if (this.disposed) return;
    const { ids, wanted } = this.target();
    for (const id of ids) {
      const held = this.held.get(id);
      if (held) {
        clearTimeout(held.timer);
        held.timer = undefined;
      } else this.held.set(id, { ref: this.options.repo.find(this.options.access, id, { sync: true }) });
    }
    for (const [id, held] of this.held) {
      if (ids.has(id)) continue;
      // Beyond the budget (or asleep): at once. Otherwise after a while: the next dashboard may want it.
      if (this.asleep || this.held.size > this.budget) {
        clearTimeout(held.timer);
        this.held.delete(id);
        void held.ref.release();
      } else if (held.timer === undefined) {
        held.timer = setTimeout(() => {
          if (this.held.get(id) !== held) return;
          this.held.delete(id);
          void held.ref.release();
          this.publish(this.target().wanted);
        }, this.lingerMs);
      }
    }
    this.keepRefreshing(wanted > 0 && !this.asleep);
    this.publish(wanted);
  }

  private publish(wanted: number): void {
    this.statusStore.set({ live: this.held.size, wanted });
  }

  /**
   * A digest pass every `refreshMs` while something is wanted: at once when a dashboard comes
   * on screen, unless one ran less than `refreshMs` ago (a dashboard re-asks whenever what it
   * lists changes; that must not turn into a pass per change).
   */
  private keepRefreshing(on: boolean): void {
    const { refresh } = this.options;
    if (!refresh) return;
    const every = this.options.refreshMs ?? 15_000;
    if (on && this.refreshTimer === undefined) {
      const run = (): void => {
        this.lastRefreshAt = Date.now();
        refresh();
      };
      const wait = Math.max(0, this.lastRefreshAt + every - Date.now());
      if (wait === 0) run();
      this.refreshTimer = setTimeout(() => {
        if (wait > 0) run();
        this.refreshTimer = setInterval(run, every);
      }, wait);
    } else if (!on && this.refreshTimer !== undefined) {
      clearTimeout(this.refreshTimer);
      clearInterval(this.refreshTimer);
      this.refreshTimer = undefined;
    }
  }

  private onVisibility(): void {
    clearTimeout(this.hiddenTimer);
    this.hiddenTimer = undefined;
    if (this.visibility.hidden()) {
      this.hiddenTimer = setTimeout(() => {
        this.asleep = true;
        this.reconcile();
      }, this.options.hiddenReleaseMs ?? 60_000);
    } else if (this.asleep) {
      this.asleep = false;
      this.reconcile();
    }
  }
}

/**
 * Views of a needs board: filter, sort, group by status or category, the categories a board
 * offers, and the offers (or members) an ask could be matched with. Pure functions over
 * {@link NeedView}s (read with `readNeeds`), so the board, dashboards and tests agree.
 *
 * Custom categories: a board's own list lives in its `meta` map (`needsCategories`, a plain
 * string array: a setting, last writer wins), a workspace-wide list in the index's `settings`
 * map (same key). Both add to the suggested {@link NeedCategories}; categories already used by
 * entries are always offered too, so an entry is never in a category nobody can filter by.
 */
import type * as Y from 'yjs';
import { getMeta, mutate, type Actor } from './doc';
import { ModelError } from './errors';
import { byNeedId as byId, categoryLabel, NeedCategories, NeedStatuses, Urgencies, type NeedKind, type NeedStatus, type NeedView, type Urgency } from './need';
import { IndexKeys } from './schema';

/** Key of custom categories in a board's meta and in the workspace settings. */
export const CUSTOM_CATEGORIES_KEY = 'needsCategories';

/** What the board shows. 'active' = open or matched (the default: what still needs work). */
export interface NeedsFilter {
  kind?: NeedKind | 'all';
  status?: NeedStatus | 'active' | 'all';
  category?: string | 'all';
  urgency?: Urgency | 'all';
  /** Text found in the title, area or when (case-insensitive). */
  text?: string;
}

/** Board order: most urgent first (then oldest), newest first, or oldest first. */
export type NeedsSort = 'urgency' | 'newest' | 'oldest';
/** Board grouping. */
export type NeedsGrouping = 'status' | 'category';

export interface NeedsGroup {
  key: string;
  label: string;
  entries: NeedView[];
}

const STATUS_LABELS: Record<NeedStatus, string> = { open: 'Open', matched: 'Matched', fulfilled: 'Fulfilled', withdrawn: 'Withdrawn' };

const urgencyRank = (u: Urgency): number => Urgencies.indexOf(u);

/** Entries matching every part of `filter` (missing parts match everything). */
export function filterNeeds(entries: readonly NeedView[], filter: NeedsFilter): NeedView[] {
  const text = filter.text?.trim().toLowerCase() ?? '';
  return entries.filter((e) => {
    if (filter.kind && filter.kind !== 'all' && e.kind !== filter.kind) return false;
    const status = filter.status ?? 'active';
    if (status === 'active' && e.status !== 'open' && e.status !== 'matched') return false;
    if (status !== 'active' && status !== 'all' && e.status !== status) return false;
    if (filter.category && filter.category !== 'all' && e.category !== filter.category) return false;
    if (filter.urgency && filter.urgency !== 'all' && e.urgency !== filter.urgency) return false;
    if (text && !`${e.title}\n${e.area}\n${e.when}\n${e.category}`.toLowerCase().includes(text)) return false;
    return true;
  });
}

/** A sorted copy; every order ends with the id, so all replicas list entries identically. */
export function sortNeeds(entries: readonly NeedView[], sort: NeedsSort): NeedView[] {
  const list = [...entries];
  if (sort === 'urgency') list.sort((a, b) => urgencyRank(b.urgency) - urgencyRank(a.urgency) || a.createdAt - b.createdAt || byId(a, b));
  else if (sort === 'newest') list.sort((a, b) => b.createdAt - a.createdAt || byId(a, b));
  else list.sort((a, b) => a.createdAt - b.createdAt || byId(a, b));
  return list;
}

/**
 * Group (already filtered and sorted) entries. By status: open, matched, fulfilled, withdrawn,
 * empty groups left out. By category: in the order of `categories`, then any others by name.
 */
export function groupNeeds(entries: readonly NeedView[], grouping: NeedsGrouping, categories: readonly string[] = NeedCategories): NeedsGroup[] {
  if (grouping === 'status') {
    return NeedStatuses.map((s) => ({ key: s, label: STATUS_LABELS[s], entries: entries.filter((e) => e.status === s) })).filter((g) => g.entries.length > 0);
  }
  const order = [...categories];
  for (const e of entries) if (!order.includes(e.category)) order.push(e.category);
  const known = new Set(categories);
  const extra = order.filter((c) => !known.has(c)).sort();
  return [...categories, ...extra]
    .map((c) => ({ key: c, label: categoryLabel(c), entries: entries.filter((e) => e.category === c) }))
    .filter((g) => g.entries.length > 0);
}

/** Counts per status, for the board's summary line. */
export function countByStatus(entries: readonly NeedView[]): Record<NeedStatus, number> {
  const counts: Record<NeedStatus, number> = { open: 0, matched: 0, fulfilled: 0, withdrawn: 0 };
  for (const e of entries) counts[e.status]++;
  return counts;
}

function readList(map: Y.Map<unknown>): string[] {
  const raw = map.get(CUSTOM_CATEGORIES_KEY);
  // Malformed peer data: anything but an array of short strings is ignored.
  return Array.isArray(raw) ? raw.filter((c): c is string => typeof c === 'string' && c.trim().length > 0 && c.length <= 40).map((c) => c.trim().toLowerCase()) : [];
}

/**
 * Categories to offer on a board: suggested ones, the workspace's custom ones (its settings), the
 * board's own, then any used by entries, and "other" last; no duplicates, in that order.
 */
export function boardCategories(board: Y.Doc, index: Y.Doc | null, entries: readonly NeedView[] = []): string[] {
  const out: string[] = [];
  const add = (c: string): void => {
    if (c && !out.includes(c)) out.push(c);
  };
  NeedCategories.filter((c) => c !== 'other').forEach(add);
  if (index) readList(index.getMap<unknown>(IndexKeys.settings)).forEach(add);
  readList(getMeta(board)).forEach(add);
  [...entries.map((e) => e.category)].sort().forEach(add);
  // "Other" last: a catch-all in the middle of the list hides the group's own categories after it.
  return [...out.filter((c) => c !== 'other'), 'other'];
}

/** Add a custom category to a board (stored lower-case; an existing one is not added twice). */
export function addBoardCategory(board: Y.Doc, name: string, actor: Actor): string {
  const category = name.trim().toLowerCase();
  if (!(category.length > 0 && category.length <= 40)) throw new ModelError('invalid-input', 'A category is a short word (up to 40 characters).');
  const meta = getMeta(board);
  const current = readList(meta);
  if (current.includes(category) || (NeedCategories as readonly string[]).includes(category)) return category;
  mutate(board, actor, () => meta.set(CUSTOM_CATEGORIES_KEY, [...current, category]));
  return category;
}

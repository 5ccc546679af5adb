/**
 * The fair order of an append-only log (issue 26): entries made one after another keep the
 * order in which they were made; entries made concurrently — neither author had seen the
 * other's — are decided by the server time their authors stamped them with, earlier first.
 *
 * Why not array order alone: Yjs places two concurrent appends by the inserting clients' ids,
 * so "first in the array" among concurrent claims is a coin toss that can reward the later
 * actor. Why not stamps alone: a stamp is the author's word; a back-dated stamp must never let
 * an entry jump ahead of one its author had already seen.
 *
 * What an author had seen: each new entry records it (`seen`: for every Yjs client with entries
 * in the log, how far the author's copy had them — a client's entries always arrive in order,
 * so that names exactly the entries its author had). Yjs records more with every item: its
 * `origin` (the entry to its left when it was written) and its author's client id and clock (a
 * client's own entries are always known to it). Together they are the entry's **causal past**.
 * Entries from before issue 26 have only the Yjs links, which prove less than the author saw
 * but never more.
 *
 * The rule, the same on every replica because it reads only the converged log:
 * - An entry's **effective time** is its stamp (`serverAt`), raised to the effective time of
 *   everything in its causal past. So a back-dated entry is never earlier than what its author
 *   had seen. An entry without a stamp (written before this rule, or by an app that was not
 *   updated yet) counts as later than every stamped entry it had not seen.
 * - The fair order sorts entries by effective time, then by array order. Array order already
 *   respects causality, and effective times never decrease along it, so the fair order does too:
 *   an entry always comes after everything its author had seen. A log without stamps keeps its
 *   array order: old logs read exactly as before.
 *
 * Pure: the first half reads a Y.Array, the rest works on plain nodes, so the relay uses the
 * same functions on entries an update is about to add (server/relay/inspect.ts).
 */
import * as Y from 'yjs';

/** An entry's place in Yjs, `client:clock`. */
export type EntryKey = string;

/** The key of the entry written by `client` at `clock`. */
export function entryKey(client: number, clock: number): EntryKey {
  return `${client}:${clock}`;
}

/** One entry of a log, with what its author had certainly seen. */
export interface LogNode {
  key: EntryKey;
  client: number;
  clock: number;
  /** Entries directly in its causal past (its origin, its author's previous entry, the latest of each writer it records as seen). */
  deps: EntryKey[];
  /** The stored value; undefined for a deleted entry (others may have been made after it). */
  value: unknown;
  /** Its server-time stamp, when it carries a valid one. */
  stamp: number | null;
  /** Array position (deleted entries included), the final tie-break. */
  index: number;
}

/** The server-time stamp a stored log entry carries (`serverAt`), or null. */
export function stampOf(value: unknown): number | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const stamp = (value as { serverAt?: unknown }).serverAt;
  return typeof stamp === 'number' && Number.isFinite(stamp) ? stamp : null;
}

/** What {@link logNodesFromItems} needs of an item (a Yjs Item, integrated or not). */
export interface LogItem {
  id: { client: number; clock: number };
  origin: { client: number; clock: number } | null;
  length: number;
  /** The values it holds (one per entry); undefined when deleted or not plain values. */
  values: readonly unknown[] | undefined;
}

/** What an entry's author had of the log (`seen`): client id → how many of its clock values (a Yjs state vector, restricted to the log's writers). */
export type SeenVector = Record<string, number>;

/** The `seen` record of a stored entry, when well-formed. */
export function seenOf(value: unknown): SeenVector | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const seen = (value as { seen?: unknown }).seen;
  if (typeof seen !== 'object' || seen === null || Array.isArray(seen)) return null;
  const out: SeenVector = {};
  for (const [client, clock] of Object.entries(seen)) {
    if (/^\d{1,10}$/.test(client) && typeof clock === 'number' && Number.isInteger(clock) && clock > 0) out[client] = clock;
  }
  return out;
}

/**
 * Nodes of a log from its items in array order. An item may hold several entries (a run one
 * client appended): entry `j > 0` was made right after entry `j - 1`. Only entries to the left
 * can be in an entry's past (an author appends after everything they have), so links pointing
 * right — a right origin, a forged `seen` — are left out: the past never loops.
 */
export function logNodesFromItems(items: readonly LogItem[]): LogNode[] {
  const nodes: LogNode[] = [];
  for (const item of items) {
    const { client, clock } = item.id;
    for (let j = 0; j < item.length; j++) {
      const deps: EntryKey[] = [];
      if (j > 0) deps.push(entryKey(client, clock + j - 1));
      else if (item.origin) deps.push(entryKey(item.origin.client, item.origin.clock));
      const value = item.values?.[j];
      nodes.push({ key: entryKey(client, clock + j), client, clock: clock + j, deps, value, stamp: stampOf(value), index: nodes.length });
    }
  }
  linkKnownEntries(nodes);
  return nodes;
}

/**
 * Add what each author certainly had besides the origin: their own previous entry, and for each
 * client in their `seen` record, that client's latest entry below the recorded clock (its
 * earlier ones follow through the own-entry links).
 */
function linkKnownEntries(nodes: LogNode[]): void {
  const byClient = new Map<number, LogNode[]>();
  for (const n of nodes) {
    const list = byClient.get(n.client) ?? [];
    list.push(n);
    byClient.set(n.client, list);
  }
  for (const list of byClient.values()) {
    list.sort((a, b) => a.clock - b.clock);
    for (let i = 1; i < list.length; i++) if (!list[i].deps.includes(list[i - 1].key)) list[i].deps.push(list[i - 1].key);
  }
  const byKey = new Map<EntryKey, LogNode>(nodes.map((n) => [n.key, n]));
  for (const n of nodes) {
    const seen = seenOf(n.value);
    if (seen) {
      for (const [client, clock] of Object.entries(seen)) {
        const list = byClient.get(Number(client));
        if (!list) continue;
        // The latest entry of that client below `clock` (binary search over clocks).
        let lo = 0;
        let hi = list.length - 1;
        let found: LogNode | null = null;
        while (lo <= hi) {
          const mid = (lo + hi) >> 1;
          if (list[mid].clock < clock) {
            found = list[mid];
            lo = mid + 1;
          } else hi = mid - 1;
        }
        if (found && found !== n && !n.deps.includes(found.key)) n.deps.push(found.key);
      }
    }
    n.deps = n.deps.filter((key) => {
      const dep = byKey.get(key);
      return dep !== undefined && dep.index < n.index;
    });
  }
}

/** The `seen` record for an entry appended now to a log (every writer of the log, up to what this copy holds). */
export function seenVectorOf(nodes: readonly LogNode[]): SeenVector {
  const seen: SeenVector = {};
  for (const n of nodes) {
    const key = String(n.client);
    if ((seen[key] ?? 0) < n.clock + 1) seen[key] = n.clock + 1;
  }
  return seen;
}

/** The items of a Y.Array in array order, deleted ones included. */
export function logItemsOf(arr: Y.Array<unknown>): LogItem[] {
  const items: LogItem[] = [];
  for (let item = arr._start; item !== null; item = item.right) {
    const content = item.content;
    const values = !item.deleted && (content instanceof Y.ContentAny || content instanceof Y.ContentJSON) ? (content.arr as unknown[]) : undefined;
    items.push({ id: item.id, origin: item.origin, length: item.length, values });
  }
  return items;
}

/** Nodes of a Y.Array log, in array order. */
export function readLogNodes(arr: Y.Array<unknown>): LogNode[] {
  return logNodesFromItems(logItemsOf(arr));
}

/**
 * For every node, the largest of `own(n)` over the node and everything in its causal past.
 * Iterative (a log may be a long chain); a dependency that is unknown or would close a loop
 * (only a forged log has one) contributes nothing.
 */
export function causalMax(nodes: readonly LogNode[], own: (n: LogNode) => number): Map<EntryKey, number> {
  const byKey = new Map<EntryKey, LogNode>();
  for (const n of nodes) byKey.set(n.key, n);
  const done = new Map<EntryKey, number>();
  const open = new Set<EntryKey>();
  for (const start of nodes) {
    if (done.has(start.key)) continue;
    const stack: { node: LogNode; next: number }[] = [{ node: start, next: 0 }];
    open.add(start.key);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1];
      const { node } = frame;
      if (frame.next < node.deps.length) {
        const dep = byKey.get(node.deps[frame.next++]);
        if (dep && !done.has(dep.key) && !open.has(dep.key)) {
          open.add(dep.key);
          stack.push({ node: dep, next: 0 });
        }
        continue;
      }
      let value = own(node);
      for (const key of node.deps) {
        const d = done.get(key);
        if (d !== undefined && d > value) value = d;
      }
      done.set(node.key, value);
      open.delete(node.key);
      stack.pop();
    }
  }
  return done;
}

/**
 * A lookup of whether one entry's author had seen another (the second is in the first's causal
 * past). Each entry's past is walked once, on first use.
 */
export function causalPasts(nodes: readonly LogNode[]): (later: LogNode, earlier: LogNode) => boolean {
  const byKey = new Map<EntryKey, LogNode>();
  for (const n of nodes) byKey.set(n.key, n);
  const pasts = new Map<EntryKey, Set<EntryKey>>();
  return (later, earlier) => {
    let past = pasts.get(later.key);
    if (!past) {
      past = new Set<EntryKey>();
      const stack = [...later.deps];
      while (stack.length > 0) {
        const key = stack.pop()!;
        if (past.has(key) || key === later.key) continue;
        past.add(key);
        const dep = byKey.get(key);
        if (dep) stack.push(...dep.deps);
      }
      pasts.set(later.key, past);
    }
    return past.has(earlier.key);
  };
}

/** Effective times: a stamp raised to its causal past; no stamp counts as later than any stamp. */
export function effectiveTimes(nodes: readonly LogNode[]): Map<EntryKey, number> {
  return causalMax(nodes, (n) => n.stamp ?? Number.POSITIVE_INFINITY);
}

/** The live entries of a log in fair order: by effective time, then array order. */
export function fairOrder(nodes: readonly LogNode[]): LogNode[] {
  const times = effectiveTimes(nodes);
  return nodes
    .filter((n) => n.value !== undefined)
    .sort((a, b) => {
      const ta = times.get(a.key)!;
      const tb = times.get(b.key)!;
      return ta === tb ? a.index - b.index : ta < tb ? -1 : 1;
    });
}

/**
 * The latest stamp among everything in each node's causal past (not the node itself), or null
 * when nothing there is stamped: the relay refuses an entry stamped earlier than that.
 */
export function stampsSeenBefore(nodes: readonly LogNode[]): Map<EntryKey, number | null> {
  const upTo = causalMax(nodes, (n) => n.stamp ?? Number.NEGATIVE_INFINITY);
  const out = new Map<EntryKey, number | null>();
  for (const n of nodes) {
    let seen = Number.NEGATIVE_INFINITY;
    for (const key of n.deps) {
      const d = upTo.get(key);
      if (d !== undefined && d > seen) seen = d;
    }
    out.set(n.key, seen === Number.NEGATIVE_INFINITY ? null : seen);
  }
  return out;
}

/**
 * The stamp for an entry appended now: the author's estimate of server time, or just after the
 * latest stamp the log holds when that is later (a device whose clock or offset is behind must
 * never stamp an entry earlier than one it has seen: the relay would refuse it).
 */
export function nextStamp(nodes: readonly LogNode[], serverNow: number): number {
  let latest = Number.NEGATIVE_INFINITY;
  for (const n of nodes) if (n.stamp !== null && n.stamp > latest) latest = n.stamp;
  return Math.max(Math.round(serverNow), latest === Number.NEGATIVE_INFINITY ? Number.NEGATIVE_INFINITY : Math.floor(latest) + 1);
}

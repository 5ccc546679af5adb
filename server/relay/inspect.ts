/**
 * Inspect a client's Yjs update against a live document BEFORE applying it: is it complete
 * (every dependency present), bounded, and allowed for this member? Nothing here changes the
 * document: the update is decoded on its own (Y.decodeUpdate) and every struct it creates or
 * deletes is located by reading the document's store.
 *
 * Why before: Yjs has no rollback. Once applied, a hostile update has already deleted what it
 * deleted, and Yjs keeps what it cannot integrate yet ("pending" structs and deletes) inside
 * the document, re-tried on every later update and written into every snapshot. So the relay
 * admits only updates that integrate completely, now; an incomplete one is held (it may
 * depend on a frame still on its way over another socket: two tabs of one browser share
 * edits over a BroadcastChannel) and never handed to Yjs until it is complete.
 *
 * Rules on what a member may change are the model's (src/lib/shared/model/authority.ts);
 * this module only finds where each change lands.
 */
import * as Y from 'yjs';
import { isLogPath, judgeChange, mayHoldProtected, SERVER_ROOTS, type LocatedChange, type TypePath, type WriteScope } from '#shared/model/authority';
import { judgeCatalogueEntry } from '#shared/model/reserved-docs';
import { entryKey, logItemsOf, logNodesFromItems, stampsSeenBefore, type EntryKey, type LogItem } from '#shared/model/log-order';

/** Bounds on one update (docs/security.md). */
export interface InspectLimits {
  /** Structs (items and deleted ranges) one update may carry. */
  maxStructs: number;
  /** Client ids one update may introduce to the document. */
  maxNewClients: number;
  /** How deep shared types may nest (a root type is depth 1). */
  maxTypeDepth: number;
  /** How deep a JSON value inside an item may nest. */
  maxValueDepth: number;
  /** Root types a document may have. */
  maxRoots: number;
}

export const DEFAULT_INSPECT_LIMITS: Readonly<InspectLimits> = Object.freeze({
  maxStructs: 200_000,
  maxNewClients: 256,
  maxTypeDepth: 32,
  maxValueDepth: 32,
  maxRoots: 32
});

/** What to do with an update. */
export type Verdict =
  | {
      kind: 'apply';
      newClients: number[];
      /** Items the update adds (0: it only deletes or repeats known content). */
      newItems: number;
      /** Live items of the document it deletes. */
      deletes: number;
    }
  /** Depends on something the document does not have yet: keep it and try again later. */
  | { kind: 'hold'; reason: string }
  /** Never acceptable from this member: refuse the frame. */
  | { kind: 'refuse'; code: 'malformed' | 'too-large' | 'forbidden'; reason: string };

type Struct = Y.Item | Y.GC | Y.Skip;
/** Yjs's delete set (not exported in its types): client → deleted ranges. */
interface DeleteSet {
  clients: Map<number, { clock: number; len: number }[]>;
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Yjs types are invariant in their event type
type AnyType = Y.AbstractType<any>;
/** Where an item sits: the type it is in (a root name or the item holding the type) and its key. */
interface Location {
  parent: { root: string } | { item: Y.Item };
  key: string | null;
}

/** A refusal raised deep inside the inspection. */
class Refusal extends Error {
  constructor(
    readonly code: 'malformed' | 'too-large' | 'forbidden',
    message: string
  ) {
    super(message);
  }
}

/** Who sends an update, and what of the document only the server writes. */
export interface Sender {
  memberId: string;
  /** Root types of this document only the server writes (serverRootsOf(docId)). */
  serverRoots?: ReadonlySet<string>;
  /** The relay's clock (ms), for stamps of log entries. Default: now. */
  now?: number;
  /** What the sender may write (authority.ts): default `all`; viewers `comments` or `none`. */
  scope?: WriteScope;
}

/**
 * Inspect `update` from `sender` against `doc`. Never throws and never changes `doc`.
 */
export function inspectUpdate(doc: Y.Doc, update: Uint8Array, sender: Sender | string, limits: InspectLimits = DEFAULT_INSPECT_LIMITS): Verdict {
  const { memberId, serverRoots = SERVER_ROOTS, now = Date.now(), scope = 'all' } = typeof sender === 'string' ? { memberId: sender } : sender;
  let decoded: { structs: Struct[]; ds: DeleteSet };
  try {
    decoded = Y.decodeUpdate(update) as { structs: Struct[]; ds: DeleteSet };
  } catch {
    return { kind: 'refuse', code: 'malformed', reason: 'this change could not be read' };
  }
  try {
    return new Inspection(doc, decoded.structs, decoded.ds, { memberId, serverRoots, now, scope }, limits).run();
  } catch (err) {
    if (err instanceof Refusal) return { kind: 'refuse', code: err.code, reason: err.message };
    // Anything else (a RangeError from a hostile shape, an unexpected case in Yjs's lookups)
    // means we cannot vouch for the update: refuse it rather than hand it to Yjs.
    return { kind: 'refuse', code: 'malformed', reason: 'this change could not be checked' };
  }
}

class Inspection {
  /** The update's structs per client, in clock order. */
  private readonly byClient = new Map<number, Struct[]>();
  /** Each client's clock after every struct that can integrate (the document's state, then the update's). */
  private readonly reach = new Map<number, number>();
  private readonly itemLocations = new Map<Y.Item, Location | null>();
  private readonly typePaths = new Map<Y.Item, TypePath>();
  private readonly newRoots = new Set<string>();
  /** Per log (the item holding it): the latest stamp each entry's author had seen (log-order.ts). */
  private readonly logStamps = new Map<Y.Item, Map<EntryKey, number | null>>();
  /** The update's new items in sequences, by the item holding the sequence (filled on first use). */
  private newSequenceItems: Map<Y.Item, Map<EntryKey, LogItem>> | null = null;

  constructor(
    private readonly doc: Y.Doc,
    structs: Struct[],
    private readonly ds: DeleteSet,
    private readonly sender: Required<Sender>,
    private readonly limits: InspectLimits
  ) {
    this.group(structs);
  }

  run(): Verdict {
    const newClients = this.checkClients();
    const waiting = this.simulateIntegration();
    if (waiting) return { kind: 'hold', reason: waiting };
    const pendingDelete = this.checkDeleteReach();
    if (pendingDelete) return { kind: 'hold', reason: pendingDelete };
    let newItems = 0;
    for (const [client, structs] of this.byClient) {
      const known = Y.getState(this.doc.store, client);
      for (const s of structs) {
        if (!(s instanceof Y.Item) || s.id.clock + s.length <= known) continue;
        newItems++;
        this.checkCreation(s);
      }
    }
    const deletes = this.checkDeletions();
    return { kind: 'apply', newClients, newItems, deletes };
  }

  /** Group structs by client; a client listed twice is malformed (Yjs would silently drop one list). */
  private group(structs: Struct[]): void {
    let count = 0;
    let current = -1;
    for (const s of structs) {
      // A struct of no length integrates, and then breaks every encoding of the document.
      if (!(s.length > 0)) throw new Refusal('malformed', 'this change holds an empty edit');
      const client = s.id.client;
      if (client !== current) {
        if (this.byClient.has(client)) throw new Refusal('malformed', 'this change lists a writer twice');
        this.byClient.set(client, []);
        current = client;
      }
      this.byClient.get(client)!.push(s);
      if (!(s instanceof Y.Skip) && ++count > this.limits.maxStructs) throw new Refusal('too-large', 'this change holds too many edits at once; send it in parts');
    }
  }

  /** Client ids new to the document that bring content, bounded per update. */
  private checkClients(): number[] {
    const fresh: number[] = [];
    for (const [client, structs] of this.byClient) {
      if (Y.getState(this.doc.store, client) === 0 && structs.some((s) => !(s instanceof Y.Skip))) fresh.push(client);
    }
    if (fresh.length > this.limits.maxNewClients) throw new Refusal('too-large', 'this change comes from too many editing sessions at once');
    return fresh;
  }

  /**
   * Play Yjs's integration order without integrating: a struct integrates when its client's
   * clock has reached it and its origin, right origin and parent are known. Returns why the
   * update cannot integrate completely, or null. Work is proportional to the update: a
   * client blocked on another is woken only when that one advances.
   */
  private simulateIntegration(): string | null {
    const next = new Map<number, number>();
    const waitingOn = new Map<number, number[]>();
    const queue: number[] = [];
    for (const client of this.byClient.keys()) {
      this.reach.set(client, Y.getState(this.doc.store, client));
      next.set(client, 0);
      queue.push(client);
    }
    while (queue.length > 0) {
      const client = queue.pop()!;
      const structs = this.byClient.get(client)!;
      let i = next.get(client)!;
      let advanced = false;
      for (; i < structs.length; i++) {
        const s = structs[i];
        const reach = this.reach.get(client)!;
        const end = s.id.clock + s.length;
        if (end <= reach) continue; // already known: Yjs skips it
        if (s instanceof Y.Skip || s.id.clock > reach) break; // a gap: the rest waits for it
        const blocker = s instanceof Y.Item ? this.missingDependency(s) : null;
        if (blocker !== null) {
          const list = waitingOn.get(blocker) ?? [];
          list.push(client);
          waitingOn.set(blocker, list);
          break;
        }
        this.reach.set(client, end);
        advanced = true;
      }
      next.set(client, i);
      if (advanced) {
        for (const w of waitingOn.get(client) ?? []) queue.push(w);
        waitingOn.delete(client);
      }
    }
    for (const [client, structs] of this.byClient) {
      const rest = structs.slice(next.get(client)!);
      if (rest.some((s) => !(s instanceof Y.Skip) && s.id.clock + s.length > this.reach.get(client)!)) {
        return 'this change depends on changes the server has not received yet';
      }
    }
    return null;
  }

  /** The client whose clock must advance before `item` can integrate, or null. */
  private missingDependency(item: Y.Item): number | null {
    for (const id of [item.origin, item.rightOrigin, item.parent instanceof Y.ID ? item.parent : null]) {
      if (id && id.clock >= this.knownClock(id.client)) return id.client;
    }
    return null;
  }

  private knownClock(client: number): number {
    return this.reach.get(client) ?? Y.getState(this.doc.store, client);
  }

  /** Deletes of ranges nobody has written yet would be held by Yjs: hold the update instead. */
  private checkDeleteReach(): string | null {
    for (const [client, ranges] of this.ds.clients) {
      const known = this.knownClock(client);
      for (const r of ranges) if (r.len > 0 && r.clock + r.len > known) return 'this change deletes text the server has not received yet';
    }
    return null;
  }

  // ---- locating items -------------------------------------------------------------------

  /** The struct holding `id`: the update's new part first, then the document. */
  private structAt(id: Y.ID): Y.Item | Y.GC | null {
    const docClock = Y.getState(this.doc.store, id.client);
    if (id.clock < docClock) {
      const structs = this.doc.store.clients.get(id.client)!;
      return structs[Y.findIndexSS(structs, id.clock)] as Y.Item | Y.GC;
    }
    const structs = this.byClient.get(id.client);
    if (!structs) return null;
    let lo = 0;
    let hi = structs.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = structs[mid];
      if (id.clock < s.id.clock) hi = mid - 1;
      else if (id.clock >= s.id.clock + s.length) lo = mid + 1;
      else return s instanceof Y.Skip ? null : s;
    }
    return null;
  }

  /** Whether `item` is one of the document's integrated items (not one from the update). */
  private inDocument(item: Y.Item): boolean {
    return item.parent instanceof Y.AbstractType;
  }

  /**
   * Where `item` lands, as Yjs would decide: its explicit parent, else its origin's, else its
   * right origin's. Null when it lands nowhere (next to collected garbage). Iterative: typed
   * text is a long chain of items each pointing at the previous one.
   */
  private locate(start: Y.Item): Location | null {
    const chain: Y.Item[] = [];
    let item: Y.Item | null = start;
    let found: Location | null = null;
    while (item) {
      if (this.itemLocations.has(item)) {
        found = this.itemLocations.get(item)!;
        break;
      }
      chain.push(item);
      if (chain.length > this.limits.maxStructs + 1) throw new Refusal('malformed', 'this change refers to itself in a loop');
      const direct = this.directLocation(item);
      if (direct !== undefined) {
        found = direct;
        break;
      }
      const neighbour: Y.Item | Y.GC | null = item.origin ? this.structAt(item.origin) : item.rightOrigin ? this.structAt(item.rightOrigin) : null;
      item = neighbour instanceof Y.Item ? neighbour : null;
    }
    for (const c of chain) this.itemLocations.set(c, found);
    return found;
  }

  /** The location written in the item itself; undefined when it must be read from a neighbour. */
  private directLocation(item: Y.Item): Location | null | undefined {
    const parent = item.parent as AnyType | Y.ID | string | null;
    if (parent instanceof Y.AbstractType) {
      const holder = parent._item;
      return { parent: holder ? { item: holder } : { root: rootName(this.doc, parent) }, key: item.parentSub };
    }
    if (typeof parent === 'string') return { parent: { root: parent }, key: item.parentSub };
    if (parent instanceof Y.ID) {
      const holder = this.structAt(parent);
      if (!(holder instanceof Y.Item)) return null; // the parent was collected: the item is too
      if (!(holder.content instanceof Y.ContentType)) throw new Refusal('malformed', 'this change nests content in something that is not a shared type');
      return { parent: { item: holder }, key: item.parentSub };
    }
    return undefined;
  }

  /** Path of the type held by `holder` (an item with ContentType). */
  private typePath(holder: Y.Item): TypePath {
    const chain: Y.Item[] = [];
    let prefix: TypePath | null = null;
    let item: Y.Item = holder;
    for (;;) {
      const cached = this.typePaths.get(item);
      if (cached) {
        prefix = cached;
        break;
      }
      chain.push(item);
      if (chain.length > this.limits.maxTypeDepth + 1) throw new Refusal('too-large', 'shared types are nested too deeply');
      const loc = this.locate(item);
      if (!loc) throw new Refusal('malformed', 'this change nests content in something that no longer exists');
      if ('root' in loc.parent) {
        prefix = [loc.parent.root];
        break;
      }
      item = loc.parent.item;
    }
    // Unwind: each item in the chain adds its own key to its parent's path.
    for (let i = chain.length - 1; i >= 0; i--) {
      const loc = this.locate(chain[i])!;
      prefix = [...prefix, loc.key];
      this.typePaths.set(chain[i], prefix);
    }
    return this.typePaths.get(holder)!;
  }

  private parentPath(loc: Location): TypePath {
    return 'root' in loc.parent ? [loc.parent.root] : this.typePath(loc.parent.item);
  }

  // ---- judging ----------------------------------------------------------------------------

  private checkCreation(item: Y.Item): void {
    const content = item.content;
    if (content instanceof Y.ContentDoc) throw new Refusal('forbidden', 'documents inside documents are not used here');
    const loc = this.locate(item);
    if (!loc) return;
    if ('root' in loc.parent) this.noteRoot(loc.parent.root);
    const parent = this.parentPath(loc);
    if (content instanceof Y.ContentType && parent.length + 1 > this.limits.maxTypeDepth) {
      throw new Refusal('too-large', 'shared types are nested too deeply');
    }
    const values = content instanceof Y.ContentAny || content instanceof Y.ContentJSON ? (content.arr as unknown[]) : undefined;
    if (values) for (const v of values) checkValueDepth(v, this.limits.maxValueDepth);
    const seenStamps = values && loc.key === null && isLogPath(parent) && 'item' in loc.parent ? this.seenStampsOf(item, values.length, loc.parent.item) : undefined;
    const freshParent = 'item' in loc.parent && !this.inDocument(loc.parent.item);
    this.judge({ kind: 'create', parent, key: loc.key, freshParent, appended: item.rightOrigin === null, values, ...(seenStamps ? { seenStamps } : {}) });
    // Setting a map key replaces its current value: judge that as a deletion too.
    if (loc.key !== null) {
      const current = this.currentValue(loc);
      if (current && current !== item) this.checkDeleted(current, parent);
    }
  }

  private noteRoot(name: string): void {
    if (this.doc.share.has(name) || this.newRoots.has(name)) return;
    this.newRoots.add(name);
    if (this.doc.share.size + this.newRoots.size > this.limits.maxRoots) throw new Refusal('too-large', 'this document has too many top-level parts');
  }

  /** The live item currently at a map key in the document, if any. */
  private currentValue(loc: Location): Y.Item | null {
    let type: AnyType | undefined;
    if ('root' in loc.parent) type = this.doc.share.get(loc.parent.root);
    else if (this.inDocument(loc.parent.item)) type = (loc.parent.item.content as Y.ContentType).type as AnyType;
    const current = type?._map.get(loc.key!);
    return current && !current.deleted ? current : null;
  }

  /** Every live item the update's delete set removes from the document; returns how many. */
  private checkDeletions(): number {
    let count = 0;
    for (const [client, ranges] of this.ds.clients) {
      const structs = this.doc.store.clients.get(client);
      if (!structs) continue;
      const known = Y.getState(this.doc.store, client);
      for (const r of ranges) {
        const end = Math.min(r.clock + r.len, known);
        if (r.len <= 0 || r.clock >= end) continue;
        for (let i = Y.findIndexSS(structs, r.clock); i < structs.length && structs[i].id.clock < end; i++) {
          const s = structs[i];
          if (s instanceof Y.Item && !s.deleted) {
            this.checkDeleted(s, null);
            count++;
          }
        }
      }
    }
    return count;
  }

  /**
   * Judge deleting a live document item and, for a container that may hold protected
   * entries, everything inside it (Yjs deletes nested types recursively).
   */
  private checkDeleted(start: Y.Item, knownParent: TypePath | null): void {
    const stack: { item: Y.Item; parent: TypePath | null }[] = [{ item: start, parent: knownParent }];
    while (stack.length > 0) {
      const { item, parent: given } = stack.pop()!;
      const loc = this.locate(item);
      if (!loc) continue;
      const parent = given ?? this.parentPath(loc);
      this.judge({ kind: 'delete', parent, key: loc.key });
      if (!(item.content instanceof Y.ContentType)) continue;
      const own = [...parent, loc.key];
      if (own.length > this.limits.maxTypeDepth + 1) throw new Refusal('too-large', 'shared types are nested too deeply');
      if (!mayHoldProtected(own, this.sender.serverRoots)) continue;
      const type = item.content.type as AnyType;
      for (let child = type._start; child; child = child.right) if (!child.deleted) stack.push({ item: child, parent: own });
      for (const child of type._map.values()) if (!child.deleted) stack.push({ item: child, parent: own });
    }
  }

  private judge(change: LocatedChange): void {
    const { memberId, serverRoots, now, scope } = this.sender;
    const reason = judgeChange(change, memberId, serverRoots, now, scope) ?? judgeCatalogueEntry(change);
    if (reason) throw new Refusal('forbidden', reason);
  }

  // ---- stamps of log entries ----------------------------------------------------------------

  /** For each entry `item` adds to the log held by `holder`: the latest stamp its author had seen. */
  private seenStampsOf(item: Y.Item, length: number, holder: Y.Item): (number | null)[] {
    let seen = this.logStamps.get(holder);
    if (!seen) {
      seen = stampsSeenBefore(logNodesFromItems([...this.logItemsInDocument(holder), ...this.newLogItems(holder)]));
      this.logStamps.set(holder, seen);
    }
    const known = Y.getState(this.doc.store, item.id.client);
    return Array.from({ length }, (_, j) => (item.id.clock + j < known ? null : (seen.get(entryKey(item.id.client, item.id.clock + j)) ?? null)));
  }

  private logItemsInDocument(holder: Y.Item): LogItem[] {
    if (!this.inDocument(holder) || !(holder.content instanceof Y.ContentType) || !(holder.content.type instanceof Y.Array)) return [];
    return logItemsOf(holder.content.type as Y.Array<unknown>);
  }

  /** The update's new items in sequences held by an item (logs among them), grouped in one pass. */
  private newLogEntries(): Map<Y.Item, Map<EntryKey, LogItem>> {
    if (this.newSequenceItems) return this.newSequenceItems;
    const groups = new Map<Y.Item, Map<EntryKey, LogItem>>();
    for (const [client, structs] of this.byClient) {
      const known = Y.getState(this.doc.store, client);
      for (const s of structs) {
        if (!(s instanceof Y.Item) || s.id.clock + s.length <= known || s.parentSub !== null) continue;
        const loc = this.locate(s);
        if (!loc || !('item' in loc.parent)) continue;
        const arr = s.content instanceof Y.ContentAny || s.content instanceof Y.ContentJSON ? (s.content.arr as unknown[]) : undefined;
        // Only the part the document lacks integrates (a struct may overlap what it has).
        const skip = Math.max(0, known - s.id.clock);
        const id = { client, clock: s.id.clock + skip };
        const group = groups.get(loc.parent.item) ?? new Map<EntryKey, LogItem>();
        groups.set(loc.parent.item, group);
        group.set(entryKey(id.client, id.clock), { id, origin: skip > 0 ? { client, clock: id.clock - 1 } : s.origin, length: s.length - skip, values: arr?.slice(skip) });
      }
    }
    this.newSequenceItems = groups;
    return groups;
  }

  /**
   * The update's new entries of the log held by `holder`, each after its origin when that is
   * new too (the order Yjs integrates them in; an origin that comes later proves nothing).
   */
  private newLogItems(holder: Y.Item): LogItem[] {
    const pending = this.newLogEntries().get(holder) ?? new Map<EntryKey, LogItem>();
    // Per client, by clock: the new item holding an entry is found by binary search.
    const byClient = new Map<number, LogItem[]>();
    for (const item of pending.values()) {
      const list = byClient.get(item.id.client) ?? [];
      list.push(item);
      byClient.set(item.id.client, list);
    }
    for (const list of byClient.values()) list.sort((a, b) => a.id.clock - b.id.clock);
    const holding = (id: { client: number; clock: number }): LogItem | undefined => {
      const list = byClient.get(id.client);
      let lo = 0;
      let hi = (list?.length ?? 0) - 1;
      while (list && lo <= hi) {
        const mid = (lo + hi) >> 1;
        const it = list[mid];
        if (id.clock < it.id.clock) hi = mid - 1;
        else if (id.clock >= it.id.clock + it.length) lo = mid + 1;
        else return it;
      }
      return undefined;
    };
    const ordered: LogItem[] = [];
    const placed = new Set<LogItem>();
    for (const start of pending.values()) {
      // Iterative: first the chain of new origins, then the item.
      const chain: LogItem[] = [];
      const inChain = new Set<LogItem>();
      for (let it: LogItem | undefined = start; it && !placed.has(it) && !inChain.has(it); it = it.origin ? holding(it.origin) : undefined) {
        chain.push(it);
        inChain.add(it);
      }
      for (let i = chain.length - 1; i >= 0; i--) {
        placed.add(chain[i]);
        ordered.push(chain[i]);
      }
    }
    return ordered;
  }
}

/** The name under which a root type is registered in its document. */
function rootName(doc: Y.Doc, type: AnyType): string {
  for (const [name, value] of doc.share) if (value === type) return name;
  throw new Refusal('malformed', 'unknown top-level part');
}

/** Refuse JSON values nested deeper than `max` (Yjs reads and writes them recursively). */
function checkValueDepth(value: unknown, max: number): void {
  const stack: { v: unknown; d: number }[] = [{ v: value, d: 1 }];
  while (stack.length > 0) {
    const { v, d } = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (d > max) throw new Refusal('too-large', 'a value in this change is nested too deeply');
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push({ v: child, d: d + 1 });
  }
}

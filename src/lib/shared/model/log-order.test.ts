import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { causalPasts, effectiveTimes, fairOrder, logNodesFromItems, nextStamp, readLogNodes, seenVectorOf, stampsSeenBefore, type LogNode } from './log-order';
import { replica, sync } from './test-support';

type Entry = { who: string; serverAt?: number; seen?: Record<string, number> };
const log = (d: Y.Doc) => d.getArray<Entry>('log');
/** Append as an honest device does: stamped after what it holds, with what it has seen. */
const append = (d: Y.Doc, who: string, serverAt?: number) => {
  const nodes = readLogNodes(log(d) as Y.Array<unknown>);
  log(d).push([{ who, ...(serverAt === undefined ? {} : { serverAt: nextStamp(nodes, serverAt) }), seen: seenVectorOf(nodes) }]);
};
const whoInFairOrder = (d: Y.Doc) => fairOrder(readLogNodes(log(d) as Y.Array<unknown>)).map((n) => (n.value as Entry).who);

describe('the fair order of a log', () => {
  it('sequential entries keep the order they were made in, whatever their stamps', () => {
    const a = replica(5);
    append(a, 'a1', 300);
    append(a, 'a2', 100); // a clock that went back: stamped after a1 anyway
    const b = replica(1);
    sync(a, b);
    append(b, 'b1', 50); // made after seeing both
    sync(a, b);
    expect(whoInFairOrder(a)).toEqual(['a1', 'a2', 'b1']);
    expect(whoInFairOrder(b)).toEqual(['a1', 'a2', 'b1']);
  });

  it('concurrent entries go by stamp, not by client id; the same on every replica', () => {
    for (const [ca, cb] of [
      [1, 2],
      [2, 1]
    ]) {
      const a = replica(ca);
      const b = replica(cb);
      append(a, 'late', 2000);
      append(b, 'early', 1000);
      sync(a, b);
      expect(whoInFairOrder(a)).toEqual(['early', 'late']);
      expect(whoInFairOrder(b)).toEqual(['early', 'late']);
    }
  });

  it('an entry written after seeing another is never ordered before it, even back-dated and forged', () => {
    const a = replica(9);
    append(a, 'seen', 1000);
    const m = replica(1);
    sync(a, m);
    // A modified client: an earlier stamp and no `seen` record; its origin still names the entry.
    log(m).push([{ who: 'backdated', serverAt: 1 }]);
    sync(a, m);
    expect(whoInFairOrder(a)).toEqual(['seen', 'backdated']);
    const nodes = readLogNodes(log(a) as Y.Array<unknown>);
    expect(stampsSeenBefore(nodes).get(nodes[1].key)).toBe(1000);
  });

  it('the `seen` record proves what the origin alone cannot', () => {
    // x and y concurrent; z sees both but its origin is only one of them.
    const x = replica(1);
    const y = replica(2);
    append(x, 'x', 100);
    append(y, 'y', 200);
    const z = replica(3);
    sync(x, y, z);
    append(z, 'z', 150); // stamped after both anyway (nextStamp)
    sync(x, y, z);
    const nodes = readLogNodes(log(x) as Y.Array<unknown>);
    const byWho = (who: string) => nodes.find((n) => (n.value as Entry).who === who)!;
    const saw = causalPasts(nodes);
    expect(saw(byWho('z'), byWho('x'))).toBe(true);
    expect(saw(byWho('z'), byWho('y'))).toBe(true);
    expect(saw(byWho('x'), byWho('y'))).toBe(false);
    expect(whoInFairOrder(x)).toEqual(['x', 'y', 'z']);
  });

  it('entries without stamps keep array order; a stamped entry goes before an unstamped one it had not seen', () => {
    for (const [ca, cb] of [
      [1, 2],
      [2, 1]
    ]) {
      const a = replica(ca);
      const b = replica(cb);
      append(a, 'old-a');
      append(b, 'old-b');
      sync(a, b);
      const arrayOrder = log(a).toArray().map((e) => e.who);
      expect(whoInFairOrder(a)).toEqual(arrayOrder);
      const c = replica(3);
      append(c, 'new', 5);
      sync(a, b, c);
      expect(whoInFairOrder(a)).toEqual(['new', ...arrayOrder]);
    }
  });

  it('an item holding several entries: each was made after the one before it', () => {
    const a = replica(1);
    log(a).push([
      { who: 'first', serverAt: 10 },
      { who: 'second', serverAt: 5 }
    ]);
    expect(whoInFairOrder(a)).toEqual(['first', 'second']);
    const nodes = readLogNodes(log(a) as Y.Array<unknown>);
    expect(effectiveTimes(nodes).get(nodes[1].key)).toBe(10);
  });

  it('a forged `seen` pointing at later entries, or a loop, changes nothing and never throws', () => {
    const nodes: LogNode[] = logNodesFromItems([
      { id: { client: 1, clock: 0 }, origin: null, length: 1, values: [{ serverAt: 5, seen: { '2': 99 } }] },
      { id: { client: 2, clock: 0 }, origin: { client: 1, clock: 0 }, length: 1, values: [{ serverAt: 9 }] }
    ]);
    expect(nodes[0].deps).toEqual([]);
    expect(fairOrder(nodes).map((n) => n.key)).toEqual(['1:0', '2:0']);
  });

  it('a long chain is read without recursion', () => {
    const items = Array.from({ length: 50_000 }, (_, i) => ({ id: { client: 1 + (i % 2), clock: Math.floor(i / 2) }, origin: i === 0 ? null : { client: 1 + ((i - 1) % 2), clock: Math.floor((i - 1) / 2) }, length: 1, values: [{ serverAt: 50_000 - i }] }));
    const nodes = logNodesFromItems(items);
    const order = fairOrder(nodes);
    expect(order[0].key).toBe('1:0');
    expect(order.at(-1)!.key).toBe(nodes.at(-1)!.key);
  });

  it('nextStamp: the estimate, or just after the latest stamp held', () => {
    const nodes = logNodesFromItems([{ id: { client: 1, clock: 0 }, origin: null, length: 1, values: [{ serverAt: 1000 }] }]);
    expect(nextStamp(nodes, 5000)).toBe(5000);
    expect(nextStamp(nodes, 10)).toBe(1001);
    expect(nextStamp([], 10.4)).toBe(10);
  });
});

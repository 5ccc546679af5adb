/**
 * The broadcast acceptance suite: every Broadcast adapter runs it, as DocumentStore adapters
 * run server/store/acceptance.ts. A shared adapter (Redis) must carry frames and membership
 * events between instances as server/relay/documents.ts relies on; the single-instance one
 * (local) must deliver nothing and be safe to call in every way.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MemberEvent } from '../auth/types.ts';
import { docKey, type DocKey } from '../store/types.ts';
import type { Broadcast } from './broadcast.ts';

/** What an adapter under test provides. */
export interface BroadcastFixture {
  /** A new instance's broadcast (several share one bus when the adapter is shared). */
  instance(): Promise<Broadcast>;
  /**
   * Shared adapters: cut every instance's receiving connection, as the bus does to a slow
   * subscriber (it comes back by itself).
   */
  cutSubscribers?(): Promise<void>;
  teardown(): Promise<void>;
}

const K = docKey('ws', 'doc');
const OTHER = docKey('ws', 'other');
const frame = (n: number) => Uint8Array.from([1, 2, n]);

/** Collects what an instance receives, to wait on. */
function inbox(b: Broadcast) {
  const frames: { key: DocKey; bytes: number[] }[] = [];
  const members: MemberEvent[] = [];
  let gaps = 0;
  b.subscribe((key, f) => frames.push({ key, bytes: [...f] }));
  b.subscribeMemberEvents((e) => members.push(e));
  b.onGap(() => gaps++);
  return { frames, members, gaps: () => gaps };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > 10_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Run the acceptance suite for one adapter; `shared`: instances reach each other. */
export function runBroadcastTests(name: string, setup: () => Promise<BroadcastFixture>, { shared }: { shared: boolean }): void {
  describe(`Broadcast acceptance: ${name}`, () => {
    let fx: BroadcastFixture;
    const opened: Broadcast[] = [];
    const instance = async () => {
      const b = await fx.instance();
      opened.push(b);
      return b;
    };
    beforeEach(async () => {
      fx = await setup();
    });
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((b) => b.close()));
      await fx.teardown();
    });

    it('every call is safe, before and after close, and close is idempotent', async () => {
      const b = await instance();
      const off = [b.subscribe(() => {}), b.subscribeMemberEvents(() => {}), b.onGap(() => {})];
      await b.watch(K);
      b.publish(K, frame(1));
      b.publishMemberEvent({ type: 'revoked', workspaceId: 'ws', memberId: 'm' });
      b.unwatch(K);
      b.unwatch(K); // more unwatches than watches: ignored
      for (const f of off) f();
      await b.close();
      await b.close();
      b.publish(K, frame(2));
      b.publishMemberEvent({ type: 'revoked', workspaceId: 'ws', memberId: 'm' });
      await b.watch(K);
    });

    if (!shared) {
      it('a single instance hears nothing from anyone, itself included', async () => {
        const [a, b] = [await instance(), await instance()];
        const [ia, ib] = [inbox(a), inbox(b)];
        await Promise.all([a.watch(K), b.watch(K)]);
        a.publish(K, frame(1));
        a.publishMemberEvent({ type: 'revoked', workspaceId: 'ws', memberId: 'm' });
        await new Promise((r) => setTimeout(r, 20));
        expect([ia.frames, ib.frames, ia.members, ib.members]).toEqual([[], [], [], []]);
      });
      return;
    }

    it('frames of a watched document reach the other instances byte for byte, never the publisher, in order', async () => {
      const [a, b, c] = [await instance(), await instance(), await instance()];
      const [ia, ib, ic] = [inbox(a), inbox(b), inbox(c)];
      await Promise.all([a.watch(K), b.watch(K), c.watch(OTHER)]);
      // Published right after watch() resolved: already received (watch resolves once in effect).
      for (let i = 0; i < 20; i++) a.publish(K, frame(i));
      await until(() => ib.frames.length === 20, 'b to receive 20 frames');
      expect(ib.frames).toEqual(Array.from({ length: 20 }, (_, i) => ({ key: K, bytes: [...frame(i)] })));
      b.publish(OTHER, frame(100));
      await until(() => ic.frames.length === 1, 'c to receive b’s frame on the other document');
      expect(ic.frames).toEqual([{ key: OTHER, bytes: [...frame(100)] }]);
      expect(ia.frames).toEqual([]);
    });

    it('watches are counted: frames stop after the last unwatch', async () => {
      const [a, b] = [await instance(), await instance()];
      const ib = inbox(b);
      await b.watch(K);
      await b.watch(K);
      await b.watch(OTHER);
      b.unwatch(K);
      a.publish(K, frame(1));
      await until(() => ib.frames.length === 1, 'the frame while one watch remains');
      b.unwatch(K);
      // Unsubscribing takes effect asynchronously. Once it has, a frame on K published just
      // before a marker on OTHER never arrives (the bus keeps each publisher's order).
      let quiet = false;
      for (let i = 0; i < 100 && !quiet; i++) {
        const before = ib.frames.length;
        a.publish(K, frame(2));
        a.publish(OTHER, frame(3));
        await until(() => ib.frames.slice(before).some((f) => f.key === OTHER), 'the marker on the other document');
        quiet = ib.frames.slice(before).every((f) => f.key === OTHER);
      }
      expect(quiet).toBe(true);
    });

    it('membership events reach every other instance, not the publisher', async () => {
      const [a, b, c] = [await instance(), await instance(), await instance()];
      const [ia, ib, ic] = [inbox(a), inbox(b), inbox(c)];
      const events: MemberEvent[] = [
        { type: 'revoked', workspaceId: 'ws', memberId: 'm1' },
        { type: 'updated', workspaceId: 'ws', memberId: 'm2', role: 'viewer', coordinator: true, name: 'Mo' }
      ];
      for (const e of events) a.publishMemberEvent(e);
      await until(() => ib.members.length === 2 && ic.members.length === 2, 'both instances to hear both events');
      expect(ib.members).toEqual(events);
      expect(ic.members).toEqual(events);
      expect(ia.members).toEqual([]);
    });

    it('an unsubscribed handler hears nothing more', async () => {
      const [a, b] = [await instance(), await instance()];
      const heard: number[] = [];
      const off = b.subscribe((_k, f) => heard.push(f[2]));
      const ib = inbox(b);
      await b.watch(K);
      a.publish(K, frame(1));
      await until(() => ib.frames.length === 1, 'the first frame');
      off();
      a.publish(K, frame(2));
      await until(() => ib.frames.length === 2, 'the second frame');
      expect(heard).toEqual([1]);
    });

    it('after the bus cut an instance off, it says frames may have been lost, and hears again', async () => {
      if (!fx.cutSubscribers) throw new Error(`${name} is shared but its fixture cannot cut subscribers`);
      const [a, b] = [await instance(), await instance()];
      const ib = inbox(b);
      await b.watch(K);
      await fx.cutSubscribers();
      await until(() => ib.gaps() > 0, 'the gap to be reported');
      // Reported once the subscriptions are back: what is published now arrives.
      a.publish(K, frame(7));
      await until(() => ib.frames.some((f) => f.bytes[2] === 7), 'a frame after the reconnect');
    });
  });
}

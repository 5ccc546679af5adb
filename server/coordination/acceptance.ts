/**
 * The coordinator acceptance suite, run against every adapter (local and PostgreSQL), as the
 * stores run theirs. A shared adapter must elect exactly one leader among instances, hand the
 * lease over when the leader leaves or its session dies, and run each exclusive job on one
 * instance at a time.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Coordinator } from './types.ts';

export interface CoordinatorFixture {
  /** A new instance's coordinator (instances share the database when the adapter is shared). */
  instance(): Promise<Coordinator>;
  /** Shared adapters: end the leader's database session from the outside (its machine vanished, or PostgreSQL cut it). */
  killLeaderSession?(): Promise<void>;
  teardown(): Promise<void>;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > 15_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A job that runs until `finish()` is called. */
function heldJob() {
  let finish: () => void = () => {};
  let started = false;
  const done = new Promise<void>((r) => (finish = r));
  return {
    job: async () => {
      started = true;
      await done;
      return 'held';
    },
    started: () => started,
    finish: () => finish()
  };
}

export function runCoordinatorTests(name: string, setup: () => Promise<CoordinatorFixture>, { shared }: { shared: boolean }): void {
  describe(`Coordinator acceptance: ${name}`, () => {
    let fx: CoordinatorFixture;
    const opened: Coordinator[] = [];
    const instance = async () => {
      const c = await fx.instance();
      opened.push(c);
      return c;
    };
    beforeEach(async () => {
      fx = await setup();
    });
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((c) => c.close()));
      await fx.teardown();
    });

    it('runs a job under a key once at a time: a second one meanwhile is skipped, other keys run', async () => {
      const c = await instance();
      const held = heldJob();
      const first = c.exclusive('ws/doc', held.job);
      await until(held.started, 'the first job to start');
      expect(await c.exclusive('ws/doc', async () => 'second')).toEqual({ ran: false });
      expect(await c.exclusive('ws/other', async () => 'other')).toEqual({ ran: true, value: 'other' });
      held.finish();
      expect(await first).toEqual({ ran: true, value: 'held' });
      expect(await c.exclusive('ws/doc', async () => 'again')).toEqual({ ran: true, value: 'again' });
    });

    it('a job that throws passes the error on and frees its key', async () => {
      const c = await instance();
      await expect(c.exclusive('ws/doc', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
      expect(await c.exclusive('ws/doc', async () => 1)).toEqual({ ran: true, value: 1 });
    });

    if (!shared) {
      it('a single instance is always the leader', async () => {
        expect((await instance()).isLeader).toBe(true);
      });
      return;
    }

    it('elects exactly one leader among instances', async () => {
      const all = [await instance(), await instance(), await instance()];
      await until(() => all.some((c) => c.isLeader), 'a leader');
      // An instance says it leads only once it holds the lock, which one session at a time can.
      expect(all.filter((c) => c.isLeader)).toHaveLength(1);
    });

    it('another instance takes over when the leader leaves', async () => {
      const [a, b] = [await instance(), await instance()];
      await until(() => a.isLeader || b.isLeader, 'a leader');
      const [leader, follower] = a.isLeader ? [a, b] : [b, a];
      await leader.close();
      await until(() => follower.isLeader, 'the follower to take over');
    });

    it('another instance takes over when the leader’s session dies, and the old leader knows it lost', async () => {
      if (!fx.killLeaderSession) throw new Error(`${name} is shared but its fixture cannot kill the leader's session`);
      const [a, b] = [await instance(), await instance()];
      await until(() => a.isLeader || b.isLeader, 'a leader');
      const [leader, follower] = a.isLeader ? [a, b] : [b, a];
      const told: boolean[] = [];
      leader.onLeaderChange((l) => told.push(l));
      await fx.killLeaderSession();
      await until(() => follower.isLeader, 'the follower to take over');
      await until(() => told.includes(false), 'the old leader to learn it lost the lease');
      expect(leader.isLeader).toBe(false);
      // Each wait above may take up to 15 s (`until`): vitest's default 5 s cut a slow takeover
      // short on a busy machine (the whole suite running).
    }, 40_000);

    it('a job running on one instance is skipped on another, until it ends', async () => {
      const [a, b] = [await instance(), await instance()];
      const held = heldJob();
      const first = a.exclusive('ws/doc', held.job);
      await until(held.started, 'the job to start on the first instance');
      expect(await b.exclusive('ws/doc', async () => 'b')).toEqual({ ran: false });
      expect(await b.exclusive('ws/other', async () => 'b')).toEqual({ ran: true, value: 'b' });
      held.finish();
      await first;
      expect(await b.exclusive('ws/doc', async () => 'b')).toEqual({ ran: true, value: 'b' });
    });
  });
}

/**
 * The dashboards' live documents (issue 26): held through the Repo with sync while wanted, no
 * more than the budget, let go after a linger, and all let go while the page is hidden.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DocStorage } from './doc-storage.ts';
import { LiveSet, type Visibility } from './live-set.ts';
import { manualNetwork } from './network.ts';
import { Repo } from './repo.ts';
import { MemoryLocalStore } from './store-memory.ts';

const access = { workspaceId: 'w', token: 't', relayUrl: 'ws://127.0.0.1:1/sync' };
const repos: Repo[] = [];
const sets: LiveSet[] = [];
afterEach(async () => {
  for (const s of sets.splice(0)) await s.dispose();
  for (const r of repos.splice(0)) await r.close();
});

function fakeVisibility() {
  let hidden = false;
  const listeners = new Set<() => void>();
  const visibility: Visibility = { hidden: () => hidden, subscribe: (l) => (listeners.add(l), () => listeners.delete(l)) };
  return {
    visibility,
    set(value: boolean) {
      hidden = value;
      for (const l of listeners) l();
    }
  };
}

function setUp(options: { budget?: number; lingerMs?: number; hiddenReleaseMs?: number; refreshMs?: number } = {}) {
  // Offline: handles that want sync never open a socket here.
  const repo = new Repo({ storage: new DocStorage(new MemoryLocalStore()), network: manualNetwork(false) });
  repos.push(repo);
  const page = fakeVisibility();
  let refreshes = 0;
  const live = new LiveSet({ repo, access, lingerMs: 20, hiddenReleaseMs: 20, refreshMs: 10, budget: 40, ...options, visibility: page.visibility, refresh: () => refreshes++ });
  sets.push(live);
  return { repo, live, page, refreshes: () => refreshes };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 2));
}

describe('LiveSet', () => {
  it('holds what a dashboard wants, live, and lets go after the linger', async () => {
    const { repo, live } = setUp();
    const stop = live.want(['a', 'b', 'c']);
    expect(live.liveIds).toEqual(['a', 'b', 'c']);
    expect(['a', 'b', 'c'].map((id) => repo.peek('w', id)?.syncWanted)).toEqual([true, true, true]);
    expect(live.status.get()).toEqual({ live: 3, wanted: 3 });
    stop();
    expect(live.liveIds).toEqual(['a', 'b', 'c']); // lingering
    await until(() => live.liveIds.length === 0);
    await repo.whenReleased();
    expect(repo.size).toBe(0);
  });

  it('never holds more than the budget: the first documents asked for win', async () => {
    const { live } = setUp({ budget: 2 });
    live.want(['a', 'b', 'c']);
    live.want(['d', 'a']);
    expect(live.liveIds).toEqual(['a', 'b']);
    expect(live.status.get()).toEqual({ live: 2, wanted: 4 });
  });

  it('moving to another dashboard keeps the documents both show (the same handle), and stays within the budget', async () => {
    const { repo, live } = setUp({ budget: 3, lingerMs: 60_000 });
    const first = live.want(['a', 'b', 'c']);
    const handle = repo.peek('w', 'b');
    first();
    live.want(['b', 'd']);
    expect(repo.peek('w', 'b')).toBe(handle);
    // a and c linger, but only as far as the budget allows: the oldest goes at once.
    expect(live.liveIds.length).toBeLessThanOrEqual(3);
    expect(live.liveIds).toContain('b');
    expect(live.liveIds).toContain('d');
  });

  it('lets everything go while the page is hidden, and takes it again when seen', async () => {
    const { live, page } = setUp();
    live.want(['a', 'b']);
    page.set(true);
    await until(() => live.liveIds.length === 0);
    page.set(false);
    expect(live.liveIds).toEqual(['a', 'b']);
  });

  it('looks for changes elsewhere (a background pass) only while something is wanted', async () => {
    const { live, refreshes } = setUp();
    const stop = live.want(['a']);
    await until(() => refreshes() >= 3);
    stop();
    const after = refreshes();
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(refreshes()).toBe(after);
  });
});

describe('LiveSet: digest passes', () => {
  it('a dashboard asking again and again (what it lists changed) runs no extra pass', async () => {
    const { live, refreshes } = setUp({ lingerMs: 60_000, refreshMs: 60_000 });
    let stop = live.want(['a']);
    expect(refreshes()).toBe(1);
    for (let i = 0; i < 20; i++) {
      stop();
      stop = live.want(['a', `x${i}`]);
    }
    expect(refreshes()).toBe(1);
    stop();
  });
});

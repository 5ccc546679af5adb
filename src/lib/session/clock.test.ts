/**
 * The relay's clock as this device estimates it: as few requests as give a good estimate (a
 * phone on bad signal pays for each), up to five when the round trips are long.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { relayClock } from './clock.svelte';

/** The relay's answers, each taking `roundTripMs` by the page's monotonic clock. */
function relayAnswering(roundTrips: number[], serverTime: number) {
  let now = 1_000;
  let asked = 0;
  vi.spyOn(performance, 'now').mockImplementation(() => now);
  vi.stubGlobal('fetch', async () => {
    now += roundTrips[Math.min(asked, roundTrips.length - 1)]!;
    asked++;
    return new Response(JSON.stringify({ now: serverTime }), { status: 200, headers: { 'content-type': 'application/json' } });
  });
  return { asked: () => asked };
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe('relayClock.sample', () => {
  it('stops after one request when the round trip is short', async () => {
    const relay = relayAnswering([40], Date.now() + 30_000);
    expect(await relayClock.sample()).toBe(true);
    expect(relay.asked()).toBe(1);
    expect(relayClock.errorMs).toBe(20);
    expect(Math.abs(relayClock.offsetMs - 30_000)).toBeLessThan(1_000);
  });

  it('asks up to five times on a slow network, and keeps the shortest round trip’s estimate', async () => {
    const relay = relayAnswering([900, 400, 700, 300, 600], Date.now() - 60_000);
    expect(await relayClock.sample()).toBe(true);
    expect(relay.asked()).toBe(5);
    expect(relayClock.errorMs).toBe(150);
  });

  it('a slow first answer (the connection being set up) is followed by one more when that one is good', async () => {
    const relay = relayAnswering([600, 30], Date.now());
    await relayClock.sample();
    expect(relay.asked()).toBe(2);
    expect(relayClock.errorMs).toBe(15);
  });
});

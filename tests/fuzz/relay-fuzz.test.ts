/**
 * The bounded relay fuzz of `npm test`: 20,000 hostile frames (seeded) against the real
 * relay in a child process. Longer runs: `npm run test:fuzz-relay -- --frames 200000 --seed 2`.
 */
import { describe, expect, it } from 'vitest';
import { runRelayFuzz } from './relay-fuzz.ts';

const FRAMES = Number(process.env.RELAY_FUZZ_FRAMES ?? 20_000);
const SEED = Number(process.env.RELAY_FUZZ_SEED ?? 1);

describe('relay frame fuzz', () => {
  it(`${FRAMES} hostile frames (seed ${SEED}): no crash, right close codes, control keeps syncing, memory bounded`, async () => {
    const r = await runRelayFuzz({ frames: FRAMES, seed: SEED, concurrency: 8 });
    console.log(
      `relay-fuzz: ${r.frames} frames, ${r.sockets} sockets, closes ${JSON.stringify(r.closes)}, control ${r.controlRounds} rounds (slowest ${r.controlMaxMs} ms), RSS ${r.rssBeforeMiB} → ${r.rssAfterMiB} MiB (peak ${r.rssPeakMiB})`
    );
    expect(r.problems, `replay: npm run test:fuzz-relay -- --frames ${FRAMES} --seed ${SEED} --concurrency 8`).toEqual([]);
    expect(r.frames).toBeGreaterThanOrEqual(FRAMES);
    expect(r.controlRounds).toBeGreaterThan(5);
    // Every family of refusal was exercised.
    for (const code of ['4400', '4413', '4429', 'ours']) expect(r.closes[code] ?? 0, `close ${code}`).toBeGreaterThan(0);
    // Bounded memory: what the fuzz leaves behind is small next to a 4 MiB-frame run's peak.
    expect(r.rssAfterMiB - r.rssBeforeMiB).toBeLessThan(160);
  });
});

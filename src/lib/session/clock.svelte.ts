/**
 * This device's estimate of the relay's clock, for shared countdowns (issue 11).
 *
 * Meeting times are stored in the relay's clock ("server time"): a facilitator whose
 * phone runs 40 seconds fast would otherwise start every timebox 40 seconds early on
 * everyone else's screen. `serverNow()` is `Date.now()` corrected by the estimated
 * offset; until the first estimate arrives (or offline) it is the device's own clock.
 */
import { estimateOffset, type ClockSample } from '$lib/shared/clock';

/** At most this many requests per estimate… */
const SAMPLES = 5;
/**
 * …and no more once the estimate is this good (a round trip of 100 ms or less): countdowns
 * show seconds, and on a phone with bad signal every request counts.
 */
const GOOD_ENOUGH_ERROR_MS = 50;
/** Clocks drift, and a laptop may sleep: estimate again this often while a meeting page is open. */
const RESAMPLE_MS = 5 * 60_000;

const STORAGE_KEY = 'mutual:relay-clock-offset';

/** The last estimate, kept across page loads so a reload starts from it. */
function remembered(): number {
  try {
    const value = Number(globalThis.localStorage?.getItem(STORAGE_KEY));
    return Number.isFinite(value) ? value : 0;
  } catch {
    return 0; // storage blocked: start from the device's clock
  }
}
function remember(offset: number): void {
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, String(offset));
  } catch {
    // storage blocked or full: the estimate still holds for this page
  }
}

class RelayClock {
  /** Relay clock − local clock (ms). */
  offsetMs = $state(remembered());
  /** Worst-case error of the estimate; null while unknown. */
  errorMs = $state<number | null>(null);
  private users = 0;
  private timer: ReturnType<typeof setInterval> | null = null;
  private running: Promise<boolean> | null = null;

  /** The relay's time now, as best this device knows it. */
  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Sample the relay's clock a few times and keep the best estimate. Resolves whether the relay answered. */
  sample(): Promise<boolean> {
    this.running ??= (async () => {
      const samples: ClockSample[] = [];
      for (let i = 0; i < SAMPLES; i++) {
        try {
          const t0 = performance.now();
          const res = await fetch('/api/time', { cache: 'no-store' });
          const body = (await res.json()) as { now?: unknown };
          const t1 = performance.now();
          // Measure the round trip with the monotonic clock, anchor it on the wall clock.
          const receivedAt = Date.now();
          if (res.ok && typeof body.now === 'number') samples.push({ sentAt: receivedAt - (t1 - t0), receivedAt, serverTime: body.now });
          else break; // the server answered with an error: keep the estimate
        } catch {
          break; // offline: keep the last estimate (or the device's own clock)
        }
        // Use each sample as it comes: the first is already far better than none (a
        // countdown must not show the device's own clock for the seconds five take).
        const estimate = estimateOffset(samples);
        if (estimate) {
          this.offsetMs = estimate.offsetMs;
          this.errorMs = estimate.errorMs;
          remember(estimate.offsetMs);
          if (estimate.errorMs <= GOOD_ENOUGH_ERROR_MS) break;
        }
      }
      return samples.length > 0;
    })().finally(() => (this.running = null));
    return this.running;
  }

  /** Keep the estimate fresh while someone needs it; returns the release function. */
  use(): () => void {
    this.users++;
    if (this.users === 1) {
      void this.sample();
      this.timer = setInterval(() => void this.sample(), RESAMPLE_MS);
    }
    return () => {
      this.users--;
      if (this.users === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = null;
      }
    };
  }
}

/** The device's one estimate of the relay's clock. */
export const relayClock = new RelayClock();

/** The relay's time now (ms), as best this device knows it. */
export function serverNow(): number {
  return relayClock.now();
}

/**
 * Agreeing on "now" with the relay (issue 11: a meeting's countdown must read the same on
 * every device, whatever their own clocks say).
 *
 * A device asks the relay for its time (GET /api/time). The answer was true somewhere
 * during the round trip; assuming the way there and back took equally long, it was true
 * half a round trip before it arrived. Of several samples the one with the shortest round
 * trip bounds the error best (its error is at most half that round trip), so it wins.
 */

/** One request to the relay's clock. */
export interface ClockSample {
  /** Local clock (ms) when the request was sent. */
  sentAt: number;
  /** Local clock (ms) when the answer arrived. */
  receivedAt: number;
  /** The relay's clock in the answer (ms). */
  serverTime: number;
}

/** The best estimate of (relay clock − local clock), and how far it may be off. */
export interface ClockOffset {
  offsetMs: number;
  /** Half the winning round trip: the estimate's worst-case error. */
  errorMs: number;
}

/** Estimate the offset from samples; null when none is usable. */
export function estimateOffset(samples: readonly ClockSample[]): ClockOffset | null {
  let best: ClockSample | null = null;
  for (const s of samples) {
    const rtt = s.receivedAt - s.sentAt;
    if (!Number.isFinite(rtt) || rtt < 0 || !Number.isFinite(s.serverTime)) continue;
    if (!best || rtt < best.receivedAt - best.sentAt) best = s;
  }
  if (!best) return null;
  const half = (best.receivedAt - best.sentAt) / 2;
  return { offsetMs: Math.round(best.serverTime + half - best.receivedAt), errorMs: Math.ceil(half) };
}

/** "4:05", "0:09", "1:02:03": a duration in whole seconds, rounded up (a countdown shows 0:01 until it is over). */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/**
 * What a screen reader hears of a meeting countdown: the same words for a whole minute, so a
 * live region speaks once a minute (and once in the last minute, and when time is up),
 * never every second.
 */
export function countdownAnnouncement(remainingMs: number, overrunMs: number): string {
  if (overrunMs > 0) {
    const over = Math.floor(overrunMs / 60_000);
    return over === 0 ? 'Time is up.' : `${over} minute${over === 1 ? '' : 's'} over time.`;
  }
  const minutes = Math.ceil(remainingMs / 60_000);
  if (minutes <= 1) return 'Less than a minute left.';
  return `${minutes} minutes left.`;
}

/**
 * A token bucket: `burst` tokens, refilled at `perSecond`. One per message; a socket
 * that finds the bucket empty is closed with 4429. Refilled lazily on `take`, so there
 * is no timer per socket.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now()
  ) {
    this.tokens = burst;
    this.last = this.now();
  }

  /** Take one token; false when the bucket is empty. */
  take(): boolean {
    return this.takeMany(1);
  }

  /** Take `n` tokens at once, or none (false) when fewer are left. */
  takeMany(n: number): boolean {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.perSecond);
    this.last = t;
    if (this.tokens < n) return false;
    this.tokens -= n;
    return true;
  }

  /** Whether the bucket has refilled completely (its client has been quiet). */
  isFull(): boolean {
    this.takeMany(0);
    return this.tokens >= this.burst;
  }

  /**
   * Charge up to `n` more tokens (at most half the burst) for work already granted: an
   * expensive answer. Never refuses by itself and leaves a full bucket half full, so a
   * client's one legitimate big request, and the messages right after it, always go through;
   * repeating it soon empties the bucket.
   */
  charge(n: number): void {
    this.tokens -= Math.min(n, this.burst / 2);
  }
}

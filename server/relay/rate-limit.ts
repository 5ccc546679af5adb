/**
 * A token bucket: `burst` tokens, refilled at `perSecond`. Refilled lazily on each call, so
 * there is no timer per bucket. Two ways to use it:
 * - refuse: {@link take}/{@link takeMany} take tokens only when there are enough (HTTP rate
 *   limits, presence, new editing sessions);
 * - slow down: {@link spend} always takes, and the bucket may go into debt; {@link msUntilRepaid}
 *   says how long the caller should wait before reading more (socket flow control).
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
    this.refill();
    if (this.tokens < n) return false;
    this.tokens -= n;
    return true;
  }

  /** Take `n` tokens even when fewer are left: the bucket goes into debt. */
  spend(n: number): void {
    this.refill();
    this.tokens -= n;
  }

  /** Milliseconds until the bucket is out of debt (0 when it is not in debt). */
  msUntilRepaid(): number {
    this.refill();
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.perSecond) * 1000);
  }

  /** Whether at least `fraction` of the burst is available (the client has been slower than the budget for a while). */
  atLeast(fraction: number): boolean {
    this.refill();
    return this.tokens >= this.burst * fraction;
  }

  /** Whether the bucket has refilled completely (its client has been quiet). */
  isFull(): boolean {
    return this.atLeast(1);
  }

  /**
   * Charge up to `n` more tokens (at most half the burst) for work already granted: an
   * expensive answer. Never refuses by itself and leaves a full bucket half full, so a
   * client's one legitimate big request, and the messages right after it, always go through;
   * repeating it soon empties the bucket (and the socket is slowed down).
   */
  charge(n: number): void {
    this.refill();
    this.tokens -= Math.min(n, this.burst / 2);
  }

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.perSecond);
    this.last = t;
  }
}

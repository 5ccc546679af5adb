/** A latency histogram: 0.1 ms buckets up to 30 s, overflow in the last bucket. */
const BUCKET_MS = 0.1;
const BUCKETS = 300_000;

export class Histogram {
  private readonly counts = new Uint32Array(BUCKETS);
  count = 0;
  max = 0;

  record(ms: number): void {
    const i = Math.min(BUCKETS - 1, Math.max(0, Math.floor(ms / BUCKET_MS)));
    this.counts[i]++;
    this.count++;
    if (ms > this.max) this.max = ms;
  }

  /** The latency at quantile `q` (0..1), in ms, at bucket resolution; NaN when empty. */
  quantile(q: number): number {
    if (this.count === 0) return Number.NaN;
    const rank = Math.ceil(q * this.count);
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i];
      if (seen >= rank) return (i + 1) * BUCKET_MS;
    }
    return this.max;
  }
}

/**
 * Rate-limit buckets shared by every instance (FANOUT=redis): without them a client spreading
 * its requests over N instances behind a load balancer would get N budgets (docs/scaling.md).
 *
 * One Redis hash per bucket (`<prefix>rate:<limiter>:<key>`: tokens and the time they were
 * counted), refilled and taken in one Lua script, so two instances taking from one bucket at
 * once never both take its last token. The script reads Redis's own clock: instances whose
 * clocks differ still refill at the same rate. A bucket expires once it would be full again.
 *
 * When Redis cannot answer, {@link SharedBuckets.take} says so (null) and the limiter falls
 * back to its own instance's bucket: a Redis outage leaves each instance limiting on its own,
 * as before, never refusing everyone nor letting everyone through.
 */
import { Redis } from 'ioredis';
import { errorMessage, type Logger } from '../log.ts';

/** A budget: `burst` requests at once, refilled at `perHour`. */
export interface Budget {
  burst: number;
  perHour: number;
}

/** Buckets kept outside this instance. */
export interface SharedBuckets {
  /** Take one token from bucket `id`: true when there was one, false when empty, null when the store cannot answer. */
  take(id: string, budget: Budget): Promise<boolean | null>;
  close(): Promise<void>;
}

/** Refill by elapsed time, take one token if there is one; returns 1 (taken) or 0. */
const TAKE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local perMs = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local held = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(held[1]) or burst
local at = tonumber(held[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * perMs)
local taken = 0
if tokens >= 1 then
  tokens = tokens - 1
  taken = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / perMs) + 1000)
return taken
`;

/** Options of {@link createRedisBuckets}. */
export interface RedisBucketsOptions {
  url: string;
  logger: Logger;
  /** Key prefix (several Mutual hosts may share one Redis). Default `mutual:`. */
  prefix?: string;
}

/** Connect to Redis for shared buckets; resolves once connected. */
export async function createRedisBuckets(opts: RedisBucketsOptions): Promise<SharedBuckets> {
  const prefix = `${opts.prefix ?? 'mutual:'}rate:`;
  // A request must not wait for Redis to come back: no offline queue, one try.
  const redis = new Redis(opts.url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  let warned = false;
  redis.on('error', (err: Error) => opts.logger.warn('redis-error', { connection: 'rate-limits', error: errorMessage(err) }));
  redis.on('ready', () => (warned = false));
  await redis.connect();
  return {
    async take(id, budget) {
      try {
        const taken = await redis.eval(TAKE_SCRIPT, 1, prefix + id, String(budget.perHour / 3_600_000), String(budget.burst));
        return taken === 1;
      } catch (err) {
        if (!warned) opts.logger.warn('rate-limits-local', { reason: 'Redis did not answer; each instance limits on its own until it does', error: errorMessage(err) });
        warned = true;
        return null;
      }
    },
    async close() {
      redis.disconnect();
    }
  };
}

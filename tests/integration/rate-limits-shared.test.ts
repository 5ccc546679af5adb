/**
 * HTTP rate limits shared by instances (FANOUT=redis, server/http/shared-buckets.ts): a client
 * spreading its requests over the instances behind a load balancer has one budget, not one per
 * instance; two instances taking a bucket's last token at once never both get it; and when
 * Redis goes away each instance limits on its own again rather than refusing everyone or
 * letting everyone through. A real Redis, two real app instances.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/log.ts';
import { RateLimiter } from '../../server/http/rate-limits.ts';
import { createRedisBuckets, type SharedBuckets } from '../../server/http/shared-buckets.ts';
import { api, removeDir, startServer, TEST_RATE_BUDGETS, type TestServer } from '../helpers/server.ts';
import { startRedis, type Service } from '../helpers/services.ts';

let redis: Service;
beforeAll(async () => {
  redis = await startRedis();
}, 60_000);
afterAll(async () => {
  await redis?.stop();
});

const logger = createLogger('silent');
const opened: SharedBuckets[] = [];
const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((b) => b.close()));
  const closing = servers.splice(0);
  await Promise.all(closing.map((s) => s.close()));
  for (const s of closing) removeDir(s.dataDir);
});

const buckets = async (prefix: string) => {
  const b = await createRedisBuckets({ url: redis.url, logger, prefix });
  opened.push(b);
  return b;
};

describe('rate limits shared by instances', () => {
  it('two instances taking from one bucket at once grant exactly its burst, then refuse on both', async () => {
    const [one, two] = await Promise.all([buckets('t1:'), buckets('t1:')]);
    const budget = { burst: 10, perHour: 1 };
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? one : two).take('join:10.0.0.7', budget)));
    expect(answers.filter((a) => a === true)).toHaveLength(10);
    expect(answers.filter((a) => a === false)).toHaveLength(20);
    // Another key has its own bucket.
    expect(await one.take('join:10.0.0.8', budget)).toBe(true);
  });

  it('a client spread over two app instances gets one budget of new workspaces', async () => {
    const config = { fanout: 'redis' as const, redisUrl: redis.url, logLevel: 'silent' as const, workspaceCreation: 'open' as const };
    const parts = { rateBudgets: { ...TEST_RATE_BUDGETS, createWorkspace: { burst: 4, perHour: 1 } } };
    const [a, b] = await Promise.all([startServer({ config, parts }), startServer({ config, parts })]);
    servers.push(a, b);
    const create = (s: TestServer) => api(s.httpUrl, 'POST', '/api/workspaces', { body: { name: 'Ours', memberName: 'Ada' } });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await create(i % 2 ? b : a)).status);
    // Four in all (not four on each instance), then refused wherever the balancer sends it.
    expect(statuses).toEqual([201, 201, 201, 201, 429, 429]);
    const refused = await create(a);
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatch(/Too many new workspaces from this address/);
  });

  it('with Redis gone, each instance limits on its own: never refusing everyone, never letting everyone through', async () => {
    const own = await startRedis();
    try {
      const shared = await createRedisBuckets({ url: own.url, logger, prefix: 't3:' });
      opened.push(shared);
      const limiter = new RateLimiter({ burst: 2, perHour: 1 }, 'Too many.', { buckets: shared, name: 'x' });
      await limiter.take('k');
      await limiter.take('k');
      await expect(limiter.take('k')).rejects.toMatchObject({ status: 429 });
      await own.stop();
      // Redis cannot answer: the instance's own bucket (full: it was not used) answers.
      expect(await shared.take('x:k', { burst: 2, perHour: 1 })).toBeNull();
      await limiter.take('k');
      await limiter.take('k');
      await expect(limiter.take('k')).rejects.toMatchObject({ status: 429 });
    } finally {
      await own.stop();
    }
  });
});

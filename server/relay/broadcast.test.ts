import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { startRedis, type Service } from '../../tests/helpers/services.ts';
import { createLogger } from '../log.ts';
import { runBroadcastTests } from './broadcast-acceptance.ts';
import { createLocalBroadcast } from './broadcast.ts';
import { createRedisBroadcast } from './broadcast-redis.ts';

let redis: Service;
let runs = 0;
beforeAll(async () => {
  redis = await startRedis();
}, 60_000);
afterAll(() => redis?.stop(), 30_000);

runBroadcastTests('local', async () => ({ instance: async () => createLocalBroadcast(), teardown: async () => {} }), { shared: false });

runBroadcastTests(
  'redis',
  async () => {
    // A prefix per test: instances of one test share a bus, tests do not hear each other.
    const prefix = `t${++runs}:`;
    const logger = createLogger('silent');
    return {
      instance: () => createRedisBroadcast({ url: redis.url, logger, prefix }),
      async cutSubscribers() {
        const admin = new Redis(redis.url);
        try {
          await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
        } finally {
          admin.disconnect();
        }
      },
      teardown: async () => {}
    };
  },
  { shared: true }
);

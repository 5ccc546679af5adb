/**
 * Hocuspocus 4 (@hocuspocus/server) with its defaults: no extensions, so no persistence,
 * and its default broadcast batching (flushDelay 0: updates of one event-loop turn merged).
 * Its package says Node ≥ 22; the bench runs it on the project's Node (20) and records that.
 */
import { Server } from '@hocuspocus/server';
import { announce, exitOnSignal, handleBenchRoute } from './common.ts';

const server = new Server({
  port: Number(process.env.PORT ?? 0),
  address: '127.0.0.1',
  quiet: true,
  stopOnSignals: false,
  extensions: [
    {
      async onRequest({ request, response }: { request: import('node:http').IncomingMessage; response: import('node:http').ServerResponse }) {
        // Rejecting with an empty reason stops Hocuspocus's default response.
        if (handleBenchRoute(request, response)) return Promise.reject(null);
      }
    }
  ]
});
await server.listen();
announce(server.address.port);
exitOnSignal(() => server.destroy());

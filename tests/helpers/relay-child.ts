/**
 * A Mutual server in its own process, for restart and `kill -9` tests:
 * `node --import tsx tests/helpers/relay-child.ts` with PORT and DATA_DIR set.
 * Prints `{"listening":port}` on stdout once it accepts connections.
 *
 * Test-only routes (not part of the server's API), for harnesses such as the relay fuzzer:
 * - `GET /__debug/documents/<workspaceId>/<docId>`: the relay's `documents.describe` of that
 *   document (what state it was in when a socket was not greeted);
 * - `GET /__debug/memory`: after a full garbage collection, the process's memory in MiB
 *   (what the relay still holds, without the allocator's slack that RSS includes);
 * - `GET /__debug/leader`: whether this instance holds the leader lease (`{"leader": bool}`).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import v8 from 'node:v8';
import vm from 'node:vm';
import { createMutual } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';

const config = loadConfig({ WORKSPACE_CREATION: 'open', ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' });
// TEST_MAX_HOLD_MS: how long held updates wait (production: 10 s); harnesses shorten it.
const maxHoldMs = Number(process.env.TEST_MAX_HOLD_MS);
// TEST_NOTIFY_LEASE_MS: how long a notification being sent stays claimed (production: 60 s).
const leaseMs = Number(process.env.TEST_NOTIFY_LEASE_MS);
const mutual = await createMutual(config, {
  ...(Number.isFinite(maxHoldMs) && maxHoldMs > 0 ? { admission: { maxHoldMs } } : {}),
  ...(Number.isFinite(leaseMs) && leaseMs > 0 ? { notificationPolicy: { leaseMs } } : {})
});
const DEBUG_DOCUMENTS = /^\/__debug\/documents\/([\w-]+)\/([\w-]+)$/;
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** The test-only routes above, as JSON; null for any other request. */
function debugAnswer(req: http.IncomingMessage): unknown {
  if (req.method !== 'GET') return null;
  const doc = DEBUG_DOCUMENTS.exec(req.url ?? '');
  if (doc) return mutual.documents.describe(doc[1], doc[2]);
  if (req.url === '/__debug/leader') return { leader: mutual.coordination.coordinator.isLeader };
  if (req.url !== '/__debug/memory') return null;
  gc();
  const m = process.memoryUsage();
  return { rss: mib(m.rss), heapUsed: mib(m.heapUsed), external: mib(m.external) };
}

const server = http.createServer((req, res) => {
  const debug = debugAnswer(req);
  if (debug) return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(debug));
  if (!mutual.handleHttp(req, res)) res.writeHead(404).end();
});
server.on('upgrade', (req, socket, head) => {
  if (!mutual.handleUpgrade(req, socket, head)) socket.destroy();
});
server.listen(config.port, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ listening: (server.address() as AddressInfo).port }) + '\n');
});
process.on('SIGTERM', () => {
  server.close();
  mutual
    .close()
    .then(() => process.exit(0))
    .catch(() => process.exit(1));
});

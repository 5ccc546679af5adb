/**
 * A Mutual server in its own process, for restart and `kill -9` tests:
 * `node --import tsx tests/helpers/relay-child.ts` with PORT and DATA_DIR set.
 * Prints `{"listening":port}` on stdout once it accepts connections.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMutual } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';

const config = loadConfig({ WORKSPACE_CREATION: 'open', ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' });
const mutual = await createMutual(config);
const server = http.createServer((req, res) => {
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

/**
 * A Mutual server in its own process, for restart and `kill -9` tests:
 * `node --import tsx tests/helpers/relay-child.ts` with PORT and DATA_DIR set.
 * Prints `{"listening":port}` on stdout once it accepts connections.
 *
 * Test-only route (not part of the server's API): `GET /__debug/documents/<workspaceId>/<docId>`
 * answers the relay's `documents.describe` of that document, so a harness (the relay fuzzer)
 * can say what state a document was in when a socket was not greeted.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMutual } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';

const config = loadConfig({ ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' });
const mutual = await createMutual(config);
const DEBUG_DOCUMENTS = /^\/__debug\/documents\/([\w-]+)\/([\w-]+)$/;
const server = http.createServer((req, res) => {
  const debug = req.method === 'GET' ? DEBUG_DOCUMENTS.exec(req.url ?? '') : null;
  if (debug) return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(mutual.documents.describe(debug[1], debug[2])));
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

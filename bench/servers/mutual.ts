/**
 * Mutual's relay and HTTP API, as `npm start` runs them minus the SvelteKit handler
 * (the bench measures the relay). Settings come from the environment (DATA_DIR, STORE,
 * UNLOAD_GRACE_MS, RATE_LIMIT_*, …) exactly as in production.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMutual } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { announce, exitOnSignal, handleBenchRoute } from './common.ts';

// The bench runs on loopback with workspaces made by the load generator: creation is open.
const config = loadConfig({ WORKSPACE_CREATION: 'open', ...process.env });
const mutual = await createMutual(config);
const server = http.createServer((req, res) => {
  if (req.url === '/bench/stats') {
    // Lets the many-documents scenario check that documents really unloaded.
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ loadedDocuments: mutual.documents.loadedCount, connections: mutual.relay.connectionCount }));
    return;
  }
  if (handleBenchRoute(req, res) || mutual.handleHttp(req, res)) return;
  res.writeHead(404).end();
});
server.on('upgrade', (req, socket, head) => {
  if (!mutual.handleUpgrade(req, socket, head)) socket.destroy();
});
server.listen(config.port, '127.0.0.1', () => announce((server.address() as AddressInfo).port));
exitOnSignal(async () => {
  server.close();
  await mutual.close();
});

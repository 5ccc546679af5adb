/**
 * The reference: y-websocket 1.5.4's bin/utils `setupWSConnection` on a `ws` server, as its
 * bin/server.js runs it (no persistence, no auth). Installed as the dev dependency
 * `y-websocket-ref`; used only by the bench.
 */
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { announce, exitOnSignal, handleBenchRoute } from './common.ts';

const require = createRequire(import.meta.url);
const utilsPath = require.resolve('y-websocket-ref/bin/utils');
const utils = require(utilsPath) as { setupWSConnection: (ws: unknown, req: http.IncomingMessage) => void };
// The `ws` the reference itself depends on (6.x), as bin/server.js would load it.
const WebSocket = createRequire(utilsPath)('ws') as {
  Server: new (o: { noServer: true }) => {
    handleUpgrade(req: http.IncomingMessage, socket: unknown, head: Buffer, cb: (ws: unknown) => void): void;
    close(): void;
  };
};

const wss = new WebSocket.Server({ noServer: true });
const server = http.createServer((req, res) => {
  if (handleBenchRoute(req, res)) return;
  res.writeHead(200, { 'content-type': 'text/plain' }).end('okay');
});
server.on('upgrade', (req, socket, head) => {
  wss.handleUpgrade(req, socket, head, (ws) => utils.setupWSConnection(ws, req));
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => announce((server.address() as AddressInfo).port));
exitOnSignal(async () => {
  wss.close();
  server.close();
});

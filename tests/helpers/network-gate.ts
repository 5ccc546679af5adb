/**
 * A gate in front of the Mutual server for one browser device (its own origin, so its own
 * IndexedDB and service worker): HTTP passes through, and the relay's websockets pass until
 * `block()` — then every upgrade is refused at the network (the connection is dropped), as on
 * a network that lets pages through but not websockets. `holdPages()` holds every page
 * navigation's request unanswered (bad signal: the connection is up, the page never comes)
 * while everything else passes; `releasePages()` answers them. `slow(ms)` delays every HTTP
 * request by `ms` before it goes on (a phone's round trip on bad signal); `slow(0)` stops that.
 *
 * Why not Playwright's `routeWebSocket`: it cannot be removed again (before issue 25 the
 * bench's "reachable" opens were blocked too), and it works by injecting a script into every
 * page that wraps WebSocket, which the blocked opens then paid for and the reachable ones not.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface NetworkGate {
  /** The device's origin: `http://127.0.0.1:<port>` (its own IndexedDB, as another device). */
  url: string;
  block(): void;
  holdPages(): void;
  releasePages(): void;
  /** Navigations held so far (each counted once). */
  heldPages(): number;
  slow(ms: number): void;
  close(): Promise<void>;
}

export async function networkGate(target: { host: string; port: number }): Promise<NetworkGate> {
  let blocked = false;
  let holding = false;
  let held: (() => void)[] = [];
  let heldCount = 0;
  let delayMs = 0;
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    if (holding && req.headers['sec-fetch-mode'] === 'navigate') {
      heldCount++;
      held.push(() => pass(req, res));
      return;
    }
    if (delayMs > 0) setTimeout(() => pass(req, res), delayMs);
    else pass(req, res);
  });
  const pass = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const upstream = http.request({ host: target.host, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  };
  server.on('upgrade', (req, socket, head) => {
    if (blocked) {
      socket.destroy();
      return;
    }
    const upstream = net.connect(target.port, target.host, () => {
      const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      upstream.write(lines.join('\r\n') + '\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    for (const s of [upstream, socket as net.Socket]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        upstream.destroy();
        socket.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    block() {
      blocked = true;
      // Sockets open now are cut too: the page's next open finds no relay.
      for (const s of sockets) s.destroy();
    },
    holdPages() {
      holding = true;
    },
    releasePages() {
      holding = false;
      const waiting = held;
      held = [];
      for (const go of waiting) go();
    },
    heldPages: () => heldCount,
    slow(ms) {
      delayMs = ms;
    },
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      })
  };
}

/** A raw protocol client: a `ws` socket, lib0 framing, no Y.Doc and no provider. */
import WebSocket from 'ws';
import type { Dialect } from './wire.ts';

export interface RawClient {
  readonly ws: WebSocket;
  readonly dialect: Dialect;
  /** Send one document update. Returns false if the socket is no longer open. */
  sendUpdate(update: Uint8Array): boolean;
  close(): Promise<void>;
  /** Set when the server closed the socket: `code reason`. */
  closedBy: string | null;
}

export interface ClientOptions {
  /** Called for every document update frame received (not for sync step 2). */
  onUpdate?: (update: Uint8Array) => void;
  /** Milliseconds to wait for the first sync before giving up. */
  timeoutMs?: number;
}

/**
 * Open a socket and run the handshake: resolves once the server's sync step 2 arrived
 * (the document is loaded and the client is live). The server's own step 1 is answered
 * with an empty step 2, as a fresh provider would.
 */
export function connectClient(url: string, dialect: Dialect, opts: ClientOptions = {}): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.binaryType = 'nodebuffer';
    let synced = false;
    const timer = setTimeout(() => fail(new Error(`no sync within ${opts.timeoutMs ?? 15000} ms: ${url}`)), opts.timeoutMs ?? 15000);
    const client: RawClient = {
      ws,
      dialect,
      closedBy: null,
      sendUpdate(update) {
        if (ws.readyState !== WebSocket.OPEN) return false;
        ws.send(dialect.update(update));
        return true;
      },
      close: () =>
        new Promise<void>((done) => {
          if (ws.readyState === WebSocket.CLOSED) return done();
          ws.once('close', () => done());
          ws.close();
          setTimeout(() => {
            ws.terminate();
            done();
          }, 2000).unref();
        })
    };
    function fail(err: Error) {
      clearTimeout(timer);
      ws.terminate();
      reject(err);
    }
    ws.on('open', () => {
      for (const f of dialect.hello()) ws.send(f);
    });
    ws.on('message', (data: Buffer) => {
      const msg = dialect.read(data);
      if (msg.kind === 'update') opts.onUpdate?.(msg.update);
      else if (msg.kind === 'step1') ws.send(dialect.step2());
      else if (msg.kind === 'step2' && !synced) {
        synced = true;
        clearTimeout(timer);
        resolve(client);
      }
    });
    ws.on('close', (code, reason) => {
      client.closedBy = `${code} ${reason.toString()}`;
      if (!synced) fail(new Error(`closed before sync: ${client.closedBy} (${url})`));
    });
    ws.on('error', (err) => {
      if (!synced) fail(err);
    });
  });
}

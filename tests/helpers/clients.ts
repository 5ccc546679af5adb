import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { waitFor } from './wait-for.ts';

/** A stock y-websocket client in Node. */
export interface TestClient {
  doc: Y.Doc;
  provider: WebsocketProvider;
  /** Resolves once the provider has synced (fails after `timeout`). */
  synced(timeout?: number): Promise<void>;
  /** Close events the provider saw (code, reason). */
  closes: { code: number; reason: string }[];
  destroy(): void;
}

/** Connect the stock WebsocketProvider to `<syncUrl>/<workspaceId>/<docId>?token=…`. */
export function connectClient(syncUrl: string, workspaceId: string, docId: string, token: string, doc: Y.Doc = new Y.Doc()): TestClient {
  const provider = new WebsocketProvider(syncUrl, `${workspaceId}/${docId}`, doc, {
    params: { token },
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    maxBackoffTime: 200
  });
  const closes: { code: number; reason: string }[] = [];
  provider.on('connection-close', (event) => {
    if (event) closes.push({ code: event.code, reason: event.reason });
  });
  return {
    doc,
    provider,
    closes,
    synced: (timeout = 10_000) => waitFor(() => provider.synced, { timeout, message: `client of ${docId} to sync` }).then(() => {}),
    destroy() {
      provider.destroy();
      // The provider made this presence and leaves it running (its 3 s interval would keep a
      // CLI's process alive after its work is done).
      provider.awareness.destroy();
    }
  };
}

/** A raw websocket that records every frame and the close. */
export interface RawSocket {
  ws: WebSocket;
  frames: Buffer[];
  opened: Promise<void>;
  closed: Promise<{ code: number; reason: string; framesBeforeClose: number }>;
}

/** Open a raw websocket to `url`. */
export function rawSocket(url: string): RawSocket {
  const ws = new WebSocket(url, { maxPayload: 64 * 1024 * 1024 });
  const frames: Buffer[] = [];
  ws.on('message', (data) => frames.push(data as Buffer));
  ws.on('error', () => {});
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('close', () => reject(new Error('closed before open')));
  });
  opened.catch(() => {});
  const closed = new Promise<{ code: number; reason: string; framesBeforeClose: number }>((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString(), framesBeforeClose: frames.length }))
  );
  return { ws, frames, opened, closed };
}

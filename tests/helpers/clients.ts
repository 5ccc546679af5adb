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

/** The stock provider with its close events recorded. */
function stockProvider(syncUrl: string, workspaceId: string, docId: string, token: string, doc: Y.Doc, socket: unknown, maxBackoffTime: number) {
  const provider = new WebsocketProvider(syncUrl, `${workspaceId}/${docId}`, doc, {
    params: { token },
    WebSocketPolyfill: socket as typeof globalThis.WebSocket,
    disableBc: true,
    maxBackoffTime
  });
  const closes: { code: number; reason: string }[] = [];
  provider.on('connection-close', (event) => {
    if (event) closes.push({ code: event.code, reason: event.reason });
  });
  const destroy = () => {
    provider.destroy();
    // The provider made this presence and leaves it running (its 3 s interval would keep a
    // CLI's process alive after its work is done).
    provider.awareness.destroy();
  };
  return { provider, closes, destroy };
}

/** Connect the stock WebsocketProvider to `<syncUrl>/<workspaceId>/<docId>?token=…`. */
export function connectClient(syncUrl: string, workspaceId: string, docId: string, token: string, doc: Y.Doc = new Y.Doc()): TestClient {
  const { provider, closes, destroy } = stockProvider(syncUrl, workspaceId, docId, token, doc, WebSocket, 200);
  return {
    doc,
    provider,
    closes,
    synced: (timeout = 10_000) => waitFor(() => provider.synced, { timeout, message: `client of ${docId} to sync` }).then(() => {}),
    destroy
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

/** The `ws` WebSocket, recording every byte the server sends (give this class to the stock provider). */
export function recordingWebSocket(frames: Buffer[]) {
  return class RecordingWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols);
      this.on('message', (data: Buffer) => frames.push(Buffer.from(data)));
    }
  };
}

/** A stock client recording every frame it receives and every close. */
export interface RecordedClient {
  doc: Y.Doc;
  provider: WebsocketProvider;
  frames: Buffer[];
  closes: { code: number; reason: string }[];
  destroy(): void;
}

/** Connect a stock WebsocketProvider that records every frame it receives (privacy tests check them byte for byte). */
export function recordedClient(syncUrl: string, workspaceId: string, docId: string, token: string): RecordedClient {
  const frames: Buffer[] = [];
  const doc = new Y.Doc();
  return { doc, frames, ...stockProvider(syncUrl, workspaceId, docId, token, doc, recordingWebSocket(frames), 100) };
}

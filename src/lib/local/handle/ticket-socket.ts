/**
 * Tokens out of URLs (issue 18). Reverse proxies log request URLs, and a websocket's URL is
 * where y-websocket puts its params. This WebSocket stand-in takes the `?token=` the stock
 * provider puts in the URL, trades it (as a bearer header) for a single-use ticket valid 60 s
 * (`POST /api/workspaces/:id/tickets`), and connects with `?ticket=` instead, on every
 * (re)connect. The provider sees an ordinary WebSocket.
 *
 * - No answer (offline, 5xx, 429): reported as a temporary close (1006/1013), so the
 *   provider backs off and retries as it would for a dropped connection.
 * - 401 (the token no longer works): the socket is opened with the token itself. It grants
 *   nothing any more, and the relay's close says why in its own words (a removed device, a
 *   removed member), exactly as for a stock client.
 */
import type { WebSocketConstructor } from './relay-link.ts';

type Handler = ((event: any) => void) | null; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Wrap `Base` (the browser's WebSocket) so connections use tickets; `fetchFn` posts to the API. */
export function ticketWebSocket(Base: WebSocketConstructor, fetchFn: typeof fetch = (...a) => globalThis.fetch(...a)): WebSocketConstructor {
  class TicketSocket {
    static readonly CONNECTING = 0;
    static readonly OPEN = 1;
    static readonly CLOSING = 2;
    static readonly CLOSED = 3;
    readonly CONNECTING = 0;
    readonly OPEN = 1;
    readonly CLOSING = 2;
    readonly CLOSED = 3;
    binaryType: BinaryType = 'arraybuffer';
    onopen: Handler = null;
    onmessage: Handler = null;
    onclose: Handler = null;
    onerror: Handler = null;
    private inner: WebSocket | null = null;
    private state = 0;

    constructor(url: string | URL, protocols?: string | string[]) {
      const target = new URL(String(url));
      const token = target.searchParams.get('token');
      if (!token) {
        this.connect(target, protocols);
        return;
      }
      target.searchParams.delete('token');
      const workspaceId = target.pathname.split('/').slice(-2)[0];
      const api = `${target.protocol === 'wss:' ? 'https:' : 'http:'}//${target.host}/api/workspaces/${encodeURIComponent(workspaceId)}/tickets`;
      fetchFn(api, { method: 'POST', headers: { authorization: `Bearer ${token}` } })
        .then(async (res) => {
          if (this.state !== 0) return;
          if (res.status === 401) {
            target.searchParams.set('token', token);
            return this.connect(target, protocols);
          }
          const body = (await res.json().catch(() => null)) as { ticket?: unknown } | null;
          if (this.state !== 0) return;
          if (res.status === 403) return this.fail(4403, 'this token belongs to another workspace');
          if (!res.ok || typeof body?.ticket !== 'string') return this.fail(1013, `no connection ticket (HTTP ${res.status})`);
          target.searchParams.set('ticket', body.ticket);
          this.connect(target, protocols);
        })
        .catch(() => this.fail(1006, 'the server could not be reached'));
    }

    get readyState(): number {
      return this.inner ? this.inner.readyState : this.state;
    }

    send(data: ArrayBufferLike | ArrayBufferView | Blob | string): void {
      if (!this.inner) throw new Error('WebSocket is not open');
      this.inner.send(data as ArrayBuffer);
    }

    close(code?: number, reason?: string): void {
      if (this.inner) return this.inner.close(code, reason);
      // Closed before the ticket came back: never connect.
      if (this.state === 0) this.fail(code ?? 1000, reason ?? '');
    }

    private connect(target: URL, protocols?: string | string[]): void {
      const ws = new Base(target.toString(), protocols) as WebSocket;
      ws.binaryType = this.binaryType;
      ws.onopen = (e) => this.onopen?.(e);
      ws.onmessage = (e) => this.onmessage?.(e);
      ws.onerror = (e) => this.onerror?.(e);
      ws.onclose = (e) => this.onclose?.(e);
      this.inner = ws;
    }

    private fail(code: number, reason: string): void {
      this.state = 3;
      this.onclose?.({ code, reason, wasClean: false });
    }
  }
  return TicketSocket as unknown as WebSocketConstructor;
}

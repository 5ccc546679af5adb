import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { MutualConfig } from './config.ts';

/** One Mutual server: HTTP API + relay, without the SvelteKit handler (see main.ts). */
export interface Mutual {
  /** Handle /api/* and /healthz. Returns false when the request is not ours. */
  handleHttp(req: IncomingMessage, res: ServerResponse): boolean;
  /** Handle a websocket upgrade under /sync/. Returns false when the path is not ours. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  close(): Promise<void>;
}

export async function createMutual(_config: MutualConfig): Promise<Mutual> {
  return {
    handleHttp(req, res) {
      if (req.url === '/healthz') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
        return true;
      }
      return false;
    },
    handleUpgrade() {
      return false;
    },
    async close() {}
  };
}

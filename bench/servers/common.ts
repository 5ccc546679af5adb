/** Shared by the server entries: the memory probe, the ready line and a clean shutdown. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import v8 from 'node:v8';
import { READY_PREFIX } from '../lib/proc.ts';

/** What GET /bench/memory answers (after two full GCs when the process runs with --expose-gc). */
export interface MemorySample {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

export function sampleMemory(): MemorySample {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers };
}

/** Answer the bench's own routes; false when the request is not one of them. */
export function handleBenchRoute(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.url === '/bench/memory') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(sampleMemory()));
    return true;
  }
  // GET /bench/heap-snapshot?path=/tmp/x.heapsnapshot: a V8 heap snapshot (after GC), for
  // telling a leak from one-time growth (compare object counts between two snapshots).
  if (req.url?.startsWith('/bench/heap-snapshot?')) {
    const file = new URLSearchParams(req.url.slice(req.url.indexOf('?') + 1)).get('path');
    if (!file) return res.writeHead(400).end('path missing'), true;
    sampleMemory();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ path: v8.writeHeapSnapshot(file) }));
    return true;
  }
  return false;
}

/** Tell the parent we listen. */
export function announce(port: number): void {
  process.stdout.write(`${READY_PREFIX}${JSON.stringify({ port })}\n`);
}

/** On SIGTERM/SIGINT: close, then exit (process.exit lets --cpu-prof write its profile). */
export function exitOnSignal(close: () => Promise<void>): void {
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    const hard = setTimeout(() => process.exit(0), 3000);
    close()
      .catch((err: unknown) => console.error('close failed', err))
      .finally(() => {
        clearTimeout(hard);
        process.exit(0);
      });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

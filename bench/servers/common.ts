/** Shared by the server entries: the memory probe, the ready line and a clean shutdown. */
import type { IncomingMessage, ServerResponse } from 'node:http';
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
  if (req.url !== '/bench/memory') return false;
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(sampleMemory()));
  return true;
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

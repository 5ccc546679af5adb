/**
 * The bare Lexical + @lexical/yjs reference page (bare/): built with Vite from the project's
 * own node_modules (same lexical, @lexical/*, yjs and idb as the app, the same dedupe and
 * target), served by a small static server together with the document to open.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { build } from 'vite';
import { BENCH_DIR } from '../lib/proc.ts';
import { applyAppSecurityHeaders } from '../../server/http/security-headers.ts';

const ROOT = path.join(BENCH_DIR, 'client', 'bare');
/** Beside the app's builds, ignored by git like them. */
const OUT = path.join(BENCH_DIR, '..', 'build-bench-bare');

/** Build the reference page; returns its output folder. */
export async function buildBare(): Promise<string> {
  await build({
    configFile: false,
    root: ROOT,
    logLevel: 'warn',
    resolve: { dedupe: ['yjs', 'lexical', 'y-protocols', 'lib0'] },
    build: { outDir: OUT, emptyOutDir: true, target: 'es2022', sourcemap: false }
  });
  return OUT;
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

/**
 * Serve the built page and `/doc.bin` (the document's state as one update) on loopback; with
 * `asTheApp`, every answer carries the app's security headers (its Cross-Origin-Opener-Policy
 * decides which renderer process the page gets, renderer.ts).
 */
export async function serveBare(dir: string, docUpdate: Uint8Array, options: { asTheApp: boolean }): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (options.asTheApp) applyAppSecurityHeaders(res);
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/doc.bin') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      return res.end(Buffer.from(docUpdate));
    }
    const file = path.join(dir, url.pathname === '/' ? 'index.html' : path.normalize(url.pathname));
    if (!file.startsWith(dir) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404);
      return res.end();
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve()))
  };
}

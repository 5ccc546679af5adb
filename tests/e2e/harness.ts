/**
 * Browser-test harness: the real production server (built app + relay + SQLite in a temp
 * dir) in a child process, and Debian's chromium driven by playwright-core.
 * Never a downloaded browser: executablePath is /usr/bin/chromium (or CHROMIUM_PATH).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const SHOTS_DIR = process.env.SHOTS_DIR || path.resolve('test-results/screenshots');

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface RunningServer {
  url: string;
  port: number;
  dataDir: string;
  child: ChildProcess;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Start again on the same port and data directory (after stop); `env` adds to or overrides the settings (e.g. another BUILD_DIR: a deploy). */
  restart(env?: Record<string, string>): Promise<void>;
}

async function waitHealthy(url: string, child: ChildProcess, output: () => string = () => '', timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    // With the end of what it printed: why it stopped (a port taken meanwhile, a bad setting…).
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${output().slice(-2000)}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server did not become healthy in time');
}

/** Start `server/main.ts` (serving the built app from build/) on a free port; `env` may depend on the server's URL. */
export async function startServer(settings: Record<string, string> | ((url: string) => Record<string, string>) = {}): Promise<RunningServer> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'mutual-e2e-'));
  let log = '';
  const url = `http://127.0.0.1:${port}`;
  const env = typeof settings === 'function' ? settings(url) : settings;
  const launch = (more: Record<string, string> = {}) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info', UNLOAD_GRACE_MS: '500', WORKSPACE_CREATION: 'open', ...env, ...more },
      stdio: ['ignore', 'pipe', 'pipe']
    });
    child.stdout!.on('data', (d) => (log += d));
    child.stderr!.on('data', (d) => (log += d));
    return child;
  };
  const server: RunningServer = {
    url,
    port,
    dataDir,
    child: launch(),
    output: () => log,
    async stop(signal = 'SIGTERM') {
      const child = server.child;
      if (child.exitCode !== null || child.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill(signal);
      });
    },
    async restart(more) {
      server.child = launch(more);
      await waitHealthy(url, server.child, () => log);
    }
  };
  await waitHealthy(url, server.child, () => log);
  return server;
}

export async function cleanupServer(server: RunningServer | undefined): Promise<void> {
  if (!server) return;
  await server.stop();
  rmSync(server.dataDir, { recursive: true, force: true });
}

/** Launch Debian's chromium headless with the flags this machine needs (and `more`). */
export async function launchBrowser(more: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', ...more]
  });
}

/** A new context (a separate "device": its own IndexedDB) at a phone or desktop size. */
export async function newDevice(browser: Browser, size: 'desktop' | 'phone' = 'desktop'): Promise<BrowserContext> {
  const viewport = size === 'phone' ? { width: 360, height: 740 } : { width: 1280, height: 860 };
  return browser.newContext({ viewport, deviceScaleFactor: 1 });
}

/** Save a screenshot under SHOTS_DIR for people to look at. */
export async function shot(page: Page, name: string): Promise<string> {
  mkdirSync(SHOTS_DIR, { recursive: true });
  const file = path.join(SHOTS_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}

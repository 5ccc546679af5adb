/**
 * The production path, outside Docker but with the Dockerfile's own steps: the build, the
 * runtime stage's files copied into an empty directory, `npm ci --omit=dev` there (no dev
 * dependency installed), the CMD started; then /healthz, the app's page, a workspace, two
 * stock y-websocket clients syncing, /metrics, and a whole-database backup with the
 * production install's admin command. Slow (the production install compiles better-sqlite3
 * when no prebuilt binary can be fetched): minutes.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIfStale } from '../../scripts/build-if-stale.mjs';
import { connectClient, type TestClient } from '../helpers/clients.ts';
import { createWorkspace, removeDir, tempDir } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { readDockerfile } from './dockerfile.ts';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
const BUILD_DIR = process.env.BUILD_DIR || 'build';
const METRICS_TOKEN = 'production-metrics-token-0123456789';
const recipe = readDockerfile(path.join(ROOT, 'Dockerfile'));

let app = '';
let dataDir = '';
let child: ChildProcess | null = null;
let output = '';
let base = '';
const clients: TestClient[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Only what a server's environment would hold: no test runner's variables. */
function productionEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production', ...extra };
}

beforeAll(async () => {
  // The build from the working tree, as the build stage makes it. Under `npm test` the runner
  // built it before any test started; rebuilding here would replace build/ under the browser
  // tests running alongside (their service workers' cached files would stop matching) when a
  // source was touched during the run. Run alone, build when the sources changed.
  if (process.env.MUTUAL_TEST_BUILD !== 'made') buildIfStale();
  app = tempDir('mutual-production-');
  for (const entry of recipe.copies) {
    if (entry === 'node_modules') continue; // installed below, as the build stage does
    const from = entry === 'build' ? path.join(ROOT, BUILD_DIR) : path.join(ROOT, entry);
    fs.cpSync(from, path.join(app, entry), { recursive: true });
  }
  const [cmd, ...args] = recipe.installCommand.split(/\s+/);
  await run(cmd, args, { cwd: app, env: productionEnv({}), maxBuffer: 16 * 1024 * 1024 });
  dataDir = path.join(app, 'data');
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const [bin, ...rest] = recipe.cmd;
  child = spawn(bin === 'node' ? process.execPath : bin, rest, {
    cwd: app,
    env: productionEnv({ HOST: '127.0.0.1', PORT: String(port), DATA_DIR: dataDir, WORKSPACE_CREATION: 'open', METRICS_TOKEN, LOG_LEVEL: 'info' }),
    stdio: ['ignore', 'pipe', 'pipe']
  });
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  await waitFor(async () => (await fetch(`${base}/healthz`).catch(() => null))?.ok, { timeout: 60_000, message: `the production server to answer /healthz (output: ${output})` });
}, 600_000);

afterAll(async () => {
  for (const c of clients) c.destroy();
  if (child && child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((resolve) => child!.once('exit', resolve));
  }
  if (app) removeDir(app);
}, 60_000);

describe('production install (the Dockerfile steps, without Docker)', () => {
  it('installs no dev dependency', () => {
    for (const dev of ['vite', 'svelte', '@sveltejs/kit', 'vitest', 'typescript', 'lexical']) {
      expect(fs.existsSync(path.join(app, 'node_modules', dev)), dev).toBe(false);
    }
    for (const prod of ['better-sqlite3', 'yjs', 'ws', 'tsx', 'prom-client']) expect(fs.existsSync(path.join(app, 'node_modules', prod)), prod).toBe(true);
  });

  it('serves the app, and stock clients sync through its relay', async () => {
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');
    const ws = await createWorkspace(base);
    const writer = connectClient(`${base.replace('http', 'ws')}/sync`, ws.workspaceId, 'notes', ws.editor.token);
    const reader = connectClient(`${base.replace('http', 'ws')}/sync`, ws.workspaceId, 'notes', ws.viewer.token);
    clients.push(writer, reader);
    await Promise.all([writer.synced(), reader.synced()]);
    writer.doc.getText('t').insert(0, 'Served from a production install');
    await waitFor(() => reader.doc.getText('t').toString() === 'Served from a production install');
  });

  it('serves /metrics with the token', async () => {
    const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('mutual_sockets_open');
  });

  it('backs the database up with the production install\'s admin command', async () => {
    const out = path.join(app, 'backups');
    // The command docs/self-hosting.md gives (npm from the same Node as this test).
    const npm = path.join(path.dirname(process.execPath), 'npm');
    const { stdout } = await run(npm, ['run', 'admin', '--', 'backup', '--out', out, '--keep', '2'], { cwd: app, env: productionEnv({ DATA_DIR: dataDir }) });
    expect(stdout).toContain('Backed up');
    expect(fs.readdirSync(out).filter((f) => f.endsWith('.sqlite'))).toHaveLength(1);
  });

  it('stops cleanly on SIGTERM (what docker stop and systemctl stop send)', async () => {
    for (const c of clients.splice(0)) c.destroy();
    child!.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child!.once('exit', (c) => resolve(c)));
    expect(code, output).toBe(0);
    expect(output).not.toMatch(/"level":"error"/);
  });
});

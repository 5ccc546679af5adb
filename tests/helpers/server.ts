import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { createMutual, type Mutual, type MutualParts } from '../../server/app.ts';
import { loadConfig, type MutualConfig } from '../../server/config.ts';
import { createLogger } from '../../server/log.ts';
import type { RateBudgets } from '../../server/http/rate-limits.ts';

/** A Mutual server on loopback with its own temp data directory. */
export interface TestServer {
  mutual: Mutual;
  config: MutualConfig;
  port: number;
  /** http://127.0.0.1:port */
  httpUrl: string;
  /** ws://127.0.0.1:port/sync — the WebsocketProvider's serverUrl. */
  syncUrl: string;
  dataDir: string;
  /** Log lines written so far (JSON strings). */
  logs: string[];
  close(): Promise<void>;
}

/** A fresh temp directory (removed by the caller via `removeDir`). */
export function tempDir(prefix = 'mutual-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

const ROOMY = { burst: 100_000, perHour: 1_000_000 };
/** Rate budgets that never get in the way of a test's own set-up. */
export const TEST_RATE_BUDGETS: RateBudgets = { createWorkspace: ROOMY, join: ROOMY, joinPerWorkspace: ROOMY, memberChange: ROOMY, saveVersion: ROOMY, deviceLink: ROOMY, ticket: ROOMY };

/** Start a real server (SQLite in `dataDir`, a new temp dir by default) on an ephemeral port. */
export async function startServer(
  opts: { dataDir?: string; config?: Partial<MutualConfig>; parts?: MutualParts } = {}
): Promise<TestServer> {
  const dataDir = opts.dataDir ?? tempDir();
  const config: MutualConfig = { ...loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'info', WORKSPACE_CREATION: 'open' }), port: 0, host: '127.0.0.1', ...opts.config };
  const logs: string[] = [];
  // Many tests create workspaces and members in quick succession from 127.0.0.1: production
  // rate budgets are tested on their own (tests/attacks/http-limits.test.ts).
  const mutual = await createMutual(config, { logger: createLogger(config.logLevel, (l) => logs.push(l)), rateBudgets: TEST_RATE_BUDGETS, ...opts.parts });
  const server = http.createServer((req, res) => {
    if (!mutual.handleHttp(req, res)) res.writeHead(404).end();
  });
  server.on('upgrade', (req, socket, head) => {
    if (!mutual.handleUpgrade(req, socket, head)) socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    mutual,
    config,
    port,
    httpUrl: `http://127.0.0.1:${port}`,
    syncUrl: `ws://127.0.0.1:${port}/sync`,
    dataDir,
    logs,
    async close() {
      server.close();
      await mutual.close();
      server.closeAllConnections();
    }
  };
}

/** JSON request helper: returns status and parsed body (null when empty). */
export async function api(
  base: string,
  method: string,
  urlPath: string,
  { body, token, headers = {} }: { body?: unknown; token?: string; headers?: Record<string, string> } = {}
): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(base + urlPath, {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body)
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

/** The secret of an invite url (its fragment). */
export function inviteSecret(url: string): string {
  return url.slice(url.indexOf('#') + 1);
}

/** A workspace with an admin, an editor and a viewer. */
export interface TestWorkspace {
  workspaceId: string;
  admin: { memberId: string; token: string };
  editor: { memberId: string; token: string };
  viewer: { memberId: string; token: string };
  invites: { editor: string; viewer: string };
}

/** Create a workspace through the API and join an editor and a viewer. */
export async function createWorkspace(base: string, name = 'Tenants union'): Promise<TestWorkspace> {
  const created = await api(base, 'POST', '/api/workspaces', { body: { name, memberName: 'Ada' } });
  if (created.status !== 201) throw new Error(`create failed: ${created.status} ${JSON.stringify(created.body)}`);
  const { workspaceId, memberId, token, invites } = created.body;
  return {
    workspaceId,
    admin: { memberId, token },
    editor: await joinWorkspace(base, workspaceId, invites.editor, 'Ben'),
    viewer: await joinWorkspace(base, workspaceId, invites.viewer, 'Cleo'),
    invites
  };
}

/** Join a workspace through the API with an invite link; throws unless it is accepted. */
export async function joinWorkspace(base: string, workspaceId: string, invite: string, name: string): Promise<{ memberId: string; token: string }> {
  const r = await api(base, 'POST', `/api/workspaces/${workspaceId}/join`, { body: { invite: inviteSecret(invite), name } });
  if (r.status !== 201) throw new Error(`join failed: ${r.status} ${JSON.stringify(r.body)}`);
  return { memberId: r.body.memberId as string, token: r.body.token as string };
}

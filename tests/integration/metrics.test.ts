/**
 * GET /metrics: absent without METRICS_TOKEN, 401 without the right token, Prometheus text
 * with it, and the figures move when stock clients connect, write and get refused.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode } from '../../src/lib/shared/protocol.ts';
import type { MutualConfig } from '../../server/config.ts';
import { connectClient, type TestClient } from '../helpers/clients.ts';
import { parsePrometheus, sampleValue, type Sample } from '../helpers/prometheus.ts';
import { createWorkspace, removeDir, startServer, tempDir, type TestServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';

const TOKEN = 'metrics-token-for-the-test-0123456789';
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function server(config: Partial<MutualConfig> = {}): Promise<TestServer> {
  const s = await startServer({ config: { logLevel: 'silent', ...config } });
  cleanups.push(async () => {
    await s.close();
    removeDir(s.dataDir);
  });
  return s;
}

function client(s: TestServer, workspaceId: string, docId: string, token: string): TestClient {
  const c = connectClient(s.syncUrl, workspaceId, docId, token);
  cleanups.push(() => c.destroy());
  return c;
}

async function scrape(s: TestServer): Promise<Sample[]> {
  const res = await fetch(`${s.httpUrl}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheus(await res.text());
}

describe('/metrics', () => {
  it('does not exist without METRICS_TOKEN', async () => {
    const s = await server();
    expect((await fetch(`${s.httpUrl}/metrics`)).status).toBe(404);
    expect((await fetch(`${s.httpUrl}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
  });

  it('asks for the token: none or a wrong one gets 401, never in the URL', async () => {
    const s = await server({ metricsToken: TOKEN });
    const none = await fetch(`${s.httpUrl}/metrics`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await fetch(`${s.httpUrl}/metrics`, { headers: { authorization: 'Bearer wrong-token-of-some-length' } })).status).toBe(401);
    expect((await fetch(`${s.httpUrl}/metrics?token=${TOKEN}`)).status).toBe(401);
    expect((await fetch(`${s.httpUrl}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
  });

  it('parses as Prometheus text and moves when clients connect, write and are refused', async () => {
    const backupDir = tempDir('mutual-metrics-backups-');
    cleanups.push(() => removeDir(backupDir));
    const s = await server({ metricsToken: TOKEN, backupDir, backupEveryMs: 86_400_000 });
    const ws = await createWorkspace(s.httpUrl);
    const before = await scrape(s);
    expect(sampleValue(before, 'mutual_sockets_open')).toBe(0);
    const batches0 = sampleValue(before, 'mutual_relayed_update_batches_total') ?? -1;
    expect(batches0).toBeGreaterThanOrEqual(0);
    expect(sampleValue(before, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);

    const writer = client(s, ws.workspaceId, 'minutes', ws.editor.token);
    const reader = client(s, ws.workspaceId, 'minutes', ws.viewer.token);
    await Promise.all([writer.synced(), reader.synced()]);
    for (let i = 0; i < 20; i++) writer.doc.getText('t').insert(0, `line ${i}\n`);
    await waitFor(() => reader.doc.getText('t').toString().includes('line 19'));
    const refused = client(s, ws.workspaceId, 'minutes', 'not-a-token');
    await waitFor(() => refused.closes.some((c) => c.code === CloseCode.unauthorized));
    refused.destroy();

    const after = await waitFor(async () => {
      const now = await scrape(s);
      return (sampleValue(now, 'mutual_socket_closes_total', { code: String(CloseCode.unauthorized), by: 'server' }) ?? 0) >= 1 ? now : null;
    });
    expect(sampleValue(after, 'mutual_sockets_open')).toBe(2);
    expect(sampleValue(after, 'mutual_documents_loaded')).toBeGreaterThanOrEqual(1);
    expect(sampleValue(after, 'mutual_updates_held')).toBe(0);
    expect(sampleValue(after, 'mutual_relayed_update_batches_total')!).toBeGreaterThan(batches0);
    expect(sampleValue(after, 'mutual_relayed_bytes_total')!).toBeGreaterThan(sampleValue(before, 'mutual_relayed_bytes_total')!);
    expect(sampleValue(after, 'mutual_store_write_seconds_count', { op: 'append' })!).toBeGreaterThan(0);
    expect(sampleValue(after, 'mutual_rate_limit_closes_total')).toBe(0);
    expect(sampleValue(after, 'mutual_flow_control_pauses_total')).toBe(0);
    // The periodic backup runs at start (none in the directory yet): its age becomes finite.
    await waitFor(async () => Number.isFinite(sampleValue(await scrape(s), 'mutual_backup_age_seconds')));
  });

  it('counts flow-control pauses and rate-limit closes', async () => {
    const s = await server({ metricsToken: TOKEN, messagesPerSecond: 5, messageBurst: 5, maxOverBudgetMs: 300 });
    const ws = await createWorkspace(s.httpUrl);
    const writer = client(s, ws.workspaceId, 'flood', ws.editor.token);
    await writer.synced();
    // Far over a budget of 5 messages per second, for longer than 300 ms: paused, then closed (4429).
    const flooding = setInterval(() => writer.doc.getText('t').insert(0, 'x'), 5);
    cleanups.push(() => clearInterval(flooding));
    await waitFor(() => writer.closes.some((c) => c.code === CloseCode.rateLimited), { timeout: 20_000, message: 'the 4429 close' });
    clearInterval(flooding);
    const samples = await waitFor(async () => {
      const now = await scrape(s);
      return (sampleValue(now, 'mutual_rate_limit_closes_total') ?? 0) >= 1 ? now : null;
    });
    expect(sampleValue(samples, 'mutual_flow_control_pauses_total')!).toBeGreaterThanOrEqual(1);
  });
});

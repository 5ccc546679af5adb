/** What the client scenarios share: the workspace set-up, joining a browser device, small statistics. */
import type { BrowserContext, Page } from 'playwright-core';
import type { RunningServer } from '../../tests/e2e/harness.ts';
import type { NodeDevice } from './fixtures.ts';

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? null;
export const r1 = (x: number | null) => (x === null || !Number.isFinite(x) ? null : Math.round(x * 10) / 10);

/** The value at quantile `q` (0..1) of `xs` (nearest rank); null when empty. */
export function quantile(xs: number[], q: number): number | null {
  if (xs.length === 0) return null;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export async function api<T>(base: string, p: string, body: unknown, token?: string): Promise<T> {
  const res = await fetch(base + p, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`POST ${p} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

/** Open an invite link in a browser device, type a name, press Join. */
export async function joinPage(ctx: BrowserContext, invite: string, name: string): Promise<Page> {
  const page = await ctx.newPage();
  await page.goto(invite);
  await page.getByLabel('Your name').fill(name);
  await page.getByRole('button', { name: 'Join' }).click();
  await page.waitForURL(/\/w\/[A-Za-z0-9_-]+$/, { timeout: 60_000 });
  return page;
}

/** The workspace, created over HTTP: its admin is the Node device; browsers join with the editor invite. */
export async function setUp(server: RunningServer): Promise<{ node: NodeDevice; invite: string }> {
  const created = await api<{ workspaceId: string; memberId: string; token: string; invites: { editor: string } }>(server.url, '/api/workspaces', { name: 'Bench Mutual Aid', memberName: 'Bench' });
  const node: NodeDevice = { syncUrl: `ws://127.0.0.1:${server.port}/sync`, workspaceId: created.workspaceId, token: created.token, memberId: created.memberId };
  return { node, invite: created.invites.editor.replace(/^https?:\/\/[^/]+/, server.url) };
}

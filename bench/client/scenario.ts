/**
 * Client scenarios (headless Debian chromium via playwright-core, against the production
 * server serving the built app — the browser tests' harness):
 *
 * - open: a 1,000-block document (tasks, proposals, needs, paragraphs) opened from the
 *   device's IndexedDB, from navigation to interactive: every block view mounted and a typed
 *   character rendered. Measured with the relay blocked (only IndexedDB can supply the
 *   document) and with it reachable (what people see).
 * - typing: keystroke-to-remote-paint with 10 typists on one document: one browser page
 *   typing, 9 Node stock-client peers typing ~5 characters/s each, a second browser page
 *   (another device) timing when each of the first page's characters is painted.
 * - bundle: the JavaScript the editor route loads, gzipped, against the 250 KB goal.
 *
 * Needs the app built into BUILD_DIR (default build/): `BUILD_DIR=build-x npx vite build`.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { BrowserContext, Page } from 'playwright-core';
import { cleanupServer, launchBrowser, newDevice, shot, startServer, type RunningServer } from '../../tests/e2e/harness.ts';
import { Histogram } from '../lib/histogram.ts';
import type { ScenarioResult } from '../lib/results.ts';
import { bigTemplate, blockViews, nodeTypist, publishDocument, typingTemplate, type NodeDevice, type NodeTypist } from './fixtures.ts';

export interface ClientParams {
  blocks: number;
  /** Reloads of the big document per variant (median reported). */
  repeats: number;
  /** Characters the measured page types. */
  keystrokes: number;
  nodeTypists: number;
}

const BUDGET_KB = 250;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? null;
const r1 = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);

async function api<T>(base: string, p: string, body: unknown, token?: string): Promise<T> {
  const res = await fetch(base + p, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`POST ${p} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

/** Open an invite link in a browser device, type a name, press Join. */
async function joinPage(ctx: BrowserContext, invite: string, name: string): Promise<Page> {
  const page = await ctx.newPage();
  await page.goto(invite);
  await page.getByLabel('Your name').fill(name);
  await page.getByRole('button', { name: 'Join' }).click();
  await page.waitForURL(/\/w\/[A-Za-z0-9_-]+$/, { timeout: 60_000 });
  return page;
}

/** The workspace, created over HTTP: its admin is the Node device; browsers join with the editor invite. */
async function setUp(server: RunningServer): Promise<{ node: NodeDevice; invite: string }> {
  const created = await api<{ workspaceId: string; memberId: string; token: string; invites: { editor: string } }>(server.url, '/api/workspaces', { name: 'Bench Mutual Aid', memberName: 'Bench' });
  const node: NodeDevice = { syncUrl: `ws://127.0.0.1:${server.port}/sync`, workspaceId: created.workspaceId, token: created.token, memberId: created.memberId };
  return { node, invite: created.invites.editor.replace(/^https?:\/\/[^/]+/, server.url) };
}

/**
 * In the page from its first script: the time every block view is mounted and the typed
 * mark appears (checked once per frame, so the times are those of painted frames).
 * A string, not a function: tsx's helpers would not exist inside the page.
 */
const probeScript = (viewCount: number) => `(() => {
  const probe = (window.__probe = { mounted: null, typed: null });
  const tick = () => {
    const content = document.querySelector('.m-content');
    if (content) {
      if (probe.mounted === null && content.querySelectorAll('.mb-frame').length >= ${viewCount}) probe.mounted = performance.now();
      if (probe.mounted !== null && content.lastElementChild && content.lastElementChild.textContent === 'x') probe.typed = performance.now();
    }
    if (probe.typed === null) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();`;

async function timeOpen(page: Page, url: string): Promise<{ mountedMs: number; interactiveMs: number }> {
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as { __probe?: { mounted: number | null } }).__probe?.mounted != null, null, { timeout: 120_000, polling: 100 });
  const last = page.locator('.m-content > :last-child');
  await last.click();
  await page.keyboard.press('End');
  await page.keyboard.type('x');
  await page.waitForFunction(() => (window as unknown as { __probe?: { typed: number | null } }).__probe?.typed != null, null, { timeout: 60_000, polling: 50 });
  const probe = (await page.evaluate('window.__probe')) as { mounted: number; typed: number };
  // (Predicates are inline arrows: the app's CSP forbids string eval, and named helpers would need tsx's.)
  // Remove the mark again so the next run starts from the same document.
  await page.keyboard.press('Backspace');
  await page.waitForFunction(() => document.querySelector('.m-content')?.lastElementChild?.textContent === '', null, { timeout: 30_000 });
  await page.getByTestId('doc-status').filter({ hasText: 'All changes synced' }).waitFor({ timeout: 60_000 }).catch(() => {});
  return { mountedMs: probe.mounted, interactiveMs: probe.typed };
}

async function openScenario(server: RunningServer, p: ClientParams, log: (l: string) => void): Promise<ScenarioResult[]> {
  const browser = await launchBrowser();
  try {
    const ctx = await newDevice(browser);
    const { node, invite } = await setUp(server);
    const page = await joinPage(ctx, invite, 'Ana');
    const docId = 'big-doc';
    await publishDocument(node, docId, `${p.blocks} blocks`, bigTemplate(p.blocks, { memberId: node.memberId }));
    const url = `${server.url}/w/${node.workspaceId}/d/${docId}`;
    const views = blockViews(p.blocks);
    await ctx.addInitScript({ content: probeScript(views) });
    // The editor route's JavaScript: every script the first full load of the document fetches.
    const scripts = new Map<string, Buffer>();
    page.on('response', (res) => {
      if (res.request().resourceType() === 'script') res.body().then((b) => scripts.set(res.url(), b), () => {});
    });
    log(`client: first open of ${p.blocks} blocks (from the relay, stored to IndexedDB)`);
    const first = await timeOpen(page, url);
    await page.getByTestId('doc-status').filter({ hasText: 'All changes synced' }).waitFor({ timeout: 120_000 });
    page.removeAllListeners('response');
    // For a person to look at: the big document as the device shows it.
    await shot(page, 'bench-client-1000-blocks').catch(() => {});
    const gz = [...scripts.values()].reduce((s, b) => s + zlib.gzipSync(b, { level: 9 }).byteLength, 0);
    const raw = [...scripts.values()].reduce((s, b) => s + b.byteLength, 0);
    const bundle: ScenarioResult = {
      name: 'client',
      system: 'mutual',
      params: { case: 'editor-route-js', build: process.env.BUILD_DIR || 'build' },
      metrics: { scripts: scripts.size, rawKb: r1(raw / 1024), gzipKb: r1(gz / 1024), budgetKb: BUDGET_KB, withinBudget: gz / 1024 <= BUDGET_KB }
    };
    const runs: Record<'offline' | 'online', Array<{ mountedMs: number; interactiveMs: number }>> = { offline: [], online: [] };
    for (let i = 0; i < p.repeats; i++) {
      // Relay blocked: the document can only come from IndexedDB.
      await ctx.routeWebSocket(/\/sync\//, (ws) => ws.close({ code: 1001, reason: 'bench: relay blocked' }));
      runs.offline.push(await timeOpen(page, url));
      await ctx.unrouteAll({ behavior: 'ignoreErrors' });
      runs.online.push(await timeOpen(page, url));
      log(`client: open ${i + 1}/${p.repeats}: relay blocked ${Math.round(runs.offline[i].interactiveMs)} ms, reachable ${Math.round(runs.online[i].interactiveMs)} ms`);
    }
    const open = (variant: 'offline' | 'online'): ScenarioResult => ({
      name: 'client',
      system: 'mutual',
      params: { case: 'open-from-indexeddb', blocks: p.blocks, blockViews: views, relay: variant === 'offline' ? 'blocked' : 'reachable', repeats: p.repeats },
      metrics: {
        mountedMs: r1(median(runs[variant].map((r) => r.mountedMs))),
        interactiveMs: r1(median(runs[variant].map((r) => r.interactiveMs))),
        worstInteractiveMs: r1(Math.max(...runs[variant].map((r) => r.interactiveMs))),
        firstOpenFromRelayMs: variant === 'online' ? r1(first.interactiveMs) : null
      }
    });
    return [open('offline'), open('online'), bundle];
  } finally {
    await browser.close();
  }
}

/** In the receiving page: the wall-clock time at which each new character of `name`'s line is painted. */
const receiverScript = (name: string) => `(() => {
  const painted = (window.__painted = []);
  const find = () => [...document.querySelectorAll('.m-content p')].find((el) => (el.textContent || '').startsWith(${JSON.stringify(name + ': ')})) || null;
  let line = find();
  let seen = line ? line.textContent.length : 0;
  const check = () => {
    if (!line || !line.isConnected) line = find();
    const n = line ? line.textContent.length : 0;
    if (n <= seen) return;
    const t = performance.timeOrigin + performance.now();
    for (let i = seen; i < n; i++) painted.push(t);
    seen = n;
  };
  // rAF after the DOM changed: the frame that paints it.
  new MutationObserver(() => requestAnimationFrame(check)).observe(document.querySelector('.m-content'), { subtree: true, childList: true, characterData: true });
})();`;

const keyStampScript = `(() => {
  const keys = (window.__keys = []);
  document.addEventListener('keydown', () => keys.push(performance.timeOrigin + performance.now()), true);
})();`;

async function typingScenario(server: RunningServer, p: ClientParams, log: (l: string) => void): Promise<ScenarioResult> {
  const browser = await launchBrowser();
  const typists: NodeTypist[] = [];
  try {
    const { node, invite } = await setUp(server);
    const a = await joinPage(await newDevice(browser), invite, 'Ana');
    const b = await joinPage(await newDevice(browser), invite, 'Ben');
    const names = ['Ana', ...Array.from({ length: p.nodeTypists }, (_, i) => `Peer${i + 1}`)];
    const docId = 'typing-doc';
    await publishDocument(node, docId, 'Meeting notes', typingTemplate(names));
    const url = `${server.url}/w/${node.workspaceId}/d/${docId}`;
    for (const pg of [a, b]) {
      await pg.goto(url);
      await pg.locator('.m-content p', { hasText: `${names[names.length - 1]}: ` }).waitFor({ timeout: 60_000 });
    }
    for (const n of names.slice(1)) typists.push(await nodeTypist(node, docId, n));
    await b.evaluate(receiverScript('Ana'));
    await a.evaluate(keyStampScript);
    const line = a.locator('.m-content p', { hasText: 'Ana: ' });
    await line.click();
    await a.keyboard.press('End');
    // The 9 Node peers type ~5 characters per second each, out of step with each other.
    const timers = typists.map((t, i) => {
      let timer: ReturnType<typeof setInterval> | null = null;
      const start = setTimeout(() => (timer = setInterval(() => t.typeOne(), 200)), i * 20);
      return () => (clearTimeout(start), timer && clearInterval(timer));
    });
    log(`client: typing, ${p.keystrokes} keystrokes with ${typists.length + 1} typists`);
    await sleep(1000);
    for (let i = 0; i < p.keystrokes; i++) {
      await a.keyboard.press('abcdefghijklmnopqrstuvwxyz'[i % 26]);
      await sleep(150);
    }
    await b.waitForFunction((n) => (window as unknown as { __painted: number[] }).__painted.length >= n, p.keystrokes, { timeout: 60_000, polling: 100 }).catch(() => {});
    for (const stop of timers) stop();
    const keys = (await a.evaluate('window.__keys')) as number[];
    const painted = (await b.evaluate('window.__painted')) as number[];
    const h = new Histogram();
    const n = Math.min(keys.length, painted.length);
    for (let i = 0; i < n; i++) h.record(Math.max(0, painted[i] - keys[i]));
    return {
      name: 'client',
      system: 'mutual',
      params: { case: 'keystroke-to-remote-paint', typists: typists.length + 1, browserPages: 2, nodePeers: typists.length, keystrokes: p.keystrokes, peerCharsPerS: 5 },
      metrics: { received: n, p50Ms: n ? r1(h.quantile(0.5)) : null, p99Ms: n ? r1(h.quantile(0.99)) : null, maxMs: n ? r1(h.max) : null }
    };
  } finally {
    for (const t of typists) t.destroy();
    await browser.close();
  }
}

/** Run every client scenario against one production server. Failures become an `error` metric. */
export async function runClient(p: ClientParams, log: (l: string) => void): Promise<ScenarioResult[]> {
  const buildDir = process.env.BUILD_DIR || 'build';
  if (!fs.existsSync(path.join(buildDir, 'handler.js'))) {
    return [{ name: 'client', system: 'mutual', params: { build: buildDir }, metrics: { error: `no built app in ${buildDir}/: run BUILD_DIR=${buildDir} npx vite build first` } }];
  }
  const server = await startServer({ LOG_LEVEL: 'warn' });
  const out: ScenarioResult[] = [];
  const guard = async (label: string, fn: () => Promise<ScenarioResult[]>) => {
    try {
      out.push(...(await fn()));
    } catch (err) {
      out.push({ name: 'client', system: 'mutual', params: { case: label }, metrics: { error: err instanceof Error ? err.message.slice(0, 300) : String(err) } });
    }
  };
  try {
    await guard('open-from-indexeddb', () => openScenario(server, p, log));
    await guard('keystroke-to-remote-paint', async () => [await typingScenario(server, p, log)]);
  } finally {
    await cleanupServer(server);
  }
  return out;
}

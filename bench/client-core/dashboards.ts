/**
 * Live dashboards (issue 26), in headless Debian chromium against the production server and the
 * built app (the browser tests' harness).
 *
 * A workspace of N documents, T of them holding two tasks each (the rest text). A device has
 * replicated them all and shows the documents page; then it opens the Open tasks board, then
 * Workload, then goes back to the documents page (in-app links, as a person moves). At each stage: the device's open sync sockets, its JS
 * heap after a forced GC, and the relay's RSS. While the board is open: how long another
 * member's claim (a Node device) takes to leave the board, in a document the board keeps live
 * and in one beyond its budget (caught by a digest pass); and how long a Claim pressed on the
 * board takes to be answered when its document was not live (a socket, a handshake, then the
 * write). After leaving: how long until the dashboards' sockets are let go.
 *
 * BUILD_DIR chooses the app build.
 */
import fs from 'node:fs';
import WebSocket from 'ws';
import type { Page } from 'playwright-core';
import { claimTask, createTask } from '../../src/lib/shared/model/index.ts';
import { placeInText } from '../../src/lib/shared/model/test-support.ts';
import { addCatalogueEntry } from '../../src/lib/shared/model/workspace.ts';
import { manualNetwork, MemoryLocalStore, openDevice, type Device, type WebSocketConstructor, type WorkspaceRecord } from '../../src/lib/local/index.ts';
import { cleanupServer, launchBrowser, newDevice, startServer, type RunningServer } from '../../tests/e2e/harness.ts';
import type { ScenarioResult } from '../lib/results.ts';
import { heapAfterGc, replicated } from './heap.ts';

export interface DashboardParams {
  docs: number;
  /** Documents holding two tasks each (the first T); the rest hold text only. */
  withTasks: number;
}

const docIdOf = (i: number) => `bulk-${String(i).padStart(4, '0')}`;
const taskTitle = (i: number, k: 'a' | 'b') => `Errand ${i}${k}`;

function relayRssKiB(server: RunningServer): number {
  const status = fs.readFileSync(`/proc/${server.child.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
}

async function writer(server: RunningServer): Promise<Device> {
  return openDevice({
    store: new MemoryLocalStore(),
    apiBase: server.url,
    relayUrl: `ws://127.0.0.1:${server.port}/sync`,
    network: manualNetwork(true),
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    sync: { disableBc: true },
    replication: { intervalMs: 0, debounceMs: 20 }
  });
}

/** Claim a task as another member, from a Node device; resolves when the relay has it, with when it was made. */
async function claimElsewhere(device: Device, record: WorkspaceRecord, n: number): Promise<number> {
  const ref = device.replicate(record).open(docIdOf(n));
  await ref.handle.whenLoaded;
  await ref.handle.whenSynced(30_000);
  const at = Date.now();
  claimTask(ref.doc, `t${n}a`, { memberId: record.memberId, serverAt: at });
  await ref.handle.whenSynced(30_000);
  await ref.release();
  return at;
}

/** Open sync sockets of the page (by document), from Playwright's websocket events. */
function countSockets(page: Page): { open: () => number; isOpen: (docId: string) => boolean; ids: () => string[] } {
  const open = new Map<string, number>();
  page.on('websocket', (ws) => {
    if (!ws.url().includes('/sync/')) return;
    const docId = ws.url().split('?')[0].split('/').pop()!;
    open.set(docId, (open.get(docId) ?? 0) + 1);
    ws.on('close', () => open.set(docId, open.get(docId)! - 1));
  });
  return {
    open: () => [...open.values()].reduce((a, b) => a + b, 0),
    isOpen: (docId) => (open.get(docId) ?? 0) > 0,
    ids: () => [...open].filter(([, n]) => n > 0).map(([id]) => id)
  };
}

async function settle(page: Page, sockets: { open: () => number }, ms = 1500): Promise<number> {
  // The count after it stopped moving for `ms`.
  let last = -1;
  let since = Date.now();
  for (;;) {
    const now = sockets.open();
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= ms) return now;
    await page.waitForTimeout(100);
  }
}

export async function runDashboards(p: DashboardParams, log: (l: string) => void): Promise<ScenarioResult[]> {
  const server = await startServer({ UNLOAD_GRACE_MS: '2000' });
  const browser = await launchBrowser();
  const devices: Device[] = [];
  try {
    const w = await writer(server);
    devices.push(w);
    const record = await w.workspaces.create({ name: 'Dashboards bench', memberName: 'Writer' });
    log(`dashboards: writing ${p.docs} documents, ${p.withTasks} with two tasks each`);
    await populate(w, record, p);

    const ctx = await newDevice(browser);
    const page = await ctx.newPage();
    const sockets = countSockets(page);
    await page.goto(record.invites!.editor.replace(/^https?:\/\/[^/]+/, server.url));
    await page.getByLabel('Your name').fill('Reader');
    await page.getByRole('button', { name: 'Join' }).click();
    await page.waitForURL(/\/w\/[A-Za-z0-9_-]+$/, { timeout: 60_000 });
    log('dashboards: waiting for the device to replicate everything');
    await replicated(page, server, record, p.docs);
    await page.getByRole('link', { name: 'Bulk 0', exact: true }).waitFor({ timeout: 60_000 });

    const stage = async (name: string) => {
      const open = await settle(page, sockets);
      const heap = Math.round((await heapAfterGc(page)) / 1024);
      const rss = relayRssKiB(server);
      const notBulk = sockets.ids().filter((id) => !id.startsWith('bulk-'));
      log(`dashboards: ${name}: ${open} sync sockets (${notBulk.join(', ') || 'no other'} and ${open - notBulk.length} of the workspace's documents), heap ${heap} KiB, relay RSS ${rss} KiB`);
      return { syncSockets: open, heapKiB: heap, relayRssKiB: rss };
    };
    const onDocuments = await stage('documents page');

    // Moving between pages as a person does (in-app links): one page load, one repo, one live set.
    const tab = (name: string) => page.getByRole('navigation', { name: 'Workspace' }).getByRole('link', { name, exact: true }).click();
    await tab('Open tasks');
    await page.getByRole('button', { name: `Claim ${taskTitle(0, 'a')}` }).waitFor({ timeout: 60_000 });
    const onBoard = await stage('Open tasks');

    // Another member claims in documents the board keeps live (the first ones it lists).
    const live: number[] = [];
    const listed = await page.getByTestId('task-card').evaluateAll((cards) => cards.map((c) => c.querySelector('a')?.getAttribute('href') ?? ''));
    const liveDocs = [...new Set(listed.map((href) => href.split('/').pop()!))].slice(0, 5).map((id) => Number(id.replace('bulk-', '')));
    for (const n of liveDocs) {
      const gone = page.getByRole('button', { name: `Claim ${taskTitle(n, 'a')}` }).waitFor({ state: 'detached', timeout: 60_000 });
      const at = await claimElsewhere(w, record, n);
      await gone;
      live.push(Date.now() - at);
    }
    // …and in one beyond the budget (the last listed: caught by a digest pass).
    const far = [...new Set(listed.map((href) => Number(href.split('/').pop()!.replace('bulk-', ''))))].at(-1)!;
    if (sockets.isOpen(docIdOf(far))) throw new Error(`${docIdOf(far)} is live: pick a document beyond the budget`);
    const farGone = page.getByRole('button', { name: `Claim ${taskTitle(far, 'a')}` }).waitFor({ state: 'detached', timeout: 120_000 });
    const farAt = await claimElsewhere(w, record, far);
    await farGone;
    const beyondBudgetMs = Date.now() - farAt;
    // A Claim pressed on a task whose document is not live: socket, handshake, write.
    const other = [...new Set(listed.map((href) => Number(href.split('/').pop()!.replace('bulk-', ''))))].at(-2)!;
    const pressed = Date.now();
    await page.getByRole('button', { name: `Claim ${taskTitle(other, 'b')}` }).click();
    await page.getByRole('button', { name: `Claim ${taskTitle(other, 'b')}` }).waitFor({ state: 'detached', timeout: 60_000 });
    const freshClaimMs = Date.now() - pressed;
    log(`dashboards: claims elsewhere left the board after ${live.join(', ')} ms (live), ${beyondBudgetMs} ms (beyond the budget); a claim on a document not live took ${freshClaimMs} ms`);

    await tab('Workload');
    await page.getByTestId(/^load-/).first().waitFor({ timeout: 60_000 });
    const onWorkload = await stage('Workload');

    const left = Date.now();
    await tab('Documents');
    while (sockets.open() > onDocuments.syncSockets) await page.waitForTimeout(100);
    const releasedAfterMs = Date.now() - left;
    const afterLeaving = await stage('documents page again, after the dashboards');

    const sorted = [...live].sort((a, b) => a - b);
    const params = { docs: p.docs, docsWithTasks: p.withTasks };
    const row = (name: string, m: { syncSockets: number; heapKiB: number; relayRssKiB: number }) => ({ name: 'dashboards' as const, system: 'mutual', params: { ...params, stage: name }, metrics: m });
    return [
      row('documents page', onDocuments),
      { ...row('Open tasks', onBoard), metrics: { ...onBoard, claimElsewhereLiveMedianMs: sorted[Math.floor(sorted.length / 2)], claimElsewhereLiveMaxMs: sorted.at(-1)!, claimElsewhereBeyondBudgetMs: beyondBudgetMs, claimOnDocumentNotLiveMs: freshClaimMs } },
      row('Workload', onWorkload),
      { ...row('after leaving', afterLeaving), metrics: { ...afterLeaving, socketsReleasedAfterMs: releasedAfterMs } }
    ];
  } finally {
    for (const d of devices) await d.close().catch(() => {});
    await browser.close();
    await cleanupServer(server);
  }
}

/** The workspace's documents: text, and in the first `withTasks` two tasks (ids t<n>a, t<n>b) placed in the text. */
async function populate(device: Device, record: WorkspaceRecord, p: DashboardParams): Promise<void> {
  const replication = device.replicate(record);
  await replication.index.whenLoaded;
  for (let i = 0; i < p.docs; i += 20) {
    await Promise.all(
      Array.from({ length: Math.min(20, p.docs - i) }, async (_, j) => {
        const n = i + j;
        const ref = replication.open(docIdOf(n));
        await ref.handle.whenLoaded;
        ref.doc.getText('notes').insert(0, Array.from({ length: 80 }, (_, k) => `word${(n + k) % 113}`).join(' '));
        if (n < p.withTasks) {
          for (const k of ['a', 'b'] as const) placeInText(ref.doc, createTask(ref.doc, { id: `t${n}${k}`, title: taskTitle(n, k) }, { memberId: 'bench' }));
        }
        addCatalogueEntry(replication.index.doc, { id: docIdOf(n), kind: 'page', title: `Bulk ${n}` }, { memberId: 'bench' });
        await ref.handle.whenSynced(60_000);
        await ref.release();
      })
    );
  }
  await replication.index.whenSynced(60_000);
}

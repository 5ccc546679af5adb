/**
 * Device memory during background replication (issue 17), in headless Debian chromium
 * against the production server and the built app (the browser tests' harness).
 *
 * A device has joined a workspace of N documents, replicated them all, and shows one
 * document. Then every one of the N documents is changed elsewhere (a Node device), and the
 * device goes offline and back online, which runs a background pass that fetches all N into
 * IndexedDB. The JS heap (after a forced GC, CDP Performance metrics) is read before that pass
 * and after it; goal: after within 10% of before (the same page is open, the same catalogue
 * is known). Reported with the sum of the documents' encoded sizes, to show what holding
 * them all would cost.
 *
 * BUILD_DIR chooses the app build (e.g. an older build, for comparison).
 */
import WebSocket from 'ws';
import * as Y from 'yjs';
import type { Page } from 'playwright-core';
import { addCatalogueEntry } from '../../src/lib/shared/model/workspace.ts';
import { manualNetwork, MemoryLocalStore, openDevice, type Device, type WebSocketConstructor } from '../../src/lib/local/index.ts';
import { cleanupServer, launchBrowser, newDevice, startServer, type RunningServer } from '../../tests/e2e/harness.ts';
import type { ScenarioResult } from '../lib/results.ts';

export interface HeapParams {
  docs: number;
  /** Words of text in each document. */
  words: number;
}

/** The page's JS heap after forced GCs (CDP Performance metrics). */
export async function heapAfterGc(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  for (let i = 0; i < 3; i++) await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  await cdp.detach();
  return metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? Number.NaN;
}

/** Bulk documents whose stored digest on the device equals the relay's (`relay`: docId → digest). */
function documentsInStep(page: Page, relay: Record<string, string>): Promise<number> {
  return page.evaluate(async (digests) => {
    const db: IDBDatabase = await new Promise((resolve, reject) => {
      const open = indexedDB.open('mutual');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const all = await new Promise<{ docId: string; digest?: string }[]>((resolve, reject) => {
      const request = db.transaction('docs').objectStore('docs').getAll();
      request.onsuccess = () => resolve(request.result as { docId: string; digest?: string }[]);
      request.onerror = () => reject(request.error);
    });
    db.close();
    return all.filter((m) => m.docId.startsWith('bulk-') && m.digest !== undefined && m.digest === digests[m.docId]).length;
  }, relay);
}

async function writeDocuments(server: RunningServer, workspace: { workspaceId: string; token: string }, p: HeapParams, round: number): Promise<number> {
  const writer: Device = await openDevice({
    store: new MemoryLocalStore(),
    apiBase: server.url,
    relayUrl: `ws://127.0.0.1:${server.port}/sync`,
    network: manualNetwork(true),
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    sync: { disableBc: true },
    replication: { intervalMs: 0, debounceMs: 20 }
  });
  try {
    const record = { ...workspace, name: 'Bench', memberId: 'bench', role: 'admin' as const, memberName: 'Bench', colour: '#333333', joinedAt: Date.now() };
    const replication = writer.replicate(record);
    await replication.index.whenLoaded;
    let encoded = 0;
    for (let i = 0; i < p.docs; i += 20) {
      await Promise.all(
        Array.from({ length: Math.min(20, p.docs - i) }, async (_, j) => {
          const docId = `bulk-${String(i + j).padStart(4, '0')}`;
          const ref = replication.open(docId);
          await ref.handle.whenLoaded;
          // Round 0 writes each document; later rounds add a sentence to every one.
          if (round === 0) ref.doc.getText('t').insert(0, Array.from({ length: p.words }, (_, k) => `word${(i + j + k) % 113}`).join(' '));
          else ref.doc.getText('t').insert(0, `Round ${round}: a change made elsewhere. `);
          if (round === 0) addCatalogueEntry(replication.index.doc, { id: docId, kind: 'page', title: `Bulk ${i + j}` }, { memberId: 'bench' });
          await ref.handle.whenSynced(60_000);
          encoded += Y.encodeStateAsUpdate(ref.doc).byteLength;
          await ref.release();
        })
      );
    }
    await replication.index.whenSynced(60_000);
    return encoded;
  } finally {
    await writer.close();
  }
}

/** Wait until the device stores what the relay has of all `count` bulk documents, and the workspace is live. */
export async function replicated(page: Page, server: RunningServer, workspace: { workspaceId: string; token: string }, count: number): Promise<void> {
  const started = Date.now();
  const relay = async () =>
    ((await (await fetch(`${server.url}/api/workspaces/${workspace.workspaceId}/digest`, { headers: { authorization: `Bearer ${workspace.token}` } })).json()) as { documents: Record<string, string> }).documents;
  while ((await documentsInStep(page, await relay())) < count) {
    if (Date.now() - started > 300_000) throw new Error('background replication did not finish within 5 minutes');
    await page.waitForTimeout(250);
  }
  await page.getByTestId('connection-status').and(page.locator('[data-state=live]')).waitFor({ timeout: 60_000 });
}

export async function runHeap(p: HeapParams, log: (l: string) => void): Promise<ScenarioResult> {
  const server = await startServer({ UNLOAD_GRACE_MS: '500' });
  const browser = await launchBrowser();
  try {
    const created = (await (await fetch(`${server.url}/api/workspaces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Heap bench', memberName: 'Writer' }) })).json()) as {
      workspaceId: string;
      token: string;
      invites: { editor: string };
    };
    const ctx = await newDevice(browser);
    const page = await ctx.newPage();
    await page.goto(created.invites.editor.replace(/^https?:\/\/[^/]+/, server.url));
    await page.getByLabel('Your name').fill('Reader');
    await page.getByRole('button', { name: 'Join' }).click();
    await page.waitForURL(/\/w\/[A-Za-z0-9_-]+$/, { timeout: 60_000 });
    // What is open: one document, the same before and after.
    await page.goto(`${server.url}/w/${created.workspaceId}/d/open-page`);
    await page.locator('.m-content').waitFor({ timeout: 60_000 });
    await page.getByTestId('connection-status').and(page.locator('[data-state=live]')).waitFor({ timeout: 60_000 });
    // The workspace's documents, replicated once (this also warms up the code of a pass).
    await writeDocuments(server, created, p, 0);
    await replicated(page, server, created, p.docs);
    const before = await heapAfterGc(page);
    log(`heap: ${Math.round(before / 1024)} KiB before; changing all ${p.docs} documents elsewhere`);
    const encoded = await writeDocuments(server, created, p, 1);
    // Back from a moment offline: a background pass over everything that changed.
    const started = Date.now();
    await page.context().setOffline(true);
    await page.getByTestId('connection-status').and(page.locator('[data-state=offline]')).waitFor({ timeout: 60_000 });
    await page.context().setOffline(false);
    await replicated(page, server, created, p.docs);
    const replicationMs = Date.now() - started;
    const after = await heapAfterGc(page);

    log(`heap: ${Math.round(after / 1024)} KiB after replicating ${p.docs} documents (${Math.round(encoded / 1024)} KiB encoded)`);
    return {
      name: 'heap',
      system: process.env.BUILD_DIR ? `mutual (${process.env.BUILD_DIR})` : 'mutual',
      params: { docs: p.docs, wordsPerDoc: p.words, open: 'one document page' },
      metrics: {
        heapBeforeKiB: Math.round(before / 1024),
        heapAfterKiB: Math.round(after / 1024),
        afterOverBefore: Math.round((after / before) * 1000) / 1000,
        documentsEncodedKiB: Math.round(encoded / 1024),
        replicationMs,
        goalMet: after <= before * 1.1
      }
    };
  } finally {
    await browser.close();
    await cleanupServer(server);
  }
}

/**
 * Every page opens with the browser offline (issue 16, must fix 1): one app shell for every
 * route at any depth, after any navigation order, with the data from this device — pages
 * this device never opened too.
 *
 * The failure it guards against: the service worker kept whichever page it had fetched last
 * as its offline shell, and that page's asset paths were relative to its own depth
 * (`./_app`, `../../../_app`), so reloading a page at another depth offline loaded no script
 * and showed a blank page.
 */
import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { newDevice, shot, type RunningServer } from './harness';
import { caretAfterText, createWorkspace, join, newDocument, typedPageReadyForOffline, waitForServiceWorker, waitForText, waitSynced, watchErrors } from './app-flow';
import { networkGate } from '../helpers/network-gate';
import { useServerAndBrowser } from './setup';

let server: RunningServer;
let browser: Browser;
useServerAndBrowser((s, b) => ([server, browser] = [s, b]));


/** The page shows the app (not a blank page): the given text is visible. */
async function expectShown(page: Page, text: string | RegExp, what: string): Promise<void> {
  await page
    .getByText(text)
    .first()
    .waitFor({ timeout: 15_000 })
    .catch(async (error: unknown) => {
      const body = (await page.locator('body').innerText().catch(() => '')).slice(0, 200);
      throw new Error(`${what} (${page.url()}) did not show ${String(text)}; page text: ${JSON.stringify(body)}`, { cause: error });
    });
}

describe('offline at any depth', () => {
  it('opens every route with the browser offline, pages never visited too, after navigating around', async () => {
    const devA = await newDevice(browser);
    const { page: a, workspaceId, editorInvite } = await createWorkspace(devA, server.url, 'Eastside Pantry', 'Ana');
    const ws = `${server.url}/w/${workspaceId}`;

    // Ana writes a page with a task, an agenda and a needs board.
    const docId = await newDocument(a, 'page');
    await caretAfterText(a);
    await a.keyboard.type('Shelf count: 14 tins of beans');
    await a.keyboard.press('Enter');
    await a.keyboard.type('/task');
    await a.locator('#slash-item-task').waitFor();
    await a.keyboard.press('Enter');
    const title = a.getByLabel('Task title').first();
    await title.waitFor();
    await title.fill('Collect donations');
    await title.evaluate((el) => (el as HTMLInputElement).blur());
    await a.goto(ws);
    const agendaId = await newDocument(a, 'agenda');
    await a.goto(ws);
    const needsId = await newDocument(a, 'needs');
    await expect.poll(() => a.getByTestId('doc-status').textContent(), { timeout: 15_000 }).toBe('All changes synced');

    // Ben joins on a 390 px phone. He never opens any of those documents while online.
    const devB = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
    const b = await join(devB, editorInvite, 'Ben');
    const errors = watchErrors(b, 'B');
    await waitForServiceWorker(b);
    // Background replication brings Ana's documents to his device: her task is on the board.
    await b.getByRole('link', { name: 'Open tasks' }).click();
    await b.waitForURL(`${ws}/tasks`);
    await expectShown(b, 'Collect donations', 'the open tasks board online');
    // A full page load at another depth while online (the old worker kept this page as its shell).
    await b.reload();
    await expectShown(b, 'Collect donations', 'the open tasks board reloaded online');
    await waitForServiceWorker(b);

    await devB.setOffline(true);
    await expect.poll(() => b.evaluate(() => navigator.onLine)).toBe(false);

    // Reload where he is.
    await b.reload();
    await expectShown(b, 'Collect donations', 'the open tasks board reloaded offline');

    // A document he never opened, from a bookmark: its text comes from the device.
    await b.goto(`${ws}/d/${docId}`);
    await expectShown(b, 'Shelf count: 14 tins of beans', 'a document never opened on this device');
    await waitForText(b, 'Shelf count: 14 tins of beans');
    await b.getByLabel('Task title').first().waitFor();
    expect(await b.getByLabel('Task title').first().inputValue()).toBe('Collect donations');
    await shot(b, 'offline-routes-document-phone');

    // In-app navigation, then a reload at each place.
    await b.getByRole('link', { name: /← Eastside Pantry/ }).click();
    await b.waitForURL(ws);
    await b.getByRole('link', { name: 'My work' }).click();
    await b.waitForURL(`${ws}/me`);
    await b.reload();
    await expectShown(b, 'Proposals awaiting my ballot', 'My work reloaded offline');

    const routes: Array<[string, string | RegExp, string]> = [
      [`${ws}/work`, "Who holds what", 'Workload'],
      [`${ws}/decisions`, /^Decisions$/, 'Decisions'],
      [`${ws}/d/${agendaId}/minutes`, /^Minutes:/, 'Minutes of the agenda'],
      [`${ws}/d/${needsId}`, 'Asks and offers', 'The needs board'],
      [`${ws}/d/${agendaId}`, 'A word from everyone', 'The agenda'],
      [`${server.url}/`, 'Your workspaces', 'Home'],
      [ws, 'Documents', 'The workspace'],
      [`${ws}/d/${docId}`, 'Shelf count: 14 tins of beans', 'The page again']
    ];
    for (const [url, text, what] of routes) {
      await b.goto(url);
      await expectShown(b, text, what);
    }
    // And the reload of the deepest page.
    await b.goto(`${ws}/d/${agendaId}/minutes`);
    await b.reload();
    await expectShown(b, /^Minutes:/, 'Minutes reloaded offline');
    await shot(b, 'offline-routes-minutes-phone');
    expect(errors).toEqual([]);
    await devA.close();
    await devB.close();
  });

  // Chromium answers the hashed files from the worker's cache itself (the worker's static route,
  // issue 25): a first paint's ≈ 30 scripts no longer queue through the worker's fetch handler.
  it("takes a reloaded page's scripts from the worker's cache by its static route, past the fetch handler", async () => {
    const dev = await newDevice(browser);
    const { page } = await createWorkspace(dev, server.url, 'Northside Pantry', 'Ana');
    await waitForServiceWorker(page);
    await page.reload();
    await expectShown(page, 'Northside Pantry', 'the workspace page, reloaded');
    const scripts = await page.evaluate(() =>
      (performance.getEntriesByType('resource') as (PerformanceResourceTiming & { workerMatchedSourceType?: string })[])
        .filter((e) => new URL(e.name).pathname.startsWith('/_app/immutable/') && e.name.endsWith('.js'))
        .map((e) => ({ file: new URL(e.name).pathname, source: e.workerMatchedSourceType ?? 'none' }))
    );
    expect(scripts.length).toBeGreaterThan(5);
    expect(scripts.filter((s) => s.source !== 'cache')).toEqual([]);
    await dev.close();
  });

  // Bad signal: the connection is up, but the page itself never comes. The worker opens the
  // device's own shell without asking for it (first the reload waited as long as the network
  // did, then up to 1.5 s), and the app works over that same network: what Ana types reaches
  // the relay.
  it("opens a document from the device's own shell without asking the network for the page, and keeps syncing", async () => {
    const gate = await networkGate({ host: '127.0.0.1', port: server.port });
    const dev = await newDevice(browser);
    try {
      const { page } = await createWorkspace(dev, gate.url, 'Slow Signal Pantry', 'Ana');
      const errors = watchErrors(page, 'Ana');
      await typedPageReadyForOffline(page, 'Rides on Thursday');

      gate.holdPages();
      await page.reload();
      await waitForText(page, 'Rides on Thursday');
      // Bad signal (the network holds every page request) costs nothing: the page was never asked for.
      expect(gate.heldPages(), 'the reload asked the network for the page').toBe(0);
      await caretAfterText(page);
      await page.keyboard.type(' and Friday');
      await waitSynced(page);
      await shot(page, 'slow-signal-reload');
      expect(errors).toEqual([]);
    } finally {
      gate.releasePages();
      await dev.close();
      await gate.close();
    }
  });
});

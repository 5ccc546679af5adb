/**
 * Never lose their words: what was typed is kept through a reload that comes right after the
 * last keystroke — a person typing offline and pulling down to refresh, or closing the tab the
 * moment they finish a sentence. Nothing waits for the status line first.
 *
 * The failure it guards against: each keystroke's write to IndexedDB starts in a microtask, but
 * the page can be unloaded before that write commits, and an unloading page's IndexedDB
 * transactions are aborted — the last words typed before the reload were gone.
 */
import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { newDevice, shot, type RunningServer } from './harness';
import { createWorkspace, newDocument, waitForText, watchErrors, caretAfterText, waitForServiceWorker } from './app-flow';
import { useServerAndBrowser } from './setup';

let server: RunningServer;
let browser: Browser;
useServerAndBrowser((s, b) => ([server, browser] = [s, b]));

describe('a reload right after typing', () => {
  it('keeps every word typed offline, even when the page reloads the moment typing stops', async () => {
    const device = await newDevice(browser, 'phone');
    const { page, workspaceId } = await createWorkspace(device, server.url, 'Corner Pantry', 'Ana');
    const errors = watchErrors(page, 'A');
    const docId = await newDocument(page, 'page');
    await caretAfterText(page);
    await page.keyboard.type('Shelf count:');
    await expect.poll(() => page.getByTestId('doc-status').textContent(), { timeout: 15_000 }).toBe('All changes synced');
    // The service worker serves the app shell offline.
    await waitForServiceWorker(page);

    await device.setOffline(true);
    await expect.poll(() => page.getByTestId('connection-status').getAttribute('data-state'), { timeout: 15_000 }).toBe('offline');
    let expected = 'Shelf count:';
    for (const words of [' 14 tins of beans', ', 3 bags of rice', ', 2 jars of honey']) {
      await caretAfterText(page);
      await page.keyboard.type(words);
      expected += words;
      // At once: no waiting for any status, as a person pulling down to refresh does not.
      await page.reload();
      await waitForText(page, 'Shelf count:');
      await expect.poll(() => page.locator('.m-content').innerText(), { timeout: 15_000 }).toContain(expected);
    }
    await shot(page, 'reload-keeps-words-phone');
    expect(page.url()).toContain(`/w/${workspaceId}/d/${docId}`);
    expect(errors).toEqual([]);

    // The tab closed the moment typing stops, the document opened again in a new one.
    await caretAfterText(page);
    await page.keyboard.type(', 1 box of tea');
    expected += ', 1 box of tea';
    await page.close({ runBeforeUnload: true });
    const again = await device.newPage();
    await again.goto(`${server.url}/w/${workspaceId}/d/${docId}`);
    await waitForText(again, 'Shelf count:');
    await expect.poll(() => again.locator('.m-content').innerText(), { timeout: 15_000 }).toContain(expected);
    await device.close();
  });
});

/**
 * Local-first in a real browser: with the relay down, a member keeps editing, reloads the
 * page (the service worker serves the app, IndexedDB the documents), creates a document,
 * and when the relay comes back every word reaches the other member without any action.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { cleanupServer, launchBrowser, newDevice, shot, startServer, type RunningServer } from './harness';
import { caretToEnd, createWorkspace, join, newDocument, waitForText, watchErrors } from './app-flow';

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await cleanupServer(server);
});

describe('offline editing', () => {
  it('edits, reloads and creates documents with the relay down, then syncs every word', async () => {
    const devA = await newDevice(browser);
    const devB = await newDevice(browser);
    const { page: a, workspaceId, editorInvite } = await createWorkspace(devA, server.url, 'Basement Pantry', 'Ana');
    const errors = watchErrors(a, 'A');
    const b = await join(devB, editorInvite, 'Ben');

    const docId = await newDocument(a, 'page');
    await caretToEnd(a);
    await a.keyboard.type('Shelf count:');
    await expect.poll(() => a.getByTestId('doc-status').textContent(), { timeout: 10_000 }).toBe('All changes synced');
    // The service worker must control the page before the relay goes away.
    await expect.poll(() => a.evaluate(() => navigator.serviceWorker.ready.then(() => !!navigator.serviceWorker.controller || true)), { timeout: 20_000 }).toBe(true);
    await a.reload();
    await a.locator('.m-content').waitFor();
    await expect.poll(() => a.evaluate(() => !!navigator.serviceWorker.controller), { timeout: 20_000 }).toBe(true);

    // The relay goes down.
    await server.stop();
    await expect.poll(() => a.getByTestId('connection-status').getAttribute('data-state'), { timeout: 15_000 }).toBe('offline');
    await caretToEnd(a);
    await a.keyboard.type(' 14 tins of beans');
    await expect.poll(() => a.getByTestId('doc-status').textContent()).toBe('Saved on this device — waiting to sync');
    await shot(a, 'offline-editing');

    // Reload with the relay down: the app shell comes from the service worker, the text from IndexedDB.
    await a.reload();
    await waitForText(a, 'Shelf count: 14 tins of beans');
    await caretToEnd(a);
    await a.keyboard.type(', 3 bags of rice');

    // A document created offline (the workspace tab: in-app navigation, as a person moves on).
    await a.getByRole('link', { name: 'Documents' }).click();
    await a.waitForURL(`${server.url}/w/${workspaceId}`);
    const offlineDoc = await newDocument(a, 'page');
    await caretToEnd(a);
    await a.keyboard.type('Written in the basement');
    await shot(a, 'offline-new-document');

    // The relay comes back: everything uploads by itself.
    await server.restart();
    await expect.poll(() => a.getByTestId('connection-status').getAttribute('data-state'), { timeout: 30_000 }).toBe('live');

    await b.goto(`${server.url}/w/${workspaceId}/d/${docId}`);
    await waitForText(b, 'Shelf count: 14 tins of beans, 3 bags of rice', 30_000);
    await b.goto(`${server.url}/w/${workspaceId}/d/${offlineDoc}`);
    await waitForText(b, 'Written in the basement', 30_000);
    await shot(b, 'offline-edits-arrived');
    expect(errors).toEqual([]);
  });

  it('two tabs of one device edit together with the relay unreachable (the tabs\' channel)', async () => {
    const dev = await newDevice(browser);
    const { page: a } = await createWorkspace(dev, server.url, 'Two Tabs', 'Ana');
    const errors = watchErrors(a, 'A');
    await newDocument(a, 'page');
    await caretToEnd(a);
    await a.keyboard.type('Stock:');
    await expect.poll(() => a.getByTestId('doc-status').textContent(), { timeout: 10_000 }).toBe('All changes synced');
    const b = await dev.newPage();
    await b.goto(a.url());
    await waitForText(b, 'Stock:');

    await dev.setOffline(true);
    await expect.poll(() => a.getByTestId('connection-status').getAttribute('data-state'), { timeout: 15_000 }).toBe('offline');
    await caretToEnd(a);
    await a.keyboard.type(' 12 nappies');
    await waitForText(b, 'Stock: 12 nappies');
    await caretToEnd(b);
    await b.keyboard.type(', 4 tins');
    await waitForText(a, 'Stock: 12 nappies, 4 tins');
    await dev.setOffline(false);
    expect(errors).toEqual([]);
  });
});

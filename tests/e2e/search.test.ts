/**
 * Search as a person uses it (issue 22): a word Ana typed on her laptop is found on Ben's
 * phone with the network off, accents ignored, and opens the document scrolled to it; a word
 * typed a moment ago is found without a reload; `/` and Ctrl+K open search.
 */
import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { newDevice, shot, type RunningServer } from './harness';
import { caretToEnd, createWorkspace, join, newDocument, waitForText, watchErrors, waitForServiceWorker } from './app-flow';
import { useServerAndBrowser } from './setup';

let server: RunningServer;
let browser: Browser;
useServerAndBrowser((s, b) => ([server, browser] = [s, b]));

const dialog = (page: Page) => page.getByTestId('search-dialog');
const searchBox = (page: Page) => dialog(page).getByRole('searchbox', { name: 'Search every document' });

/** Whether the element is fully inside the page's viewport. */
async function inView(page: Page, selector: string, text: string): Promise<boolean> {
  const box = await page.locator(selector, { hasText: text }).first().boundingBox();
  const height = page.viewportSize()!.height;
  return !!box && box.y >= 0 && box.y + box.height <= height;
}

describe('search every document on the device', () => {
  it('finds offline what another device typed, accent-insensitive, opens it scrolled to the paragraph, and finds new words without a reload', async () => {
    const devA = await newDevice(browser);
    const devB = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
    const { page: a, workspaceId, editorInvite } = await createWorkspace(devA, server.url, 'Basement Pantry', 'Ana');
    const errors = watchErrors(a, 'A');

    // Ana writes a long page; the words people will look for are far down.
    await newDocument(a, 'page');
    await a.getByLabel('Document title').fill('Weekly plan');
    await a.getByLabel('Document title').press('Enter');
    await caretToEnd(a);
    for (let i = 1; i <= 30; i++) await a.keyboard.type(`Line ${i} of the plan\n`);
    await a.keyboard.type('Comprar un congelador para la despensa\nLa reunión es el sábado a las seis');
    await expect.poll(() => a.getByTestId('doc-status').textContent(), { timeout: 15_000 }).toBe('All changes synced');

    // Ben's phone joins; background replication brings the document to his device.
    const b = await join(devB, editorInvite, 'Ben');
    errors.push(...watchErrors(b, 'B'));
    await expect.poll(() => b.evaluate(() => navigator.serviceWorker.ready.then(() => true)), { timeout: 20_000 }).toBe(true);
    await b.keyboard.press('/');
    await searchBox(b).fill('congelador');
    await dialog(b).getByTestId('search-hit').first().waitFor({ timeout: 30_000 });
    await b.keyboard.press('Escape');
    await dialog(b).waitFor({ state: 'detached' });

    // Offline, after a reload: the index is built again from the device's copy.
    await b.reload();
    await waitForServiceWorker(b);
    await devB.setOffline(true);
    await b.reload();
    await b.getByTestId('open-search').waitFor();
    await b.keyboard.press('/');
    await searchBox(b).fill('reunion sabado'); // no accents typed
    const hit = dialog(b).getByTestId('search-hit').first();
    await hit.waitFor();
    expect(await hit.locator('mark').allTextContents()).toEqual(['reunión', 'sábado']);
    expect(await dialog(b).getByTestId('search-group').count()).toBe(1);
    await shot(b, 'search-phone-results');
    await b.keyboard.press('ArrowDown'); // from the document's title to its first match
    await b.keyboard.press('Enter');
    await b.waitForURL(/\/d\/[A-Za-z0-9_-]+\?at=p\d+$/);
    await waitForText(b, 'La reunión es el sábado');
    await expect.poll(() => inView(b, '.m-content p', 'La reunión es el sábado'), { timeout: 10_000 }).toBe(true);
    expect(await inView(b, '.m-content p', 'Line 1 of the plan')).toBe(false);
    await shot(b, 'search-phone-opened');

    // Ana, online: a word she has just typed is found without reloading anything.
    await a.getByTestId('open-search').click();
    await searchBox(a).fill('bicicletas');
    await expect.poll(() => dialog(a).getByRole('status').textContent()).toContain('Nothing found');
    await a.keyboard.press('Escape');
    await caretToEnd(a);
    await a.keyboard.type('\nTraer las bicicletas el domingo');
    await a.keyboard.press('Control+k'); // in the text, nothing selected: search (selected words: a link)
    await searchBox(a).fill('bicicletas');
    const fresh = dialog(a).getByTestId('search-hit').first();
    await fresh.waitFor();
    expect(await fresh.locator('mark').allTextContents()).toEqual(['bicicletas']);
    await shot(a, 'search-desktop-results');
    expect(errors).toEqual([]);
  });
});

/**
 * One truth about a document's sync status (issue 16, must fix 6): with the browser offline,
 * an edit is "Saved on this device — waiting to sync" in the document's header while the top
 * bar says Offline — never "All changes synced" — through navigation and a reload, until the
 * relay has the edit.
 *
 * The failure it guards against: Chromium's offline mode leaves an open websocket open (its
 * frames go nowhere), and a document counted an edit as synced once it was handed to that
 * socket, so the header said "All changes synced" under an "Offline" pill while the other
 * member never got the edit.
 */
import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { newDevice, shot, type RunningServer } from './harness';
import { createWorkspace, join, newDocument, waitForText, watchErrors, caretAfterText, caretAtEndOf, waitForServiceWorker } from './app-flow';
import { useServerAndBrowser } from './setup';

let server: RunningServer;
let browser: Browser;
useServerAndBrowser((s, b) => ([server, browser] = [s, b]));

const WAITING = 'Saved on this device — waiting to sync';

/** The document header's status and the top bar's state, read together. */
async function statuses(page: Page): Promise<{ doc: string | null; pill: string | null }> {
  return {
    doc: await page.getByTestId('doc-status').textContent(),
    pill: await page.getByTestId('connection-status').getAttribute('data-state')
  };
}

/** The top bar's status: the words a person sees, and whether they fit in the pill uncut. */
function pillFits(page: Page): Promise<{ shown: string; whole: boolean }> {
  return page.getByTestId('connection-status').evaluate((pill) => {
    const seen = Array.from(pill.querySelectorAll<HTMLElement>('span:not(.dot)')).filter((s) => s.getBoundingClientRect().width > 1);
    return { shown: seen.map((s) => s.textContent).join(''), whole: pill.scrollWidth <= pill.clientWidth };
  });
}

/** What a screen reader and a pointer's tooltip get of the top bar's status. */
async function pillWords(page: Page): Promise<{ name: string; title: string | null }> {
  const pill = page.getByTestId('connection-status');
  const name = await pill.evaluate((el) => {
    const words: string[] = [];
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) if (!n.parentElement?.closest('[aria-hidden="true"]')) words.push(n.textContent ?? '');
    return words.join('').trim();
  });
  return { name, title: await pill.getAttribute('title') };
}

describe('a document’s sync status', () => {
  it('says "waiting to sync" for an edit made with the browser offline, on a phone, through navigation and a reload', async () => {
    const devA = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
    const devB = await newDevice(browser);
    const { page: a, workspaceId, editorInvite } = await createWorkspace(devA, server.url, 'Riverside Pantry', 'Ana');
    const errors = watchErrors(a, 'A');
    const b = await join(devB, editorInvite, 'Ben');
    const docId = await newDocument(a, 'page');
    const docUrl = `${server.url}/w/${workspaceId}/d/${docId}`;
    await caretAfterText(a);
    await a.keyboard.type('Shelf count:');
    await expect.poll(() => statuses(a), { timeout: 15_000 }).toEqual({ doc: 'All changes synced', pill: 'live' });
    // And the relay has confirmed the last keystroke (a moment after it is shown as synced).
    await expect.poll(() => a.getByTestId('doc-status').getAttribute('data-unsynced'), { timeout: 15_000 }).toBe('false');
    await b.goto(docUrl);
    await waitForText(b, 'Shelf count:');
    // The service worker must control the page before the network goes (for the reload below).
    await waitForServiceWorker(a);

    await devA.setOffline(true);
    await expect.poll(() => statuses(a), { timeout: 15_000 }).toEqual({ doc: 'Saved on this device', pill: 'offline' });
    await caretAfterText(a);
    await a.keyboard.type(' 14 tins of beans');
    await expect.poll(() => statuses(a), { timeout: 15_000 }).toEqual({ doc: WAITING, pill: 'offline' });
    await shot(a, 'sync-status-offline-edit-phone');
    // The top bar says so in words that fit, down to a 360 px phone (it was cut to "Offline — change").
    for (const width of [390, 360]) {
      await a.setViewportSize({ width, height: 844 });
      expect(await pillFits(a), `the offline status at ${width} px`).toEqual({ shown: 'Offline', whole: true });
    }
    await a.setViewportSize({ width: 390, height: 844 });

    // Away and back, then a reload: still waiting, never "synced".
    await a.getByRole('link', { name: /← Riverside Pantry/ }).click();
    await a.waitForURL(`${server.url}/w/${workspaceId}`);
    await a.getByRole('link', { name: 'Untitled page' }).first().click();
    await a.waitForURL(docUrl);
    await expect.poll(() => statuses(a), { timeout: 15_000 }).toEqual({ doc: WAITING, pill: 'offline' });
    await a.reload();
    await waitForText(a, 'Shelf count: 14 tins of beans');
    await expect.poll(() => statuses(a), { timeout: 15_000 }).toEqual({ doc: WAITING, pill: 'offline' });
    expect(await b.locator('.m-content').innerText()).not.toContain('14 tins');

    // Back online: the edit reaches the relay and the other member, and only then "synced".
    await devA.setOffline(false);
    await waitForText(b, 'Shelf count: 14 tins of beans', 30_000);
    await expect.poll(() => statuses(a), { timeout: 30_000 }).toEqual({ doc: 'All changes synced', pill: 'live' });
    await shot(a, 'sync-status-back-online-phone');
    expect(errors).toEqual([]);
    await devA.close();
    await devB.close();
  });

  it('says "Saved on this device" — not "waiting to sync" — when a synced document is reloaded offline', async () => {
    const dev = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
    const devB = await newDevice(browser);
    const { page: a, workspaceId, editorInvite } = await createWorkspace(dev, server.url, 'Riverside Pantry', 'Ana');
    const errors = watchErrors(a, 'A');
    const docId = await newDocument(a, 'page');
    const docUrl = `${server.url}/w/${workspaceId}/d/${docId}`;
    await waitForServiceWorker(a);
    // Another member reads along; their edits reach the phone while it only reads.
    const b = await join(devB, editorInvite, 'Ben');
    await b.goto(docUrl);
    await caretAfterText(b);
    await b.keyboard.type('Needed:');
    await waitForText(a, 'Needed:');
    await expect.poll(() => statuses(a), { timeout: 15_000 }).toEqual({ doc: 'All changes synced', pill: 'live' });

    // The signal goes and the phone reloads the page: the device knew the relay had everything.
    await dev.setOffline(true);
    await a.reload();
    await waitForText(a, 'Needed:');
    await expect.poll(() => statuses(a), { timeout: 15_000 }).toEqual({ doc: 'Saved on this device', pill: 'offline' });

    // Back online, the phone types in one go: the relay confirms each keystroke moments after the last.
    await dev.setOffline(false);
    await expect.poll(() => statuses(a), { timeout: 30_000 }).toEqual({ doc: 'All changes synced', pill: 'live' });
    await caretAtEndOf(a, 'Needed:');
    await a.keyboard.type(' rice, oil, nappies (size 4)');
    await expect.poll(() => a.getByTestId('doc-status').getAttribute('data-unsynced'), { timeout: 15_000 }).toBe('false');
    await waitForText(b, 'Needed: rice, oil, nappies (size 4)');
    await dev.setOffline(true);
    await a.reload();
    await waitForText(a, 'Needed: rice, oil, nappies (size 4)');
    await expect.poll(() => statuses(a), { timeout: 15_000 }).toEqual({ doc: 'Saved on this device', pill: 'offline' });
    // And after moving to the workspace and back.
    await a.getByRole('link', { name: /← Riverside Pantry/ }).click();
    await a.waitForURL(`${server.url}/w/${workspaceId}`);
    await a.goto(docUrl);
    await waitForText(a, 'Needed: rice, oil, nappies (size 4)');
    await expect.poll(() => statuses(a), { timeout: 15_000 }).toEqual({ doc: 'Saved on this device', pill: 'offline' });
    await shot(a, 'sync-status-synced-reloaded-offline-phone');
    await a.setViewportSize({ width: 1280, height: 860 });
    await shot(a, 'sync-status-synced-reloaded-offline-1280');
    expect(errors).toEqual([]);
    await dev.close();
    await devB.close();
  });

  it('says "Syncing" in one word on a phone while documents come down, the count kept for screen readers', async () => {
    const devA = await newDevice(browser);
    const { page: a, workspaceId, editorInvite } = await createWorkspace(devA, server.url, 'Riverside Pantry', 'Ana');
    for (const kind of ['page', 'agenda'] as const) {
      await a.goto(`${server.url}/w/${workspaceId}`);
      await newDocument(a, kind);
    }
    // A new phone joins; the relay answers the index but holds every document's socket unanswered,
    // so the phone stays "Syncing 2 documents" for as long as the test looks.
    const devB = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
    await devB.routeWebSocket(/\/sync\//, (ws) => {
      if (/\/sync\/[^/]+\/index(\?|$)/.test(ws.url())) ws.connectToServer();
    });
    const b = await join(devB, editorInvite, 'Ben');
    await expect.poll(async () => (await pillWords(b)).name, { timeout: 15_000 }).toMatch(/^Syncing [1-9]\d* documents?$/);
    const words = await pillWords(b);
    expect(words.title, 'the whole words on hover too').toBe(words.name);
    for (const width of [390, 360]) {
      await b.setViewportSize({ width, height: 844 });
      expect(await pillFits(b), `the syncing status at ${width} px`).toEqual({ shown: 'Syncing', whole: true });
    }
    await shot(b, 'sync-status-syncing-phone-360');
    await b.setViewportSize({ width: 1280, height: 860 });
    // (The count may still climb as the phone learns of documents: compare with the words now.)
    const wide = async () => ({ ...(await pillFits(b)), name: (await pillWords(b)).name });
    await expect.poll(async () => { const w = await wide(); return w.whole && w.shown === w.name; }, { message: 'the whole words on a wide screen' }).toBe(true);
    await devA.close();
    await devB.close();
  });
});

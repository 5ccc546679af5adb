/**
 * A document opened from the device's stored shell names its own first-paint scripts (issue 25).
 *
 * Every navigation is answered by the service worker from a stored shell. It used to store only
 * the home page's, whose response names the home page's scripts: a document's 27 scripts and its
 * stylesheets were found only once SvelteKit had started and matched the route — a round of
 * requests later, on every open. The worker now stores a shell for each page of a workspace
 * too (src/lib/session/shells.ts) and answers each navigation with its own.
 */
import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { newDevice, shot, type RunningServer } from './harness';
import { createWorkspace, typedPageReadyForOffline, waitForText, watchErrors } from './app-flow';
import { useServerAndBrowser } from './setup';
import { announcedScripts } from '../helpers/link-header.ts';

let server: RunningServer;
let browser: Browser;
useServerAndBrowser((s, b) => ([server, browser] = [s, b]));

/** The `Link` header of what the worker stored under `url`, in any of its caches. */
function storedLink(page: Page, url: string): Promise<string | null> {
  return page.evaluate(async (u) => (await caches.match(u))?.headers.get('link') ?? null, url);
}

describe("the device's shells", () => {
  it('open a document and the other pages of a workspace from shells that name their own scripts, online and offline', async () => {
    const dev = await newDevice(browser);
    const { page } = await createWorkspace(dev, server.url, 'Riverside Rides', 'Ana');
    const errors = watchErrors(page, 'Ana');
    await typedPageReadyForOffline(page, 'Rides to the clinic on Tuesdays');
    const docUrl = page.url();

    // What the server names for a document page is what the stored document shell names.
    const fromServer = announcedScripts((await fetch(docUrl)).headers.get('link'));
    const home = announcedScripts((await fetch(`${server.url}/`)).headers.get('link'));
    const documentOnly = fromServer.filter((file) => !home.includes(file));
    expect(documentOnly.length, 'the document page has scripts the home page does not').toBeGreaterThan(5);
    await expect.poll(() => storedLink(page, '/w/shell/d/shell').then(announcedScripts)).toEqual(fromServer);

    // Opened again, online and offline, the worker answers with the document's shell: the
    // browser reads the page's scripts from the response before any of them has run.
    for (const offline of [false, true]) {
      await dev.setOffline(offline);
      const response = await page.goto(docUrl);
      expect(response?.fromServiceWorker(), `answered by the worker (offline: ${offline})`).toBe(true);
      expect(announcedScripts((await response!.allHeaders())['link']), `the document's scripts (offline: ${offline})`).toEqual(fromServer);
      await waitForText(page, 'Rides to the clinic on Tuesdays');
      if (offline) await shot(page, 'route-shells-document-offline');
    }
    // The workspace's pages from their own shells; a page outside workspaces from the home page's.
    await dev.setOffline(false);
    const workspaceUrl = docUrl.replace(/\/d\/[^/]+$/, '');
    const fromServerWorkspace = announcedScripts((await fetch(workspaceUrl)).headers.get('link'));
    expect(fromServerWorkspace).not.toEqual(home);
    const workspace = await page.goto(workspaceUrl);
    expect(workspace?.fromServiceWorker()).toBe(true);
    expect(announcedScripts((await workspace!.allHeaders())['link'])).toEqual(fromServerWorkspace);
    const tasks = await page.goto(`${workspaceUrl}/tasks`);
    expect(tasks?.fromServiceWorker()).toBe(true);
    expect(announcedScripts((await tasks!.allHeaders())['link'])).toEqual(announcedScripts((await fetch(`${workspaceUrl}/tasks`)).headers.get('link')));
    const help = await page.goto(`${server.url}/help/https`);
    expect(help?.fromServiceWorker()).toBe(true);
    expect(announcedScripts((await help!.allHeaders())['link'])).toEqual(home);
    expect(errors).toEqual([]);
    await dev.close();
  });
});

/**
 * The code a proposal loads on interaction comes from the service worker offline (issue 25):
 * the parts of a proposal view that only some proposals show (the ballot form of its method,
 * the ballots cast, the lifecycle actions…) are separate scripts loaded when a proposal first
 * shows them. A device that reloads the page with no network and then sets up a draft, opens
 * it and casts a ballot must find every one of those scripts in the worker's cache.
 */
import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { newDevice, shot, type RunningServer } from './harness';
import { createWorkspace, newDocument, watchErrors, waitForServiceWorker } from './app-flow';
import { useServerAndBrowser } from './setup';

let server: RunningServer;
let browser: Browser;
useServerAndBrowser((s, b) => ([server, browser] = [s, b]));

const proposal = (page: Page) => page.locator('.mb-frame[data-kind=proposal]');

describe('a proposal offline after a reload', () => {
  it('sets up a draft, opens it and casts a ballot with every script from the service worker', async () => {
    const dev = await newDevice(browser);
    const { page } = await createWorkspace(dev, server.url, 'Riverside Pantry', 'Ana');
    const errors = watchErrors(page, 'Ana');
    await newDocument(page, 'proposal');
    await proposal(page).getByLabel('How we decide').waitFor();
    await waitForServiceWorker(page);
    await page.getByTestId('doc-status').filter({ hasText: 'All changes synced' }).waitFor({ timeout: 15_000 });

    // No network, and a fresh page: nothing of the app's code is in memory any more.
    await dev.setOffline(true);
    const scripts: { url: string; fromWorker: boolean }[] = [];
    page.on('response', (res) => {
      if (res.request().resourceType() === 'script') scripts.push({ url: res.url(), fromWorker: res.fromServiceWorker() });
    });
    await page.reload();
    const block = proposal(page);
    await block.getByLabel('Proposal title').fill('Open on Sundays');
    await block.getByLabel('Proposal title').press('Tab');
    await block.getByLabel('How we decide').selectOption('consent');
    await block.getByRole('button', { name: 'In a week' }).click();
    const beforeOpening = scripts.length;
    await block.getByRole('button', { name: 'Open for decision' }).click();
    await expect.poll(() => block.locator('.mb-status').textContent()).toBe('Open for decision');

    await block.getByRole('radio', { name: 'Consent' }).check();
    await block.getByRole('button', { name: 'Cast ballot' }).click();
    await block.getByText('saved on this device', { exact: false }).waitFor();
    await shot(page, 'offline-proposal-ballot');

    // The ballot form and the open proposal's parts were scripts of their own, loaded on the
    // way, and every script of the reloaded page came from the worker's cache.
    expect(scripts.length).toBeGreaterThan(beforeOpening);
    expect(scripts.filter((s) => !s.fromWorker)).toEqual([]);

    // Back online, the ballot reaches the relay.
    await dev.setOffline(false);
    await page.getByTestId('doc-status').filter({ hasText: 'All changes synced' }).waitFor({ timeout: 30_000 });
    expect(errors).toEqual([]);
    await dev.close();
  });
});

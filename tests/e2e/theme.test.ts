/**
 * Dark mode: the device's prefers-color-scheme by default, or the member's choice for this
 * device (Light / Dark / As this device), applied before the first paint — online and
 * offline — so a dark device never flashes light.
 */
import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { shot, type RunningServer } from './harness';
import { createWorkspace, newDocument, watchErrors } from './app-flow';
import { useServerAndBrowser } from './setup';

let server: RunningServer;
let browser: Browser;
useServerAndBrowser((s, b) => ([server, browser] = [s, b]));

/** Record the theme the page had when <body> first appeared (before anything was painted). */
const RECORD_FIRST_THEME = () => {
  const w = window as unknown as { themeAtBody?: string | null };
  new MutationObserver((_, observer) => {
    if (!document.body) return;
    w.themeAtBody = document.documentElement.getAttribute('data-theme');
    observer.disconnect();
  }).observe(document, { childList: true, subtree: true });
};

const themeAtBody = (page: Page) => page.evaluate(() => (window as unknown as { themeAtBody?: string | null }).themeAtBody);
const background = (page: Page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor || getComputedStyle(document.documentElement).backgroundColor);
const pageBackground = (page: Page) => page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--bg').trim());

describe('colour theme', () => {
  it('follows the device, can be set per device, and is there before the first paint, also offline', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 }, colorScheme: 'dark' });
    await ctx.addInitScript(RECORD_FIRST_THEME);
    const { page, workspaceId } = await createWorkspace(ctx, server.url, 'Night Shift Pantry', 'Ana');
    const errors = watchErrors(page, 'A');
    const ws = `${server.url}/w/${workspaceId}`;
    await page.goto(ws);
    await page.locator('main h1').first().waitFor();
    expect(await themeAtBody(page)).toBe('dark');
    expect(await pageBackground(page)).not.toBe('#f7f4ee');

    // The system turns light: the page follows while the choice is "As this device".
    await page.emulateMedia({ colorScheme: 'light' });
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');

    // Ana picks Light on this device: it stays after a reload and offline.
    const setting = page.getByTestId('theme-setting');
    expect(await setting.getByRole('radio', { name: 'As this device' }).isChecked()).toBe(true);
    await setting.getByRole('radio', { name: 'Light' }).check();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    await page.reload();
    await page.locator('main h1').first().waitFor();
    expect(await themeAtBody(page)).toBe('light');
    expect(await page.getByTestId('theme-setting').getByRole('radio', { name: 'Light' }).isChecked()).toBe(true);
    await page.evaluate(() => navigator.serviceWorker.ready);
    await ctx.setOffline(true);
    await page.reload();
    await page.locator('main h1').first().waitFor();
    expect(await themeAtBody(page)).toBe('light');
    await ctx.setOffline(false);

    // Another device of hers is not affected: the choice is per device.
    const other = await browser.newContext({ colorScheme: 'dark' });
    const otherPage = await other.newPage();
    await otherPage.addInitScript(RECORD_FIRST_THEME);
    await otherPage.goto(`${server.url}/`);
    expect(await themeAtBody(otherPage)).toBe('dark');
    await other.close();

    // Back to the device's setting.
    await page.getByTestId('theme-setting').getByRole('radio', { name: 'As this device' }).check();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    expect(await background(page)).not.toBe('rgb(247, 244, 238)');
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('shows the main pages in the dark at 1280 and 390 px (screenshots to look at)', async () => {
    for (const size of [{ name: 'desktop', width: 1280, height: 860 }, { name: 'phone', width: 390, height: 844 }]) {
      const ctx = await browser.newContext({ viewport: { width: size.width, height: size.height }, colorScheme: 'dark' });
      const { page, workspaceId } = await createWorkspace(ctx, server.url, 'Night Shift Pantry', 'Ana');
      const ws = `${server.url}/w/${workspaceId}`;
      await shot(page, `dark-workspace-${size.name}`);
      await page.goto(ws);
      await newDocument(page, 'proposal');
      await shot(page, `dark-proposal-${size.name}`);
      await page.goto(ws);
      await newDocument(page, 'agenda');
      await page.getByTestId('meeting-bar').getByRole('button', { name: 'Start meeting' }).click();
      await shot(page, `dark-meeting-${size.name}`);
      await page.goto(ws);
      await newDocument(page, 'needs');
      await page.getByRole('button', { name: 'Add an ask' }).click();
      await shot(page, `dark-needs-${size.name}`);
      await page.goto(`${ws}/work`);
      await page.locator('main h1').first().waitFor();
      await shot(page, `dark-work-${size.name}`);
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
      await ctx.close();
    }
  });
});

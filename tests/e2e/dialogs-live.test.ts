/**
 * Dialogs, tabs and live regions for screen-reader and keyboard users: the history drawer is
 * a native modal <dialog> (focus moves in, stays in, and returns to "History"); the version
 * view's tabs are a tablist driven with the arrow keys; another member's ballot and the
 * meeting countdown are announced through live regions (the countdown once a minute, never
 * every second).
 */
import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { newDevice, type RunningServer } from './harness';
import { createWorkspace, join, newDocument, watchErrors } from './app-flow';
import { useServerAndBrowser } from './setup';

let server: RunningServer;
let browser: Browser;
useServerAndBrowser((s, b) => ([server, browser] = [s, b]));

const focusedTestId = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.textContent?.trim() ?? null);
const focusInside = (page: Page, selector: string) => page.evaluate((s) => !!document.activeElement?.closest(s), selector);

describe('dialogs, tabs and live regions', () => {
  it('traps focus in the history dialog, returns it, and drives the version tabs with arrow keys', async () => {
    const dev = await newDevice(browser);
    const { page: a, workspaceId } = await createWorkspace(dev, server.url, 'Dialog Street', 'Ana');
    const errors = watchErrors(a, 'A');
    await a.goto(`${server.url}/w/${workspaceId}`);
    await newDocument(a, 'page');
    await a.locator('.m-content').click();
    await a.keyboard.type('Meet on Monday');
    await expect.poll(() => a.getByTestId('doc-status').textContent(), { timeout: 10_000 }).toBe('All changes synced');

    await a.getByTestId('open-history').focus();
    await a.keyboard.press('Enter');
    const dialog = a.locator('dialog[open][data-testid="history-panel"]');
    await dialog.waitFor();
    expect(await focusInside(a, 'dialog[open]')).toBe(true);
    for (let i = 0; i < 12; i++) {
      await a.keyboard.press('Tab');
      expect(await focusInside(a, 'dialog[open]'), `Tab ${i + 1} stays in the dialog`).toBe(true);
    }
    await a.keyboard.press('Escape');
    // The native close drops [open] at once; the drawer leaves the page a moment later.
    await a.locator('[data-testid="history-panel"]').waitFor({ state: 'detached' });
    await expect.poll(() => focusedTestId(a)).toBe('open-history');

    // A saved version, a change, then its tabs.
    await a.keyboard.press('Enter');
    await dialog.waitFor();
    await a.getByLabel('Save this version as…').fill('First');
    await a.keyboard.press('Enter');
    await a.getByRole('button', { name: /First/ }).waitFor();
    await a.getByRole('button', { name: 'Close' }).click();
    expect(await focusedTestId(a)).toBe('open-history');
    await a.locator('.m-content').click();
    await a.keyboard.press('Control+End');
    await a.keyboard.type(' and Friday');
    await a.getByTestId('open-history').click();
    await a.getByRole('button', { name: /First/ }).click();
    const tabs = a.getByRole('tablist');
    const changes = tabs.getByRole('tab', { name: 'What changed since' });
    const version = tabs.getByRole('tab', { name: 'This version' });
    await changes.waitFor();
    expect(await changes.getAttribute('aria-selected')).toBe('true');
    expect(await version.getAttribute('tabindex')).toBe('-1');
    await changes.focus();
    await a.keyboard.press('ArrowRight');
    expect(await version.getAttribute('aria-selected')).toBe('true');
    expect(await version.evaluate((el) => el === document.activeElement)).toBe(true);
    const panelId = await version.getAttribute('aria-controls');
    expect(await a.locator(`#${panelId}[role=tabpanel]`).getByTestId('version-view').count()).toBe(1);
    await a.keyboard.press('ArrowRight'); // wraps
    expect(await changes.getAttribute('aria-selected')).toBe('true');
    await a.keyboard.press('End');
    expect(await version.getAttribute('aria-selected')).toBe('true');
    await a.keyboard.press('Home');
    expect(await changes.getAttribute('aria-selected')).toBe('true');
    expect(errors).toEqual([]);
    await dev.close();
  });

  it("announces another member's ballot and the meeting countdown once a minute", async () => {
    const devA = await newDevice(browser);
    const devB = await newDevice(browser);
    const { page: a, workspaceId, editorInvite } = await createWorkspace(devA, server.url, 'Live Street', 'Ana');
    const b = await join(devB, editorInvite, 'Ben');
    const errors = [...watchErrors(a, 'A'), ...watchErrors(b, 'B')];
    await a.getByText('Ben', { exact: true }).waitFor({ timeout: 15_000 });
    await a.goto(`${server.url}/w/${workspaceId}`);
    const docId = await newDocument(a, 'proposal');
    const block = (p: Page) => p.locator('.mb-frame[data-kind=proposal]');
    await block(a).getByLabel('Proposal title').fill('Paint the hall');
    await block(a).getByRole('button', { name: 'In a week' }).click();
    await block(a).getByRole('button', { name: 'Open for decision' }).click();
    const news = block(a).getByTestId('ballot-news');
    expect(await news.getAttribute('role')).toBe('status');
    expect(await news.textContent()).toBe('');
    await b.goto(`${server.url}/w/${workspaceId}/d/${docId}`);
    await block(b).getByRole('radio', { name: 'Consent' }).check();
    await block(b).getByRole('button', { name: 'Cast ballot' }).click();
    await expect.poll(() => news.textContent(), { timeout: 15_000 }).toBe('Ben cast a ballot.');
    // Her own ballot is not announced as news.
    await block(a).getByRole('radio', { name: 'Consent' }).check();
    await block(a).getByRole('button', { name: 'Cast ballot' }).click();
    await block(a).getByText('Your ballot is cast.').waitFor();
    expect(await news.textContent()).toBe('Ben cast a ballot.');

    // The countdown: the visible clock is not live; a status line says the minutes left.
    await a.goto(`${server.url}/w/${workspaceId}`);
    await newDocument(a, 'agenda');
    await a.getByTestId('meeting-bar').getByRole('button', { name: 'Start meeting' }).click();
    await a.getByTestId('countdown').waitFor();
    expect(await a.getByTestId('countdown').getAttribute('aria-live')).toBe('off');
    const announce = a.getByTestId('countdown-announce');
    expect(await announce.getAttribute('role')).toBe('status');
    const first = await announce.textContent();
    expect(first).toMatch(/: (\d+ minutes left|Less than a minute left)\.$/);
    // The visible clock ticks; what is announced does not change with it.
    const clock = await a.getByTestId('countdown').textContent();
    await expect.poll(() => a.getByTestId('countdown').textContent(), { timeout: 5_000 }).not.toBe(clock);
    const ticked = await a.getByTestId('countdown').textContent();
    if (ticked?.trim().endsWith(':00 left') === false) expect(await announce.textContent()).toBe(first);
    expect(errors).toEqual([]);
    await devA.close();
    await devB.close();
  });
});

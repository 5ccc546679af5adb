/**
 * A long document (issue 25): block views near the screen mount first, the rest in the
 * background, each holding its place until then. What progressive mounting must not break:
 * - a block changed by another member before its view mounted shows the change when it
 *   mounts, and is live from then on (a claim made here reaches the other member);
 * - jumping to the end shows the last views, and typing there works, without anything on
 *   screen moving by itself;
 * - every view is mounted shortly after opening (find in page, screen readers), on a phone too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { bigTemplate, publishDocument, type NodeDevice } from '../../bench/client/fixtures.ts';
import { claimTask, readTask, releaseTask } from '../../src/lib/shared/model/task.ts';
import { connectClient, type TestClient } from '../helpers/clients.ts';
import { createWorkspace, type TestWorkspace } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { cleanupServer, launchBrowser, newDevice, shot, startServer, type RunningServer } from './harness';
import { join, watchErrors } from './app-flow';

let server: RunningServer;
let browser: Browser;
let ws: TestWorkspace;
const clients: TestClient[] = [];
const BLOCKS = 400;
const DOC = 'long-doc';

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  ws = await createWorkspace(server.url, 'Long lists');
  const admin: NodeDevice = { syncUrl: `ws://127.0.0.1:${server.port}/sync`, workspaceId: ws.workspaceId, token: ws.admin.token, memberId: ws.admin.memberId };
  await publishDocument(admin, DOC, 'Everything we do', bigTemplate(BLOCKS, { memberId: ws.admin.memberId }));
});
afterAll(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await browser?.close();
  await cleanupServer(server);
});

/** Another member's device on the relay (the stock client). */
async function otherMember(): Promise<TestClient> {
  const client = connectClient(`ws://127.0.0.1:${server.port}/sync`, ws.workspaceId, DOC, ws.editor.token);
  clients.push(client);
  await client.synced(30_000);
  return client;
}

const docUrl = () => `${server.url}/w/${ws.workspaceId}/d/${DOC}`;
const waitingCount = (page: Page) => page.locator('.m-content > .m-block-waiting').count();

/** A device that has the long document on it (opened once from the relay, so it is in IndexedDB). */
async function deviceWithDocument(size: 'desktop' | 'phone', name: string): Promise<{ page: Page; errors: string[] }> {
  const page = await join(await newDevice(browser, size), ws.invites.editor, name);
  const errors = watchErrors(page, name);
  await page.goto(docUrl());
  await page.getByTestId('doc-status').filter({ hasText: 'All changes synced' }).waitFor({ timeout: 60_000 });
  await page.locator('.m-content .mb-frame').nth(BLOCKS / 2).waitFor({ state: 'attached', timeout: 60_000 });
  return { page, errors };
}

/** A slow phone: the background mounting takes long enough for others to act meanwhile. */
async function slowDown(page: Page, rate: number): Promise<CDPSession> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate });
  return cdp;
}

describe('a long document', () => {
  it('a block changed elsewhere before its view mounted shows the change when it mounts, and is live', async () => {
    const { page, errors } = await deviceWithDocument('desktop', 'Ana');
    const other = await otherMember();
    const cdp = await slowDown(page, 8);
    await page.goto(docUrl());
    await page.locator('.m-content > p:last-child').waitFor({ state: 'attached', timeout: 60_000 });
    // The last task whose view has not mounted yet: another member claims it now.
    const waitingTask = page.locator('.m-content > .m-block-waiting[data-block-kind=task]').last();
    const blockId = (await waitingTask.getAttribute('data-block-id', { timeout: 10_000 }))!;
    claimTask(other.doc, blockId, { memberId: ws.editor.memberId });
    const claimed = page.locator(`[data-block-id="${blockId}"] [data-testid=task-status]`);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
    await claimed.scrollIntoViewIfNeeded({ timeout: 30_000 });
    await expect.poll(() => claimed.textContent(), { timeout: 30_000 }).toBe('Claimed by Ben');

    // Live from then on: the other member releases it, then this device claims it back.
    releaseTask(other.doc, blockId, { memberId: ws.editor.memberId });
    await expect.poll(() => claimed.textContent(), { timeout: 15_000 }).toBe('Open');
    await page.locator(`[data-block-id="${blockId}"]`).getByRole('button', { name: 'Claim' }).click();
    await expect.poll(() => claimed.textContent(), { timeout: 15_000 }).toMatch(/^Claimed by/);
    await waitFor(() => readTask(other.doc, blockId).value?.status === 'claimed', { timeout: 15_000, message: 'the claim to reach the other member' });
    expect(errors).toEqual([]);
  });

  it('jumping to the end shows the last views and types there, with nothing on screen moving by itself', async () => {
    const { page, errors } = await deviceWithDocument('desktop', 'Cy');
    await page.goto('about:blank');
    await page.goto(docUrl());
    await page.evaluate(() => {
      const w = window as unknown as { __shifts: number[] };
      w.__shifts = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries() as Array<PerformanceEntry & { value: number; hadRecentInput: boolean }>) if (!e.hadRecentInput) w.__shifts.push(e.value);
      }).observe({ type: 'layout-shift' });
    });
    const last = page.locator('.m-content > p:last-child');
    await last.click({ timeout: 60_000 });
    await page.keyboard.press('Control+End');
    await page.keyboard.type('The end.');
    await expect.poll(() => last.textContent(), { timeout: 15_000 }).toBe('The end.');
    // The views on screen at the end are mounted, not placeholders.
    const onScreen = await page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLElement>('.m-content > [data-block-id]'))
        .filter((el) => {
          const r = el.getBoundingClientRect();
          return r.bottom > 0 && r.top < innerHeight;
        })
        .map((el) => el.classList.contains('m-block-waiting'))
    );
    expect(onScreen.length).toBeGreaterThan(0);
    expect(onScreen.every((waiting) => !waiting)).toBe(true);
    await shot(page, 'long-document-end-desktop');
    const shifts = await page.evaluate(() => (window as unknown as { __shifts: number[] }).__shifts);
    expect(shifts.reduce((a, b) => a + b, 0)).toBeLessThan(0.01);
    // Undo takes the words away again; the document is as it was.
    await page.keyboard.press('Control+z');
    await expect.poll(() => last.textContent(), { timeout: 15_000 }).toBe('');
    expect(errors).toEqual([]);
  });

  it('mounts every view shortly after opening, on a 390 px phone too', async () => {
    const { page, errors } = await deviceWithDocument('phone', 'Dee');
    await page.setViewportSize({ width: 390, height: 800 });
    await page.goto('about:blank');
    await page.goto(docUrl());
    await page.locator('.m-content > p:last-child').waitFor({ state: 'attached', timeout: 60_000 });
    await shot(page, 'long-document-top-phone');
    await expect.poll(() => waitingCount(page), { timeout: 60_000 }).toBe(0);
    expect(await page.locator('.m-content .mb-frame').count()).toBeGreaterThanOrEqual(BLOCKS - BLOCKS / 4);
    await page.mouse.wheel(0, 20_000);
    await shot(page, 'long-document-scrolled-phone');
    // No view wider than the phone.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    expect(errors).toEqual([]);
  });

  it('a link to a block far down (a notification’s #block-) brings it into view and marks it', async () => {
    const { page, errors } = await deviceWithDocument('desktop', 'Eli');
    const ids = await page.locator('.m-content > [data-block-id]').evaluateAll((els) => els.map((el) => el.getAttribute('data-block-id')));
    const target = ids[ids.length - 3]!;
    await page.goto('about:blank');
    await page.goto(`${docUrl()}#block-${target}`);
    const block = page.locator(`[data-block-id="${target}"]`);
    await expect.poll(() => block.evaluate((el) => el.classList.contains('linked-block')), { timeout: 30_000 }).toBe(true);
    const inView = await block.evaluate((el) => {
      const r = el.getBoundingClientRect();
      return r.bottom > 0 && r.top < innerHeight;
    });
    expect(inView).toBe(true);
    await shot(page, 'long-document-block-link-desktop');
    expect(errors).toEqual([]);
  });
});

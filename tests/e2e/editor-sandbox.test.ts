/**
 * Browser test of the editor core on the sandbox route (/dev/editor): two editors on two
 * Y.Docs linked in-page, so no server state is involved. Drives Debian's chromium against
 * the production build. Screenshots go to SHOTS_DIR for people to look at.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupServer, launchBrowser, shot as saveShot, startServer, type RunningServer } from './harness';

let server: RunningServer | undefined;
let browser: Browser | undefined;
let base = '';

async function shot(page: Page, name: string): Promise<void> {
  await saveShot(page, name);
}

/** The sandbox page with both editors showing the seeded agenda. */
async function openSandbox(query = '', viewport = { width: 1280, height: 900 }): Promise<{ page: Page; a: Locator; b: Locator }> {
  const page = await browser!.newPage({ viewport });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') console.log(`[browser ${m.type()}]`, m.text());
  });
  await page.goto(`${base}/dev/editor${query}`);
  const a = page.getByTestId('editor-a').locator('.m-content');
  const b = page.getByTestId('editor-b').locator('.m-content');
  await expect.poll(() => a.textContent(), { timeout: 30_000 }).toContain('Meeting agenda');
  await expect.poll(() => b.textContent(), { timeout: 10_000 }).toContain('Meeting agenda');
  expect(errors).toEqual([]);
  return { page, a, b };
}

/**
 * Put the caret at the end of the (one-line) block containing `text` in editor `el`: click
 * in the empty space at the block's right edge, as a person would.
 */
async function caretAfter(el: Locator, text: string): Promise<void> {
  const block = el.locator('p, h1, h2, h3, li').filter({ hasText: text }).first();
  const box = (await block.boundingBox())!;
  await block.click({ position: { x: box.width - 2, y: box.height / 2 } });
}

describe('editor sandbox (two linked editors in one page)', () => {
  beforeAll(async () => {
    // The production server serves the sandbox route from the built app: no dev-server
    // dependency discovery (and its mid-test reloads) to wait for.
    server = await startServer();
    base = server.url;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await cleanupServer(server);
  });

  it('co-edits, formats, inserts a task from the slash menu and undoes per person', async () => {
    const { page, a, b } = await openSandbox();

    // Typing in A shows in B.
    await caretAfter(a, 'Date, place, who hosts');
    await page.keyboard.type(' Hello from Ana.');
    await expect.poll(() => b.textContent()).toContain('Hello from Ana.');

    // Ctrl+B bold, seen as bold in B.
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+b');
    await page.keyboard.type('bold words');
    await page.keyboard.press('Control+b');
    await expect.poll(() => b.locator('.m-bold').allTextContents()).toContain('bold words');

    // Slash menu: "/" then filter, Enter inserts a task block, visible in both editors.
    await page.keyboard.press('Enter');
    await page.keyboard.type('/tas');
    const menu = page.locator('.m-slash');
    await expect.poll(() => menu.locator('[role=option][aria-selected=true]').textContent()).toContain('Task');
    await shot(page, 'sandbox-slash-menu');
    await page.keyboard.press('Enter');
    await expect.poll(() => menu.count()).toBe(0);
    const taskA = page.getByTestId('editor-a').locator('.mb-frame[data-kind=task]');
    const taskB = page.getByTestId('editor-b').locator('.mb-frame[data-kind=task]');
    await expect.poll(() => taskB.count()).toBe(1);
    expect(await taskA.count()).toBe(1);
    expect(await a.textContent()).not.toContain('/tas');

    // A claim made in B appears in A.
    await taskB.getByRole('button', { name: 'Claim' }).click();
    await expect.poll(() => taskA.locator('.mb-status').textContent()).toContain('Claimed by ben');

    // Undo in A removes A's latest text, never B's.
    await page.waitForTimeout(700); // let A's undo manager close its capture group
    await caretAfter(a, 'Hello from Ana.');
    await page.keyboard.type(' ana-undo-me');
    await expect.poll(() => b.textContent()).toContain('ana-undo-me');
    await page.waitForTimeout(700);
    await caretAfter(b, 'Check-in');
    await page.keyboard.type(' ben-stays');
    await expect.poll(() => a.textContent()).toContain('ben-stays');
    await caretAfter(a, 'Items');
    await page.keyboard.press('Control+z');
    await expect.poll(() => a.textContent()).not.toContain('ana-undo-me');
    await expect.poll(() => b.textContent()).not.toContain('ana-undo-me');
    expect(await a.textContent()).toContain('ben-stays');
    expect(await b.textContent()).toContain('ben-stays');
    expect(await a.textContent()).toContain('Hello from Ana.');

    // Presence: each side lists both people.
    const presenceA = page.getByTestId('editor-a').locator('.m-presence');
    expect(await presenceA.textContent()).toContain('Ben Okafor');
    await shot(page, 'sandbox-desktop');
    await page.close();
  });

  it('a viewer cannot edit and sees no toolbar or actions', async () => {
    const { page, a, b } = await openSandbox('?readonly=b');
    expect(await b.getAttribute('contenteditable')).toBe('false');
    expect(await page.getByTestId('editor-b').locator('.m-toolbar').count()).toBe(0);
    await b.click();
    await page.keyboard.type('viewer typing');
    expect(await b.textContent()).not.toContain('viewer typing');
    expect(await a.textContent()).not.toContain('viewer typing');
    await page.close();
  });

  it('is usable on a 360 px wide phone', async () => {
    const { page, a } = await openSandbox('', { width: 360, height: 740 });
    // A short line: End moves to the end of the visual line, which is the paragraph's end here.
    await caretAfter(a, 'Check-in');
    await page.keyboard.press('Enter');
    await page.keyboard.type('/propo');
    await page.keyboard.press('Enter');
    const proposal = page.getByTestId('editor-a').locator('.mb-frame[data-kind=proposal]');
    await expect.poll(() => proposal.count()).toBe(1);
    // Nothing may overflow the phone's width.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await shot(page, 'sandbox-phone');
    await page.close();
  });
});

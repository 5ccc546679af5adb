/**
 * Issue 16, must fix 7: running a meeting on a 390 px phone. With the meeting bar open and
 * the agenda scrolled, the bar is compact and covers neither the formatting toolbar nor
 * "Insert…" (both can be tapped), "End meeting" is still at hand, and the "/" menu lists
 * the group's blocks (proposal, task, need, agenda item) first.
 */
import { describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { shot, type RunningServer } from './harness';
import { caretAtEndOf, createWorkspace, newDocument, watchErrors } from './app-flow';
import { useServerAndBrowser } from './setup';

let server: RunningServer;
let browser: Browser;
useServerAndBrowser((s, b) => ([server, browser] = [s, b]));

/** Whether a tap at the centre of `target` reaches it (nothing sticky lies on top of it). */
async function tappable(page: Page, target: Locator): Promise<{ inView: boolean; hit: string }> {
  const handle = await target.elementHandle();
  return page.evaluate((el) => {
    const r = el!.getBoundingClientRect();
    const x = r.left + r.width / 2;
    const y = r.top + r.height / 2;
    const inView = r.top >= 0 && r.bottom <= window.innerHeight && r.left >= 0 && r.right <= window.innerWidth;
    const top = document.elementFromPoint(x, y);
    const hit = top && (top === el || el!.contains(top)) ? 'itself' : top ? `${top.tagName.toLowerCase()}.${Array.from(top.classList).join('.')}` : 'nothing';
    return { inView, hit };
  }, handle);
}

/** True once every block in the text shows its view (views mount in background slices). */
function everyBlockViewMounted(page: Page): Promise<boolean> {
  return page.evaluate(() => Array.from(document.querySelectorAll('.m-content > [data-block-id]')).every((b) => b.querySelector('.mb-frame, .bare-block') !== null));
}

describe('a meeting on a phone', () => {
  it('keeps the toolbar and "Insert…" reachable under a compact meeting bar, and offers the group\'s blocks first', async () => {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, hasTouch: true });
    const { page } = await createWorkspace(ctx, server.url, 'Eastside Mutual Aid', 'Ana');
    const errors = watchErrors(page, 'phone');
    await newDocument(page, 'agenda');
    const bar = page.getByTestId('meeting-bar');
    for (const title of ['Freezer for the pantry', 'Saturday rota', 'Budget report']) {
      // Block views mount progressively (issue 25): count once every block shows its view.
      await expect.poll(() => everyBlockViewMounted(page)).toBe(true);
      const before = await page.getByTestId('agenda-item').count();
      await bar.getByRole('button', { name: 'Add item' }).click();
      await expect.poll(() => page.getByTestId('agenda-item').count()).toBe(before + 1);
      await page.keyboard.type(title);
      await page.keyboard.press('Tab');
    }
    await bar.getByRole('button', { name: 'Start meeting' }).click();
    await page.getByTestId('current-item').waitFor();

    // Scrolled down to the end of the agenda, as the note-taker is during the meeting.
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(300);
    await shot(page, 'meeting-phone-scrolled');

    const barBox = (await bar.boundingBox())!;
    expect(barBox.y).toBeGreaterThanOrEqual(0); // still on screen: the current item and its countdown
    expect(barBox.height).toBeLessThanOrEqual(64); // compact: was 122 px
    const bold = page.getByRole('button', { name: 'Bold (Ctrl+B)' });
    const insert = page.getByLabel('Insert a block');
    expect(await tappable(page, bold)).toEqual({ inView: true, hit: 'itself' });
    expect(await tappable(page, insert)).toEqual({ inView: true, hit: 'itself' });
    expect((await bold.boundingBox())!.y).toBeGreaterThanOrEqual(barBox.y + barBox.height - 1);

    // "Insert…" works from there: a task lands in the agenda.
    await caretAtEndOf(page, 'Date, place, who hosts.');
    await page.keyboard.press('Enter');
    const tasks = await page.locator('.mb-frame[data-kind=task]').count();
    await insert.selectOption({ label: 'Task' });
    await expect.poll(() => page.locator('.mb-frame[data-kind=task]').count()).toBe(tasks + 1);

    // The "/" menu starts with the group's blocks.
    await caretAtEndOf(page, 'Date, place, who hosts.');
    await page.keyboard.press('Enter');
    await page.keyboard.type('/');
    const options = page.getByRole('listbox', { name: 'Insert' }).getByRole('option');
    await options.first().waitFor();
    expect((await options.allInnerTexts()).slice(0, 4).map((t) => t.split('\n')[0].trim())).toEqual(['Proposal', 'Task', 'Need or offer', 'Agenda item']);
    // On screen, even with the caret at the bottom edge: the menu opens above it then.
    for (let i = 0; i < 4; i++) expect(await tappable(page, options.nth(i))).toEqual({ inView: true, hit: 'itself' });
    await shot(page, 'meeting-phone-slash-menu');
    await page.keyboard.press('Escape');

    // "End meeting" is still at hand in the compact bar (it asks first).
    const end = bar.getByRole('button', { name: 'End meeting' });
    if (!(await end.isVisible())) await bar.getByRole('button', { name: 'More meeting actions' }).click();
    await end.click();
    await page.getByRole('dialog').getByRole('button', { name: 'End the meeting' }).click();
    await expect.poll(() => bar.getAttribute('data-status')).toBe('ended');
    await shot(page, 'meeting-phone-ended');
    expect(errors).toEqual([]);
  });
});

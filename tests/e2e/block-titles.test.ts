/**
 * A block's title field (tasks, proposals, needs, agenda items) across two devices: it shows
 * the title when the document opens, a rename on one device shows in the other's field even
 * after that member typed in it, and opening a document does not queue one `selectionchange`
 * per field (setting an input's value property does, in Chromium: 750 of them in a long
 * document, each run through the editor's selection listener while the page opens; issue 25).
 */
import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { newDevice, shot, type RunningServer } from './harness';
import { addTask, createWorkspace, join, newDocument, waitSynced, watchErrors } from './app-flow';
import { useServerAndBrowser } from './setup';

let server: RunningServer;
let browser: Browser;
useServerAndBrowser((s, b) => ([server, browser] = [s, b]));

const TASKS = 8;

/** The values of the task title fields on `page`, in document order. */
function titles(page: Page): Promise<string[]> {
  return page.getByLabel('Task title').evaluateAll((els) => els.map((el) => (el as HTMLInputElement).value));
}

describe('block title fields', () => {
  it('show the title on open, follow a peer\'s rename after typing, and open without an event per field', async () => {
    const devA = await newDevice(browser);
    const devB = await newDevice(browser, 'phone');
    const { page: a, editorInvite } = await createWorkspace(devA, server.url, 'Northside Pantry', 'Ana');
    const b = await join(devB, editorInvite, 'Ben');
    const errors = [...watchErrors(a, 'A'), ...watchErrors(b, 'B')];

    await newDocument(a, 'page');
    const names = Array.from({ length: TASKS }, (_, i) => `Pick up bread ${i + 1}`);
    for (const name of names) await addTask(a, name);
    await expect.poll(() => titles(a)).toEqual(names);
    await waitSynced(a);

    // Ben opens it with a counter of selection events installed before the page's own scripts.
    await devB.addInitScript(() => {
      const w = window as unknown as { __selectionEvents: number };
      w.__selectionEvents = 0;
      addEventListener('selectionchange', () => w.__selectionEvents++, true);
    });
    await b.goto(a.url());
    await expect.poll(() => titles(b), { timeout: 15_000 }).toEqual(names);
    const events = await b.evaluate(() => (window as unknown as { __selectionEvents: number }).__selectionEvents);
    expect(events, 'selectionchange events while the document opened').toBeLessThan(TASKS);

    // Ben renames the first task by typing in its field…
    const field = b.getByLabel('Task title').first();
    await field.fill('Pick up rye bread');
    await field.press('Tab');
    await expect.poll(() => titles(a).then((t) => t[0])).toBe('Pick up rye bread');
    // …then Ana renames it again: Ben's field, typed in before, shows her name.
    const hers = a.getByLabel('Task title').first();
    await hers.fill('Pick up sourdough');
    await hers.press('Tab');
    await expect.poll(() => titles(b).then((t) => t[0])).toBe('Pick up sourdough');
    await shot(b, 'block-titles-renamed-by-peer-390');

    // A fresh open shows the latest title too.
    await b.reload();
    await expect.poll(() => titles(b).then((t) => t[0]), { timeout: 15_000 }).toBe('Pick up sourdough');
    expect(errors).toEqual([]);
    await devA.close();
    await devB.close();
  });
});

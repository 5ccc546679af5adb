/**
 * Decisions end to end on three devices (three browser contexts): a proposal drafted by Ana,
 * announced in the workspace, voted on by Ana, Ben and Cy — Cy on a 360 px phone while
 * offline — with signed ballots that all count, closed with a written statement and a
 * follow-up task, and recorded in the decision log with its Markdown export.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { cleanupServer, newDevice, shot, startServer, type RunningServer } from './harness';
import { createWorkspace, newDocument, watchErrors } from './app-flow';
import { ChromiumEngine, type ChromiumTab } from './engines/chromium';
import { pageErrors, proposalBallots } from './engines/scenarios';

let server: RunningServer;
let chromium: ChromiumEngine;

beforeAll(async () => {
  server = await startServer({ DEADLINE_SWEEP_MS: '1000' });
  chromium = await ChromiumEngine.launch();
});
afterAll(async () => {
  await chromium?.close();
  await cleanupServer(server);
});

const proposal = (page: Page) => page.locator('.mb-frame[data-kind=proposal]');

/**
 * Nothing of the decisions UI (the proposal block, the decision log) sticks out of a phone's
 * width; the failure names the elements. (Only our regions: the editor toolbar and the tabs
 * scroll sideways by design.)
 */
async function noOverflow(page: Page): Promise<void> {
  const wide = await page.evaluate(() =>
    Array.from(document.querySelectorAll('.mb-frame[data-kind=proposal], .mb-frame[data-kind=proposal] *, main.decisions, main.decisions *'))
      .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}.${Array.from(el.classList).join('.')} → ${Math.round(el.getBoundingClientRect().right)}px`)
  );
  expect(wide).toEqual([]);
}

describe('decisions', () => {
  it('takes a proposal from draft to a recorded outcome with three members, one voting offline', async () => {
    // Draft, open, three signed ballots (Cy's cast offline on a phone), all counted: the
    // scenario shared with Firefox (engines/scenarios.ts).
    const shared = await proposalBallots(chromium, server);
    const [a, b, c] = [shared.a, shared.b, shared.c].map((t) => (t as ChromiumTab).page);
    const { workspaceId, docId } = shared;
    await noOverflow(c);

    // Ana closes it and writes the statement; the outcome is frozen.
    await proposal(a).getByRole('button', { name: 'Close now and decide' }).click();
    await a.getByRole('dialog').getByRole('button', { name: 'Close it now' }).click();
    await expect.poll(() => proposal(a).locator('.mp-headline').textContent(), { timeout: 10_000 }).toBe('Passed');
    await proposal(a).getByLabel('Outcome statement').fill('We buy the freezer from the co-op. Ben collects it on Saturday.');
    await proposal(a).getByLabel('Outcome statement').blur();
    await proposal(a).getByLabel('New follow-up task').fill('Collect the freezer');
    await proposal(a).getByRole('button', { name: 'Add task' }).click();
    // Ben sees the outcome and claims the follow-up task.
    await expect.poll(() => proposal(b).locator('.mp-headline').textContent(), { timeout: 15_000 }).toBe('Passed');
    await proposal(b).locator('.mp-tasks li', { hasText: 'Collect the freezer' }).getByRole('button', { name: 'Claim' }).click({ timeout: 15_000 });
    await proposal(a).getByText('Claimed by Ben').waitFor({ timeout: 15_000 });
    await proposal(a).scrollIntoViewIfNeeded();
    await shot(a, 'decisions-outcome');
    await proposal(c).getByText('We buy the freezer from the co-op.', { exact: false }).waitFor({ timeout: 15_000 });
    await proposal(c).locator('.mp-outcome').scrollIntoViewIfNeeded();
    await shot(c, 'decisions-outcome-phone');
    await noOverflow(c);

    // The decision log lists it, and exports Markdown.
    await a.goto(`${server.url}/w/${workspaceId}/decisions`);
    const entry = a.locator('.entry', { hasText: 'Buy a chest freezer' });
    await entry.waitFor({ timeout: 15_000 });
    expect(await entry.locator('.result').textContent()).toBe('Passed');
    await shot(a, 'decisions-log');
    const [download] = await Promise.all([a.waitForEvent('download'), a.getByRole('button', { name: 'Download Markdown' }).click()]);
    const markdown = readFileSync((await download.path())!, 'utf8');
    expect(markdown).toContain('# Decisions — Eastside Mutual Aid');
    expect(markdown).toContain('## Buy a chest freezer');
    expect(markdown).toContain('- **Result:** Passed');
    expect(markdown).toContain('- **Ballots counted:** 3');
    expect(markdown).toContain('> We buy the freezer from the co-op. Ben collects it on Saturday.');
    expect(markdown).toContain(`/w/${workspaceId}/d/${docId}`);
    await c.goto(`${server.url}/w/${workspaceId}/decisions`);
    await c.locator('.entry', { hasText: 'Buy a chest freezer' }).waitFor({ timeout: 15_000 });
    await shot(c, 'decisions-log-phone');
    await noOverflow(c);
    expect(pageErrors({ A: shared.a, B: shared.b, C: shared.c })).toEqual([]);
  });

  it('ranks options on a 360 px phone and shows the instant-runoff rounds', async () => {
    const dev = await newDevice(chromium.browser, 'phone');
    const { page, workspaceId } = await createWorkspace(dev, server.url, 'Spring Fair', 'Ana');
    const errors = watchErrors(page, 'phone');
    await page.goto(`${server.url}/w/${workspaceId}`);
    await newDocument(page, 'proposal');
    const block = proposal(page);
    await block.getByLabel('How we decide').selectOption('ranked-choice');
    await block.getByLabel('Option 1').fill('Church hall');
    await block.getByLabel('Option 1').press('Tab');
    await block.getByLabel('Option 2').fill('Park');
    await block.getByLabel('Option 2').press('Tab');
    await block.getByLabel('New option').fill('Library');
    await block.getByRole('button', { name: 'Add option' }).click();
    await block.getByLabel('Option 3').waitFor();
    await block.getByRole('button', { name: 'In a week' }).click();
    await block.getByLabel('Option 3').scrollIntoViewIfNeeded();
    await shot(page, 'decisions-ranked-draft-phone');
    await noOverflow(page);
    await block.getByRole('button', { name: 'Open for decision' }).click();

    // Rank: Park first, then Library; leave the hall out.
    await block.getByRole('button', { name: '+ Rank Library' }).click();
    await block.getByRole('button', { name: '+ Rank Park' }).click();
    await block.getByRole('button', { name: 'Move Park up' }).click();
    await expect.poll(() => block.locator('.mp-ranking li').allInnerTexts()).toEqual([expect.stringContaining('Park'), expect.stringContaining('Library')]);
    await block.getByRole('button', { name: 'Cast ballot' }).click();
    await block.getByText('Your ballot is cast.').waitFor();
    await block.getByRole('button', { name: 'Close now and decide' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Close it now' }).click();
    await expect.poll(() => block.locator('.mp-headline').textContent(), { timeout: 10_000 }).toBe('Chosen: Park');
    await block.locator('.mp-rounds').scrollIntoViewIfNeeded();
    expect(await block.locator('.mp-rounds tbody tr.mp-winner th').textContent()).toBe('Park');
    await shot(page, 'decisions-ranked-outcome-phone');
    await noOverflow(page);
    expect(errors).toEqual([]);
  });
});

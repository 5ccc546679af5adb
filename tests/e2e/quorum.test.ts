/**
 * Issue 16, must fix 4: a consent proposal must not pass with nobody voting. A new proposal
 * has a quorum by default (half the voting members, changeable while it is a draft), an open
 * proposal without ballots says "Nobody has voted yet" (never "would pass"), and closing it
 * then records that it did not pass.
 */
import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { newDevice, shot, type RunningServer } from './harness';
import { caretAtEndOf, createWorkspace, join, newDocument, watchErrors } from './app-flow';
import { useServerAndBrowser } from './setup';

let server: RunningServer;
let browser: Browser;
useServerAndBrowser((s, b) => ([server, browser] = [s, b]));

/**
 * Insert a proposal block with "/" on a new line after the paragraph holding `after`: it is
 * then the first proposal of the document (the caller inserts above any other).
 */
async function insertProposal(page: Page, after: string, title: string) {
  await caretAtEndOf(page, after);
  await page.keyboard.press('Enter');
  await page.keyboard.type('/propo');
  await page.keyboard.press('Enter');
  const block = page.locator('.mb-frame[data-kind=proposal]').first();
  await expect.poll(() => block.getByLabel('Proposal title').inputValue()).toBe('New proposal');
  await block.getByLabel('Proposal title').fill(title);
  await block.getByLabel('Proposal title').press('Tab');
  return block;
}

describe('quorum', () => {
  it('a new proposal needs half the voting members; with no ballots it says "Nobody has voted yet", not "would pass"', async () => {
    const devA = await newDevice(browser);
    const devB = await newDevice(browser);
    const { page: a, editorInvite } = await createWorkspace(devA, server.url, 'Eastside Mutual Aid', 'Ana');
    await join(devB, editorInvite, 'Ben');
    const errors = watchErrors(a, 'A');
    await a.getByText('Ben', { exact: true }).waitFor({ timeout: 15_000 });

    await newDocument(a, 'page');
    await a.locator('.m-content').click();
    await a.keyboard.type('Saturday rota');
    await a.keyboard.press('Enter');
    await a.keyboard.type('Freezer for the pantry');
    const freezer = await insertProposal(a, 'Freezer for the pantry', 'Buy a chest freezer');
    await freezer.getByRole('button', { name: 'Tomorrow' }).click();
    await freezer.getByRole('button', { name: 'Open for decision' }).click();
    await expect.poll(() => freezer.locator('.mb-status').textContent()).toBe('Open for decision');

    // Nobody has voted: the panel says so, and never that it would pass.
    const results = freezer.locator('.mp-results');
    await results.waitFor();
    await expect.poll(() => results.textContent()).toContain('Nobody has voted yet');
    expect(await results.textContent()).not.toMatch(/would pass/);
    expect(await freezer.locator('.mp-meta').textContent()).toContain('quorum 50% of members');
    await freezer.scrollIntoViewIfNeeded();
    await shot(a, 'quorum-open-no-ballots');

    // Closing now records that it did not pass: the quorum was not met.
    await freezer.getByRole('button', { name: 'Close now and decide' }).click();
    await a.getByRole('dialog').getByText(/Nobody has voted yet/).waitFor();
    await shot(a, 'quorum-close-confirmation');
    await a.getByRole('dialog').getByRole('button', { name: 'Close it now' }).click();
    await expect.poll(() => freezer.locator('.mp-headline').textContent(), { timeout: 10_000 }).toBe('Did not pass');
    expect(await freezer.locator('.mp-explain').textContent()).toBe('Quorum not met: nobody voted (1 ballot needed).');

    // The draft form shows the default and lets the author change it before opening.
    const rota = await insertProposal(a, 'Saturday rota', 'Saturday rota');
    const quorum = rota.getByLabel(/^Quorum/);
    expect(await quorum.inputValue()).toBe('50');
    await rota.getByText('— 1 of 2 members').waitFor();
    await quorum.fill('100');
    await quorum.press('Tab');
    await rota.getByText('— 2 of 2 members').waitFor();
    await rota.scrollIntoViewIfNeeded();
    await shot(a, 'quorum-draft-default');
    expect(errors).toEqual([]);
  });
});

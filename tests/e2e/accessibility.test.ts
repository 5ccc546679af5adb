/**
 * Accessibility: axe-core on every route and the main states of the app — the editor with
 * each block kind, a proposal in draft, open (the ballot form of every method) and closed,
 * the needs board with a card open, a running meeting, a version diff, the device and invite
 * panels — at 1280 and 390 px, in the light and the dark theme. No serious or critical
 * violation. The failure lists each one (scene, rule, elements); the counts by rule are
 * written to test-results/axe.json.
 *
 * One run per locale: LOCALES grows when the app speaks another language.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { type RunningServer } from './harness';
import { createWorkspace, newDocument, watchErrors } from './app-flow';
import { audit, byRule, type Violation } from './axe';
import { useServerAndBrowser } from './setup';

const LOCALES = ['en'] as const;

let server: RunningServer;
let browser: Browser;
useServerAndBrowser((s, b) => ([server, browser] = [s, b]));

const proposal = (page: Page) => page.locator('.mb-frame[data-kind=proposal]');

/** Type "/<item>" at the end of the text and pick it from the menu. */
async function slash(page: Page, item: string): Promise<void> {
  await page.locator('.m-content > :not(.m-block)').last().click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type(`/${item}`);
  await page.locator(`#slash-item-${item}`).waitFor();
  await page.keyboard.press('Enter');
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Enter');
}

async function toWorkspace(page: Page, ws: string): Promise<void> {
  await page.goto(ws);
  await page.locator('main h1').first().waitFor();
}

/** A proposal document deciding by `method`, set up (two options where the method needs them). */
async function draftProposal(page: Page, ws: string, method: string): Promise<void> {
  await toWorkspace(page, ws);
  await newDocument(page, 'proposal');
  const block = proposal(page);
  await block.getByLabel('Proposal title').fill(`Decide by ${method}`);
  await block.getByLabel('How we decide').selectOption(method);
  if (await block.getByLabel('Option 1').count()) {
    await block.getByLabel('Option 1').fill('Church hall');
    await block.getByLabel('Option 1').press('Tab');
    await block.getByLabel('Option 2').fill('Park');
    await block.getByLabel('Option 2').press('Tab');
  }
  await block.getByRole('button', { name: 'In a week' }).click();
}

async function scenes(ctx: BrowserContext, check: (page: Page, scene: string) => Promise<void>): Promise<string[]> {
  const home = await ctx.newPage();
  await home.goto(`${server.url}/`);
  await home.getByLabel('Workspace name').waitFor();
  await check(home, 'home');
  await home.goto(`${server.url}/help/https`);
  await check(home, 'help/https');
  await home.goto(`${server.url}/confirm-email`);
  await check(home, 'confirm-email');

  const { page: a, workspaceId, editorInvite } = await createWorkspace(ctx, server.url, 'Eastside Mutual Aid', 'Ana');
  const errors = watchErrors(a, 'A');
  const ws = `${server.url}/w/${workspaceId}`;
  await check(a, 'workspace, just created (invite links)');

  const guest = await (await browser.newContext()).newPage();
  await guest.goto(editorInvite);
  await guest.getByLabel('Your name').waitFor();
  await check(guest, 'join');
  await guest.context().close();

  await toWorkspace(a, ws);
  await a.getByTestId('add-device').click();
  await a.getByTestId('device-qr').locator('svg').waitFor();
  const link = await a.getByTestId('device-link').inputValue();
  await check(a, 'workspace with the add-device panel');
  const other = await (await browser.newContext()).newPage();
  await other.goto(link);
  await other.getByTestId('link-member').waitFor();
  await check(other, 'link a device');
  await other.context().close();
  await a.getByTestId('open-search').click();
  await a.getByTestId('search-dialog').waitFor();
  await check(a, 'search dialog');
  await a.keyboard.press('Escape');

  for (const route of ['tasks', 'work', 'decisions', 'me']) {
    await a.goto(`${ws}/${route}`);
    await a.locator('main h1').first().waitFor();
    await check(a, route);
  }

  // A page with a block of every kind and the text formats.
  await toWorkspace(a, ws);
  await newDocument(a, 'page');
  for (const item of ['task', 'need', 'agenda', 'proposal', 'h1', 'bullet', 'check', 'quote']) await slash(a, item);
  await a.locator('.m-block[data-block-kind="agenda"]').waitFor();
  await check(a, 'editor with every block kind');
  await a.getByTestId('comments-button').click();
  await check(a, 'comments panel');

  // Proposals: the draft and the ballot form of every method; one closed.
  for (const method of ['consent', 'consensus', 'majority', 'score', 'ranked-choice']) {
    await draftProposal(a, ws, method);
    if (method === 'consent') await check(a, 'proposal draft');
    await proposal(a).getByRole('button', { name: 'Open for decision' }).click();
    await proposal(a).getByRole('button', { name: 'Cast ballot' }).waitFor();
    await check(a, `proposal open: ${method} ballot`);
  }
  const block = proposal(a);
  await block.getByRole('button', { name: '+ Rank Park' }).click();
  await block.getByRole('button', { name: 'Cast ballot' }).click();
  await block.getByText('Your ballot is cast.').waitFor();
  await block.getByRole('button', { name: 'Close now and decide' }).click();
  await check(a, 'confirm dialog');
  await a.getByRole('dialog').getByRole('button', { name: 'Close it now' }).click();
  await expect.poll(() => block.locator('.mp-headline').textContent(), { timeout: 10_000 }).toBe('Chosen: Park');
  await check(a, 'proposal closed');

  // Needs board with a card open (matching, history).
  await toWorkspace(a, ws);
  await newDocument(a, 'needs');
  for (const [button, label, title, submit] of [
    ['Add an ask', 'What is needed', 'Groceries for a family of four', 'Add ask'],
    ['Add an offer', 'What is offered', 'Cooked meals twice a week', 'Add offer']
  ]) {
    await a.getByRole('button', { name: button }).click();
    const form = a.locator('form.need-form');
    await form.getByLabel(label!).fill(title!);
    await form.getByLabel('Category', { exact: true }).selectOption('food');
    if (button === 'Add an ask') await check(a, 'needs form');
    await form.getByRole('button', { name: submit }).click();
  }
  const ask = a.locator('article.need', { hasText: 'Groceries for a family of four' });
  await ask.getByRole('button', { name: 'Match…' }).click();
  await check(a, 'needs board, a card open');

  // A meeting running.
  await toWorkspace(a, ws);
  const agendaId = await newDocument(a, 'agenda');
  await a.getByTestId('agenda-item').first().waitFor();
  await check(a, 'agenda before the meeting');
  await a.getByTestId('meeting-bar').getByRole('button', { name: 'Start meeting' }).click();
  await a.getByTestId('countdown').waitFor();
  await check(a, 'meeting running');
  await a.getByTestId('meeting-bar').getByRole('button', { name: 'End meeting' }).click();
  await a.getByRole('dialog').getByRole('button', { name: 'End the meeting' }).click();
  await a.goto(`${ws}/d/${agendaId}/minutes`);
  await a.getByTestId('minutes').waitFor();
  await check(a, 'minutes');

  // History with a diff.
  await toWorkspace(a, ws);
  await newDocument(a, 'page');
  await a.locator('.m-content').click();
  await a.keyboard.type('Rent strike plan: meet Monday');
  await expect.poll(() => a.getByTestId('doc-status').textContent(), { timeout: 10_000 }).toBe('All changes synced');
  await a.getByTestId('open-history').click();
  await a.getByLabel('Save this version as…').fill('Agreed plan');
  await a.getByRole('button', { name: 'Save version' }).click();
  await a.getByRole('button', { name: /Agreed plan/ }).waitFor();
  await a.getByRole('button', { name: 'Close' }).click();
  await a.locator('.m-content').click();
  await a.keyboard.press('Control+End');
  await a.keyboard.type(' and Friday');
  await a.getByTestId('open-history').click();
  await a.getByRole('button', { name: /Agreed plan/ }).click();
  await a.getByTestId('version-diff').locator('ins').first().waitFor();
  await check(a, 'history with a diff');
  return errors;
}

describe.each(LOCALES)('accessibility (%s)', (locale) => {
  it('has no serious or critical axe violation on any route or main state, at 1280 and 390 px, light and dark', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 }, deviceScaleFactor: 1, locale });
    const found: Violation[] = [];
    mkdirSync('test-results', { recursive: true });
    const errors = await scenes(ctx, async (page, scene) => {
      found.push(...(await audit(page, scene)));
      writeFileSync(`test-results/axe-${locale}.json`, JSON.stringify({ byRule: byRule(found), violations: found }, null, 2));
    });
    expect(found.map((v) => `${v.scene} — ${v.rule} (${v.impact}, ${v.count}): ${v.help}\n    ${v.targets.join('\n    ')}`)).toEqual([]);
    expect(errors).toEqual([]);
    await ctx.close();
  });
});

/**
 * Decisions end to end on three devices (three browser contexts): a proposal drafted by Ana,
 * announced in the workspace, voted on by Ana, Ben and Cy — Cy on a 360 px phone while
 * offline — with signed ballots that all count, closed with a written statement and a
 * follow-up task, and recorded in the decision log with its Markdown export.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page, WebSocketRoute } from 'playwright-core';
import { cleanupServer, launchBrowser, newDevice, shot, startServer, type RunningServer } from './harness';
import { createWorkspace, join, newDocument, watchErrors } from './app-flow';

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  server = await startServer({ DEADLINE_SWEEP_MS: '1000' });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await cleanupServer(server);
});

const proposal = (page: Page) => page.locator('.mb-frame[data-kind=proposal]');

async function vote(page: Page, choice: string, reason = ''): Promise<void> {
  const block = proposal(page);
  await block.getByRole('radio', { name: choice }).check();
  if (reason) await block.getByLabel(/^Reason/).fill(reason);
  await block.getByRole('button', { name: 'Cast ballot' }).click();
}

/**
 * Make a device's network switchable. Chromium's offline emulation (setOffline) changes
 * navigator.onLine and new requests, but leaves open WebSockets running; so the relay's
 * sockets go through a route that we cut (both ways) while "offline".
 */
async function switchableNetwork(ctx: BrowserContext): Promise<(online: boolean) => Promise<void>> {
  let offline = false;
  const sockets = new Set<WebSocketRoute>();
  await ctx.routeWebSocket(/\/sync\//, (ws) => {
    if (offline) return void ws.close({ code: 1001, reason: 'offline' });
    ws.connectToServer();
    sockets.add(ws);
  });
  return async (online) => {
    offline = !online;
    await ctx.setOffline(!online);
    if (!online) for (const ws of [...sockets]) {
      sockets.delete(ws);
      await ws.close({ code: 1001, reason: 'offline' }).catch(() => {});
    }
  };
}

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
    const devA = await newDevice(browser);
    const devB = await newDevice(browser);
    const devC = await newDevice(browser, 'phone');
    const network = await switchableNetwork(devC);
    const { page: a, workspaceId, editorInvite } = await createWorkspace(devA, server.url, 'Eastside Mutual Aid', 'Ana');
    const errors = watchErrors(a, 'A');
    const b = await join(devB, editorInvite, 'Ben');
    const c = await join(devC, editorInvite, 'Cy');
    errors.push(...watchErrors(b, 'B'), ...watchErrors(c, 'C'));
    await a.getByText('Cy', { exact: true }).waitFor({ timeout: 15_000 });

    // Draft: Ana writes the proposal and sets how the group decides.
    // A new Proposal document already holds its proposal, a draft ready to set up.
    const docId = await newDocument(a, 'proposal');
    const block = proposal(a);
    await block.waitFor();
    expect(await proposal(a).count()).toBe(1);
    await block.getByTestId('deadline-hint').getByText(/No deadline yet/).waitFor();
    await block.getByLabel('Proposal title').fill('Buy a chest freezer');
    await block.getByLabel('Proposal title').press('Tab');
    await block.getByLabel(/^Quorum/).fill('60');
    await block.getByLabel(/^Quorum/).press('Tab');
    await expect.poll(() => block.getByText('— 2 of 3 members').count(), { timeout: 10_000 }).toBe(1);
    await block.getByLabel(/Hide results until you vote/).check();
    await block.getByRole('button', { name: 'Tomorrow' }).click();
    await block.scrollIntoViewIfNeeded();
    await shot(a, 'decisions-draft');
    await block.getByRole('button', { name: 'Open for decision' }).click();
    await expect.poll(() => block.locator('.mb-status').textContent()).toBe('Open for decision');
    // Settings are frozen once open.
    expect(await block.getByLabel(/^Quorum/).count()).toBe(0);

    // Announced in the workspace: Ben sees it in "Open proposals" with his ballot needed.
    const strip = b.getByRole('region', { name: 'Open proposals' });
    await strip.getByRole('link', { name: 'Buy a chest freezer' }).waitFor({ timeout: 15_000 });
    expect(await strip.getByText('Your ballot is needed').count()).toBe(1);
    await shot(b, 'decisions-open-proposals-strip');
    await strip.getByRole('link', { name: 'Buy a chest freezer' }).click();
    await proposal(b).waitFor({ timeout: 15_000 });
    // Results are hidden until Ben votes.
    await proposal(b).getByText(/Results are hidden until you vote/).waitFor();
    await vote(b, 'Consent');
    await proposal(b).getByText('Your ballot is cast.').waitFor();
    await vote(a, 'Consent');

    // Cy opens it on the phone, goes offline, and votes there.
    await c.goto(`${server.url}/w/${workspaceId}/d/${docId}`);
    await proposal(c).waitFor({ timeout: 15_000 });
    await expect.poll(() => c.getByTestId('doc-status').textContent(), { timeout: 15_000 }).toBe('All changes synced');
    await network(false);
    await vote(c, 'Concern', 'The power bill will go up');
    await proposal(c).getByText(/saved on this device/).waitFor();
    await expect.poll(() => c.getByTestId('doc-status').getAttribute('data-unsynced'), { timeout: 10_000 }).toBe('true');
    await proposal(c).scrollIntoViewIfNeeded();
    await shot(c, 'decisions-ballot-offline-phone');
    await noOverflow(c);
    // Ana still waits for Cy.
    await proposal(a).getByText(/Not voted yet:.*Cy/).waitFor({ timeout: 10_000 });

    // Back online: the ballot arrives, verifies and counts (cast before the deadline).
    await network(true);
    const cyRow = proposal(a).locator('.mp-ballots li', { hasText: 'Cy' });
    await expect.poll(() => cyRow.locator('.mp-state').textContent(), { timeout: 30_000 }).toBe('Counted');
    await expect.poll(() => proposal(a).locator('.mp-ballots .mp-state', { hasText: 'Counted' }).count()).toBe(3);
    expect(await proposal(a).locator('.mp-waiting').count()).toBe(0);
    await proposal(a).getByText(/3 ballots counted; quorum 2 — met/).waitFor();
    await proposal(a).scrollIntoViewIfNeeded();
    await shot(a, 'decisions-open-all-voted');

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
    expect(errors).toEqual([]);
  });

  it('ranks options on a 360 px phone and shows the instant-runoff rounds', async () => {
    const dev = await newDevice(browser, 'phone');
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

/**
 * Secret ballots end to end (issue 24), real Chromium, real relay: Ana drafts a secret
 * proposal; Ana, Ben and Cy vote — Cy on a phone with its network off, then back — each ballot
 * going to the voter's own private document. Everyone sees who voted, never how; Ana closes it,
 * the relay counts, and all three see the same totals. Nobody's page ever shows another
 * member's choice or reason.
 */
import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { newDevice, shot, type RunningServer } from './harness';
import { createWorkspace, join, newDocument, watchErrors } from './app-flow';
import { useServerAndBrowser } from './setup';

let server: RunningServer;
let browser: Browser;
useServerAndBrowser((s, b) => ([server, browser] = [s, b]));

const proposal = (page: Page) => page.locator('.mb-frame[data-kind=proposal]');
const voters = (page: Page) => proposal(page).getByTestId('secret-voters');

async function vote(page: Page, choice: string, reason = ''): Promise<void> {
  await proposal(page).getByRole('radio', { name: choice }).click();
  if (reason) await proposal(page).locator('textarea[id$="-reason"]').fill(reason);
  await proposal(page).getByRole('button', { name: 'Cast ballot' }).click();
}

/** Ana, Ben and Cy in one workspace (`phone` on a 390 px phone); Ana drafts a secret proposal titled `title`. */
async function secretDraft(title: string, phone: 'Ben' | 'Cy') {
  const devA = await newDevice(browser);
  const devB = await newDevice(browser, phone === 'Ben' ? 'phone' : 'desktop');
  const devC = await newDevice(browser, phone === 'Cy' ? 'phone' : 'desktop');
  const { page: a, workspaceId, editorInvite } = await createWorkspace(devA, server.url, 'Eastside Mutual Aid', 'Ana');
  const b = await join(devB, editorInvite, 'Ben');
  const c = await join(devC, editorInvite, 'Cy');
  const errors = [watchErrors(a, 'Ana'), watchErrors(b, 'Ben'), watchErrors(c, 'Cy')];
  await a.getByText('Cy').first().waitFor({ timeout: 15_000 });
  const docId = await newDocument(a, 'proposal');
  await proposal(a).getByLabel('Proposal title').fill(title);
  await proposal(a).getByLabel('Proposal title').press('Tab');
  await proposal(a).getByRole('checkbox', { name: 'Secret ballot' }).check();
  return { devC, a, b, c, errors, workspaceId, docId };
}

describe('secret ballots', () => {
  it('three members vote secretly, one offline; all see who voted and the same totals, never how', async () => {
    const { devC, a, b, c, errors, workspaceId, docId } = await secretDraft('Who holds the money', 'Cy');
    // The rule is said before it opens.
    await proposal(a).getByText('With fewer than 3 ballots').waitFor();
    await proposal(a).getByRole('button', { name: 'Tomorrow' }).click();
    await shot(a, 'secret-draft');
    await proposal(a).getByRole('button', { name: 'Open for decision' }).click();
    await expect.poll(() => proposal(a).locator('.mb-status').textContent()).toBe('Open for decision');
    await proposal(a).getByRole('checkbox', { name: 'Secret ballot' }).waitFor({ state: 'detached' });

    // Ben and Ana vote.
    await b.goto(`${server.url}/w/${workspaceId}/d/${docId}`);
    await proposal(b).getByTestId('secret-panel').waitFor({ timeout: 15_000 });
    await vote(b, 'Consent');
    await proposal(b).getByTestId('secret-mine').getByText('Consent').waitFor();
    await vote(a, 'Concern', 'Ana-worry-about-the-bank');
    await expect.poll(() => voters(a).textContent(), { timeout: 15_000 }).toMatch(/Voted \(2\):.*Ben/);

    // Cy votes on the phone with the network off; the ballot waits on the device.
    await c.goto(`${server.url}/w/${workspaceId}/d/${docId}`);
    await proposal(c).getByTestId('secret-panel').waitFor({ timeout: 15_000 });
    await expect.poll(() => c.getByTestId('doc-status').textContent(), { timeout: 15_000 }).toBe('All changes synced');
    await devC.setOffline(true);
    await vote(c, 'Object', 'Cy-objects-for-a-reason');
    await proposal(c).getByText('saved on this device').waitFor();
    await proposal(c).getByText('It counts once it reaches the server').waitFor();
    await proposal(c).scrollIntoViewIfNeeded();
    await shot(c, 'secret-ballot-offline-phone');
    expect(await voters(a).textContent()).not.toContain('Cy');

    // Back online: Cy's ballot reaches the relay, and Cy is listed — not how Cy voted.
    await devC.setOffline(false);
    await expect.poll(() => voters(a).textContent(), { timeout: 30_000 }).toMatch(/Voted \(3\):.*Cy/);
    await expect.poll(() => voters(b).textContent(), { timeout: 15_000 }).toMatch(/Voted \(3\)/);
    await proposal(a).getByText('Totals appear when the proposal closes.').waitFor();
    await proposal(a).scrollIntoViewIfNeeded();
    await shot(a, 'secret-open-all-voted');

    // Ana closes it; the relay counts; everyone sees the same totals.
    await proposal(a).getByRole('button', { name: 'Close now and decide' }).click();
    await a.getByRole('dialog').getByRole('button', { name: 'Close it now' }).click();
    for (const page of [a, b, c]) {
      await expect.poll(() => proposal(page).locator('.mp-headline').textContent(), { timeout: 20_000 }).toBe('Did not pass');
      await proposal(page).getByTestId('secret-signatures').getByText('3 signed ballots counted').waitFor({ timeout: 15_000 });
    }
    const explanations = await Promise.all([a, b, c].map((p) => proposal(p).locator('.mp-explain').textContent()));
    expect(new Set(explanations).size).toBe(1);
    expect(explanations[0]).toMatch(/objection/i);
    await proposal(b).scrollIntoViewIfNeeded();
    await shot(b, 'secret-closed');
    await proposal(c).scrollIntoViewIfNeeded();
    await shot(c, 'secret-closed-phone');

    // Nobody's page shows another member's reason; each shows their own only.
    const text = async (p: Page) => (await p.locator('main').textContent()) ?? '';
    expect(await text(b)).not.toMatch(/Ana-worry|Cy-objects/);
    expect(await text(a)).not.toMatch(/Cy-objects/);
    expect(await text(c)).not.toMatch(/Ana-worry/);
    expect(errors.flat()).toEqual([]);
  });

  it('with results shown while open, the totals appear from 3 ballots and say when they next change', async () => {
    const { a, b, c, errors, workspaceId, docId } = await secretDraft('Pantry hours', 'Ben');
    await proposal(a).getByRole('checkbox', { name: 'Show results while open' }).check();
    await proposal(a).getByText('change only after every 3 more ballots').waitFor();
    await proposal(a).getByRole('button', { name: 'Tomorrow' }).click();
    await proposal(a).getByRole('button', { name: 'Open for decision' }).click();
    await expect.poll(() => proposal(a).locator('.mb-status').textContent()).toBe('Open for decision');

    for (const page of [b, c]) {
      await page.goto(`${server.url}/w/${workspaceId}/d/${docId}`);
      await proposal(page).getByTestId('secret-panel').waitFor({ timeout: 15_000 });
    }
    await vote(a, 'Consent');
    await vote(b, 'Consent');
    await expect.poll(() => voters(c).textContent(), { timeout: 15_000 }).toMatch(/Voted \(2\)/);
    // Two ballots: nothing to show yet (each would be plain to see).
    await proposal(c).getByText('Totals appear only once at least 3 people have answered').waitFor();
    await vote(c, 'Concern', 'Cy-wants-evenings');
    for (const page of [a, b, c]) {
      await proposal(page).getByTestId('secret-steps').getByText('These results count 3 of 3 ballots. They next update when 6 ballots count').waitFor({ timeout: 20_000 });
    }
    await proposal(b).getByTestId('secret-steps').scrollIntoViewIfNeeded();
    await shot(b, 'secret-live-results-phone');
    expect(await b.locator('main').textContent()).not.toMatch(/Cy-wants-evenings/);
    expect(errors.flat()).toEqual([]);
  });
});

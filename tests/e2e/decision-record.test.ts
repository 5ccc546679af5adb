/**
 * Issue 16, must fix 5: the record keeps what matters. A consent proposal decided inside a
 * meeting agenda, with an objection and a concern: the decision log, its Markdown and CSV
 * exports name each counted ballot's member, choice and reason; the meeting's minutes list
 * that decision (it lives in the agenda's own text, no agenda item links it) and the task
 * written in the agenda's text.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { newDevice, shot, type RunningServer } from './harness';
import { caretAtEndOf, createWorkspace, join, newDocument, watchErrors } from './app-flow';
import { useServerAndBrowser } from './setup';

let server: RunningServer;
let browser: Browser;
useServerAndBrowser((s, b) => ([server, browser] = [s, b]));

const proposal = (page: Page) => page.locator('.mb-frame[data-kind=proposal]');

async function vote(page: Page, choice: string, reason = ''): Promise<void> {
  const block = proposal(page);
  await block.getByRole('radio', { name: choice }).check();
  if (reason) await block.getByLabel(/^Reason/).fill(reason);
  await block.getByRole('button', { name: 'Cast ballot' }).click();
  await block.getByText('Your ballot is cast.').waitFor();
}

async function download(page: Page, button: string): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button }).click()]);
  return readFileSync((await file.path())!, 'utf8');
}

describe('the record keeps what matters', () => {
  it('names who objected and why in the decision log and its exports; minutes include the decision and tasks of the agenda text', async () => {
    const devA = await newDevice(browser);
    const devB = await newDevice(browser);
    const devC = await newDevice(browser);
    const { page: a, workspaceId, editorInvite } = await createWorkspace(devA, server.url, 'Eastside Mutual Aid', 'Ana');
    const b = await join(devB, editorInvite, 'Ben');
    const c = await join(devC, editorInvite, 'Cy');
    const errors = [...watchErrors(a, 'A'), ...watchErrors(b, 'B'), ...watchErrors(c, 'C')];
    await a.getByText('Cy', { exact: true }).waitFor({ timeout: 15_000 });

    // The agenda: Ana writes a task and a proposal at its end, in the text (no agenda item links them).
    const docId = await newDocument(a, 'agenda');
    await caretAtEndOf(a, 'Date, place, who hosts.');
    await a.keyboard.press('Enter');
    await a.keyboard.type('/task');
    await a.keyboard.press('Enter');
    const task = a.locator('.mb-frame[data-kind=task]');
    await task.getByLabel('Task title').fill('Ask the landlord about power');
    await task.getByLabel('Task title').press('Tab');
    // The line after the task is the document's last: the proposal goes there.
    await caretAtEndOf(a, 'Date, place, who hosts.');
    await a.keyboard.press('Control+End');
    await a.keyboard.type('/propo');
    await a.keyboard.press('Enter');
    await proposal(a).getByLabel('Proposal title').fill('Buy a chest freezer');
    await proposal(a).getByLabel('Proposal title').press('Tab');
    await proposal(a).getByRole('button', { name: 'Tomorrow' }).click();
    await proposal(a).getByRole('button', { name: 'Open for decision' }).click();

    // Ben objects, Cy has a concern, Ana consents; Ana closes it.
    for (const page of [b, c]) await page.goto(`${server.url}/w/${workspaceId}/d/${docId}`);
    await proposal(b).getByRole('radio', { name: 'Object' }).waitFor({ timeout: 15_000 });
    await vote(b, 'Object', 'No room in the pantry until the shelves move');
    await proposal(c).getByRole('radio', { name: 'Concern' }).waitFor({ timeout: 15_000 });
    await vote(c, 'Concern', 'The power bill will go up');
    await vote(a, 'Consent');
    await expect.poll(() => proposal(a).locator('.mp-ballots .mp-state', { hasText: 'Counted' }).count(), { timeout: 30_000 }).toBe(3);
    await proposal(a).getByRole('button', { name: 'Close now and decide' }).click();
    await a.getByRole('dialog').getByRole('button', { name: 'Close it now' }).click();
    await expect.poll(() => proposal(a).locator('.mp-headline').textContent(), { timeout: 10_000 }).toBe('Did not pass');

    // The decision log says who objected and why, on the page and in both exports.
    await a.goto(`${server.url}/w/${workspaceId}/decisions`);
    const entry = a.locator('.entry', { hasText: 'Buy a chest freezer' });
    await entry.waitFor({ timeout: 15_000 });
    const benRow = entry.locator('li', { hasText: 'Ben' });
    await expect.poll(() => benRow.textContent()).toMatch(/Object.*No room in the pantry until the shelves move/);
    expect(await entry.locator('li', { hasText: 'Cy' }).textContent()).toMatch(/Concern.*The power bill will go up/);
    expect(await entry.locator('li', { hasText: 'Ana' }).textContent()).toContain('Consent');
    await shot(a, 'record-decision-log');
    const markdown = await download(a, 'Download Markdown');
    expect(markdown).toMatch(/Ben.*Object.*No room in the pantry until the shelves move/);
    expect(markdown).toMatch(/Cy.*Concern.*The power bill will go up/);
    const csv = await download(a, 'Download CSV');
    expect(csv).toMatch(/Ben: Object.*No room in the pantry until the shelves move/);
    expect(csv).toMatch(/Cy: Concern.*The power bill will go up/);

    // The minutes of that agenda list the decision taken in it and the task written in it.
    await a.goto(`${server.url}/w/${workspaceId}/d/${docId}/minutes`);
    const minutes = a.getByTestId('minutes');
    await minutes.waitFor();
    await expect.poll(() => minutes.textContent(), { timeout: 15_000 }).toContain('Buy a chest freezer');
    const text = (await minutes.textContent()) ?? '';
    expect(text).not.toContain('No decisions were linked to this meeting');
    expect(text).toMatch(/Ben: Object — “No room in the pantry until the shelves move”/);
    expect(text).toContain('Ask the landlord about power');
    expect(text).not.toContain('No tasks came out of this meeting');
    await shot(a, 'record-minutes');
    const minutesMd = await download(a, 'Download Markdown');
    expect(minutesMd).toContain('Buy a chest freezer');
    expect(minutesMd).toContain('Ask the landlord about power');
    expect(errors).toEqual([]);
  });
});

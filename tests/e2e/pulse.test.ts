/**
 * The group pulse (issue 24) end to end in Debian's chromium against the production server:
 * an admin turns the pulse on (asked first); three members check in from "My work" (one with
 * the keyboard alone, one on a phone, with a private note); the Workload page shows "not
 * enough answers yet" after two and the totals after three; the stretched member sees their
 * own history with the note and a gentle suggestion (scale back) that opens the existing
 * flow; a new agenda starts with "How are we doing?" and the totals.
 */
import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { newDevice, shot, type RunningServer } from './harness';
import { createWorkspace, join, newDocument, waitForText, watchErrors } from './app-flow';
import { audit } from './axe';
import { useServerAndBrowser } from './setup';

let server: RunningServer;
let browser: Browser;
useServerAndBrowser((s, b) => ([server, browser] = [s, b]));

const NOTE = 'Exams this month, and moving house';

/** Add a task through the slash menu, give it a title, offer a co-lead place and claim it. */
async function claimNewTask(page: Page, title: string): Promise<void> {
  await page.locator('.m-content > :not(.m-block)').last().click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type('/task');
  await page.locator('#slash-item-task').waitFor();
  await page.keyboard.press('Enter');
  const input = page.getByLabel('Task title').first();
  await input.waitFor();
  await input.fill(title);
  await input.evaluate((el) => (el as HTMLInputElement).blur());
  const block = page.locator(`.mb-frame[data-kind="task"]:has(.mb-head[data-title="${title}"])`);
  await block.locator('summary', { hasText: 'Due date and co-lead' }).click();
  await block.getByLabel('Offer a co-lead place').check();
  await block.getByRole('button', { name: 'Claim' }).click();
  await expect.poll(() => block.getByTestId('task-status').textContent()).toContain('Claimed by you');
  await expect.poll(() => page.getByTestId('doc-status').textContent(), { timeout: 15_000 }).toBe('All changes synced');
}

/** Check in from "My work" by tapping the three answers, optionally with a note. */
async function checkIn(page: Page, ws: string, answers: [string, string, string], note = ''): Promise<void> {
  await page.goto(`${server.url}/w/${ws}/me`);
  const form = page.getByTestId('pulse-check-in');
  await form.waitFor({ timeout: 15_000 });
  for (const answer of answers) await form.getByRole('radio', { name: answer, exact: true }).check();
  if (note) await form.getByLabel('A note for yourself').fill(note);
  await form.getByRole('button', { name: 'Save my check-in' }).click();
  await page.getByTestId('pulse-checked-in').waitFor({ timeout: 15_000 });
}

/** An admin turns the pulse on from the Workload page, confirming the dialog. */
async function turnPulseOn(admin: Page, ws: string, screenshot?: string): Promise<void> {
  await admin.goto(`${server.url}/w/${ws}/work`);
  await expect.poll(() => admin.getByTestId('pulse-state').textContent()).toContain('The group pulse is off');
  await admin.getByRole('button', { name: 'Turn the pulse on' }).click();
  const dialog = admin.getByRole('dialog');
  await expect.poll(() => dialog.textContent()).toContain('Answers stay private');
  if (screenshot) await shot(admin, screenshot);
  await dialog.getByRole('button', { name: 'Turn the pulse on' }).click();
  await expect.poll(() => admin.getByTestId('pulse-state').textContent(), { timeout: 15_000 }).toContain('members check in every week');
}

describe('the group pulse', () => {
  it('a viewer checks in like every member, and their answer counts in the totals', async () => {
    const devA = await newDevice(browser);
    const devB = await newDevice(browser);
    const devV = await newDevice(browser, 'phone');
    const { page: a, editorInvite, viewerInvite, workspaceId: ws } = await createWorkspace(devA, server.url, 'Eastside Pantry', 'Ana');
    const b = await join(devB, editorInvite, 'Ben');
    const v = await join(devV, viewerInvite, 'Vic');
    const errors = [...watchErrors(a, 'A'), ...watchErrors(b, 'B'), ...watchErrors(v, 'V')];
    await turnPulseOn(a, ws);
    await checkIn(a, ws, ['High', 'Room for more', 'Yes']);
    await checkIn(b, ws, ['Low', 'More than I can carry', 'Not really']);
    await checkIn(v, ws, ['Low', 'More than I can carry', 'Somewhat']);
    await shot(v, 'pulse-viewer-checked-in-phone');
    // Her answer reached the relay and counts: three answers, two of them stretched.
    await a.goto(`${server.url}/w/${ws}/work`);
    await expect.poll(() => a.getByTestId('pulse-totals').textContent().catch(() => ''), { timeout: 20_000 }).toContain('2 of 3 stretched');
    await expect.poll(() => v.getByTestId('connection-status').getAttribute('data-state'), { timeout: 15_000 }).toBe('live');
    expect(await v.getByTestId('connection-status').textContent()).not.toMatch(/Syncing|Not syncing/);
    expect(errors).toEqual([]);
    await devA.close();
    await devB.close();
    await devV.close();
  });


  it('three members check in; the group sees totals only from three; the stretched member sees history and a suggestion', async () => {
    const devA = await newDevice(browser);
    const devB = await newDevice(browser, 'phone');
    const devC = await newDevice(browser);
    const { page: a, editorInvite, workspaceId: ws } = await createWorkspace(devA, server.url, 'Riverside Mutual Aid', 'Ana');
    const b = await join(devB, editorInvite, 'Ben');
    const c = await join(devC, editorInvite, 'Cleo');
    const errors = [...watchErrors(a, 'A'), ...watchErrors(b, 'B'), ...watchErrors(c, 'C')];

    // Off until the group turns it on: no check-in anywhere.
    await b.goto(`${server.url}/w/${ws}/me`);
    await b.getByTestId('my-load').waitFor();
    expect(await b.getByTestId('pulse-mine').count()).toBe(0);

    // Ana (admin) turns it on from the Workload page; it asks first.
    await turnPulseOn(a, ws, 'pulse-turn-on-desktop');

    // Ben holds a task (so "scale back" is his to take), then checks in stretched, on his phone.
    await b.goto(`${server.url}/w/${ws}`);
    await newDocument(b, 'page');
    await claimNewTask(b, 'Drive the food run');
    await checkIn(a, ws, ['High', 'Room for more', 'Yes']);
    await b.goto(`${server.url}/w/${ws}/me`);
    await b.getByTestId('pulse-check-in').waitFor({ timeout: 15_000 });
    await shot(b, 'pulse-check-in-phone');
    expect(await audit(b, 'pulse check-in')).toEqual([]);
    await checkIn(b, ws, ['Low', 'More than I can carry', 'Not really'], NOTE);

    // Two answers: the group sees nothing but "not enough answers yet".
    await a.goto(`${server.url}/w/${ws}/work`);
    await a.getByTestId('pulse-not-enough').waitFor({ timeout: 15_000 });
    expect(await a.getByTestId('pulse-totals').count()).toBe(0);

    // Cleo checks in with the keyboard alone.
    await c.goto(`${server.url}/w/${ws}/me`);
    const form = c.getByTestId('pulse-check-in');
    await form.waitFor({ timeout: 15_000 });
    await form.getByRole('radio', { name: 'Low', exact: true }).focus();
    await c.keyboard.press('ArrowRight'); // energy: Steady
    await c.keyboard.press('Tab');
    await c.keyboard.press('Space'); // workload: More than I can carry (the first)
    await c.keyboard.press('Tab');
    await c.keyboard.press('ArrowRight'); // connection: Somewhat
    expect(await form.getByRole('radio', { name: 'Steady' }).isChecked()).toBe(true);
    expect(await form.getByRole('radio', { name: 'More than I can carry' }).isChecked()).toBe(true);
    expect(await form.getByRole('radio', { name: 'Somewhat' }).isChecked()).toBe(true);
    await c.keyboard.press('Tab'); // the note
    await c.keyboard.press('Tab'); // Save
    await c.keyboard.press('Enter');
    await c.getByTestId('pulse-checked-in').waitFor({ timeout: 15_000 });

    // Three answers: the totals, on everyone's Workload page.
    await expect.poll(() => a.getByTestId('pulse-totals').textContent().catch(() => ''), { timeout: 20_000 }).toContain('2 of 3 stretched');
    expect(await a.getByTestId('pulse-totals').textContent()).toContain('1 of 3 low on energy');
    expect(await a.getByTestId('pulse-group').textContent()).toContain('once 3 members have answered and change only after each 3 more');
    expect(await a.getByTestId('pulse-group').textContent()).not.toContain(NOTE);
    await shot(a, 'pulse-totals-desktop');
    expect(await audit(a, 'pulse totals')).toEqual([]);
    await b.goto(`${server.url}/w/${ws}/work`);
    await expect.poll(() => b.getByTestId('pulse-totals').textContent().catch(() => ''), { timeout: 20_000 }).toContain('2 of 3 stretched');
    await shot(b, 'pulse-totals-phone');

    // Ben sees his own history with his note, and a gentle suggestion that opens scale back.
    await b.goto(`${server.url}/w/${ws}/me`);
    const history = b.getByTestId('pulse-history');
    await history.locator('summary').click();
    await expect.poll(() => history.textContent()).toContain(NOTE);
    expect(await history.textContent()).toContain('More than I can carry');
    const suggestions = b.getByTestId('pulse-suggestions');
    await expect.poll(() => suggestions.textContent()).toContain('Put some of your tasks back on the board');
    await shot(b, 'pulse-suggestions-phone');
    await suggestions.getByRole('button', { name: 'Scale back…' }).click();
    await b.getByRole('heading', { name: 'Scale back' }).waitFor();
    await b.getByRole('button', { name: 'Cancel' }).click();

    // Cleo takes the co-lead place; Ben is offered to hand the task to her, and does.
    await c.goto(`${server.url}/w/${ws}/tasks`);
    await c.getByRole('button', { name: 'Co-lead Drive the food run' }).click();
    await expect.poll(() => suggestions.textContent(), { timeout: 20_000 }).toContain('Hand “Drive the food run” to Cleo, who co-leads it');
    await suggestions.getByRole('button', { name: 'Hand it over' }).click();
    await expect.poll(() => suggestions.textContent(), { timeout: 15_000 }).toContain('Cleo holds it now.');
    await expect.poll(() => b.getByTestId('my-load').textContent(), { timeout: 15_000 }).toContain('You hold 0 tasks');
    await c.goto(`${server.url}/w/${ws}/work`);
    await expect.poll(() => c.locator('[data-testid^="workload-"]').filter({ hasText: 'Cleo' }).textContent(), { timeout: 15_000 }).toContain('Drive the food run');
    // Nobody else sees Ben's note, even Ana the admin.
    await a.goto(`${server.url}/w/${ws}/me`);
    await a.getByTestId('pulse-history').locator('summary').click();
    expect(await a.locator('main').textContent()).not.toContain(NOTE);
    // Ana is fine: no suggestions for her.
    expect(await a.getByTestId('pulse-suggestions').count()).toBe(0);

    // The group is strained (2 of 3 stretched): a new agenda starts with "How are we doing?".
    await a.goto(`${server.url}/w/${ws}`);
    await newDocument(a, 'agenda');
    await waitForText(a, 'Group pulse: 2 of 3 stretched, 1 of 3 low on energy, 1 of 3 feel apart.');
    // Internal problems first: it is the agenda's first item.
    await expect.poll(() => a.getByTestId('agenda-item').first().getAttribute('data-title')).toBe('How are we doing?');
    await shot(a, 'pulse-agenda-desktop');
    expect(errors).toEqual([]);
  });
});

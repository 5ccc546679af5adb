/**
 * Running a meeting (issue 11) across two browsers against the production server: Ana on a
 * desktop facilitates, Ben follows on a phone whose clock runs 7 seconds fast. Their
 * countdowns agree within a second (times are in the relay's clock), "Next item" moves
 * both, an action added in one is claimed in the other, and the minutes show who came,
 * and who claimed what. "Next meeting" carries the unfinished item over.
 */
import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { newDevice, shot, type RunningServer } from './harness';
import { createWorkspace, join, newDocument, watchErrors } from './app-flow';
import { useServerAndBrowser } from './setup';

let server: RunningServer;
let browser: Browser;
useServerAndBrowser((s, b) => ([server, browser] = [s, b]));

/** The agenda item block titled `title`. */
function item(page: Page, title: string) {
  return page.locator(`[data-testid="agenda-item"][data-title="${title}"]`);
}

/** Seconds shown by the countdown ("4:05 left" → 245; "+0:10 over" → -10). */
async function countdownSeconds(page: Page): Promise<number> {
  const text = (await page.getByTestId('countdown').textContent()) ?? '';
  const m = /(\+)?(\d+):(\d\d)/.exec(text);
  if (!m) throw new Error(`no countdown in "${text}"`);
  const s = Number(m[2]) * 60 + Number(m[3]);
  return m[1] ? -s : s;
}

/** Add an agenda item with the bar's "Add item" and name it. */
async function addItem(page: Page, title: string): Promise<void> {
  const before = await page.getByTestId('agenda-item').count();
  await page.getByTestId('meeting-bar').getByRole('button', { name: 'Add item' }).click();
  await expect.poll(() => page.getByTestId('agenda-item').count()).toBe(before + 1);
  // The new item's title is selected: typing names it.
  const input = item(page, 'New agenda item').locator('input.mb-title');
  await expect.poll(() => input.evaluate((el) => el === document.activeElement)).toBe(true);
  await page.keyboard.type(title);
  await page.keyboard.press('Tab');
  await item(page, title).waitFor();
}

describe('meetings', () => {
  it('runs a meeting across two devices: one countdown, one current item, claims and minutes', async () => {
    const devA = await newDevice(browser);
    const devB = await newDevice(browser, 'phone');
    // Ben's phone clock is 7 s fast; the shared countdown must not show it.
    await devB.addInitScript(() => {
      const real = Date.now.bind(Date);
      Date.now = () => real() + 7000;
    });
    const { page: a, editorInvite } = await createWorkspace(devA, server.url, 'Eastside Mutual Aid', 'Ana');
    const b = await join(devB, editorInvite, 'Ben');
    const errors = [...watchErrors(a, 'A'), ...watchErrors(b, 'B')];
    const ws = new URL(a.url()).pathname.split('/')[2]!;

    // Ben says he's willing to keep time (the rotation, issue 9).
    await b.goto(`${server.url}/w/${ws}/work`);
    await b.getByTestId('role-timekeeper').getByLabel("I'm willing").check();

    const docId = await newDocument(a, 'agenda');
    const bar = a.getByTestId('meeting-bar');
    await bar.waitFor();
    // The template: check-in, a group-health item, appreciations, next meeting.
    await item(a, 'How are we doing as a group?').waitFor();
    for (const heading of ['Check-in', 'Items', 'Appreciations', 'Next meeting']) await a.locator('.m-content h2', { hasText: heading }).waitFor();

    await addItem(a, 'Freezer for the pantry');
    await item(a, 'Freezer for the pantry').getByLabel('Kind').selectOption('decision');
    await addItem(a, 'Budget report');
    await a.getByTestId('meeting-bar').locator('summary', { hasText: 'Meeting roles' }).click();
    await bar.getByLabel('Facilitator').selectOption({ label: 'Ana' });
    await bar.getByLabel('Note-taker').selectOption({ label: 'Ben' });
    // The rotation suggests Ben as timekeeper: one click fills the role.
    await bar.getByRole('button', { name: 'Suggested: Ben' }).click({ timeout: 15_000 });
    await expect.poll(() => bar.getByLabel('Timekeeper').evaluate((el) => (el as HTMLSelectElement).selectedOptions[0]?.textContent)).toBe('Ben');
    await shot(a, 'meeting-agenda-before-desktop');

    await b.goto(`${server.url}/w/${ws}/d/${docId}`);
    await item(b, 'Budget report').waitFor({ timeout: 15_000 });

    await bar.getByRole('button', { name: 'Start meeting' }).click();
    await expect.poll(() => a.getByTestId('current-item').textContent()).toBe('How are we doing as a group?');
    await expect.poll(() => b.getByTestId('current-item').textContent(), { timeout: 15_000 }).toBe('How are we doing as a group?');
    await item(b, 'How are we doing as a group?').getByTestId('agenda-now').waitFor();

    // Both displays read at the same moment agree within a second, despite Ben's clock.
    // Ben's device has measured its 7 s lead over the relay.
    await expect
      .poll(async () => Number(await b.getByTestId('meeting-bar').getAttribute('data-clock-offset')), { timeout: 10_000 })
      .toBeLessThan(-6000);
    for (let i = 0; i < 3; i++) {
      const [sa, sb] = await Promise.all([countdownSeconds(a), countdownSeconds(b)]);
      expect(sa).toBeGreaterThan(4 * 60);
      expect(sa).toBeLessThanOrEqual(5 * 60);
      expect(Math.abs(sa - sb)).toBeLessThanOrEqual(1);
      // Read again at another moment: once Ana's countdown has ticked.
      await expect.poll(() => countdownSeconds(a), { timeout: 10_000 }).toBeLessThan(sa);
    }
    await shot(a, 'meeting-running-desktop');
    await shot(b, 'meeting-running-phone');

    // "Next item" on Ana's screen moves Ben's too.
    await bar.getByRole('button', { name: 'Next item' }).click();
    await expect.poll(() => b.getByTestId('current-item').textContent(), { timeout: 15_000 }).toBe('Freezer for the pantry');
    await item(b, 'Freezer for the pantry').getByTestId('agenda-now').waitFor();
    expect(await item(b, 'How are we doing as a group?').getByTestId('agenda-now').count()).toBe(0);
    const [sa, sb] = await Promise.all([countdownSeconds(a), countdownSeconds(b)]);
    expect(Math.abs(sa - sb)).toBeLessThanOrEqual(1);
    expect(sa).toBeGreaterThan(9 * 60);

    // An action agreed on Ana's side is claimed by Ben; Ana sees his claim.
    const freezerA = item(a, 'Freezer for the pantry');
    await freezerA.getByLabel('New action for this item').fill('Get three freezer quotes');
    await freezerA.getByRole('button', { name: 'Add action' }).click();
    const freezerB = item(b, 'Freezer for the pantry');
    await freezerB.locator('.mb-frame[data-kind="task"]').waitFor({ timeout: 15_000 });
    await freezerB.getByRole('button', { name: 'Claim' }).click();
    await expect.poll(() => freezerA.getByTestId('task-status').textContent(), { timeout: 15_000 }).toContain('Claimed by Ben');
    await freezerA.getByLabel('Outcome').fill('Agreed: buy a second-hand chest freezer.');
    await freezerA.getByLabel('Outcome').press('Tab');
    await shot(b, 'meeting-action-claimed-phone');

    await bar.getByRole('button', { name: 'End meeting' }).click();
    await a.getByRole('dialog').getByRole('button', { name: 'End the meeting' }).click();
    await expect.poll(() => b.getByTestId('meeting-bar').textContent(), { timeout: 15_000 }).toContain('Meeting ended');

    // Minutes: who came (both devices were present), the decision item and Ben's claim.
    await bar.getByRole('link', { name: 'Minutes' }).click();
    const minutes = a.getByTestId('minutes');
    await minutes.waitFor();
    await expect.poll(() => minutes.textContent(), { timeout: 15_000 }).toContain('Get three freezer quotes: claimed by Ben');
    const text = (await minutes.textContent()) ?? '';
    expect(text).toContain('Facilitator: Ana');
    expect(text).toContain('Note-taker: Ben');
    expect(text).toContain('Timekeeper: Ben');
    expect(await minutes.locator('.attendees li').allTextContents()).toEqual(expect.arrayContaining(['Ana', 'Ben']));
    expect(text).toContain('Agreed: buy a second-hand chest freezer.');
    await shot(a, 'meeting-minutes-desktop');
    await b.goto(`${server.url}/w/${ws}/d/${docId}/minutes`);
    await b.getByTestId('minutes').waitFor();
    await shot(b, 'meeting-minutes-phone');
    await a.emulateMedia({ media: 'print' });
    await shot(a, 'meeting-minutes-print');
    await a.emulateMedia({ media: 'screen' });

    // Starting the meeting recorded Ben's turn as timekeeper in the rotation.
    await b.goto(`${server.url}/w/${ws}/work`);
    await expect.poll(() => b.getByTestId('role-timekeeper').textContent(), { timeout: 15_000 }).toMatch(/Ben|you/);
    await expect.poll(() => b.getByTestId('role-facilitator').textContent(), { timeout: 15_000 }).toContain('Ana');

    // The next meeting carries over the item never reached.
    await a.goto(`${server.url}/w/${ws}/d/${docId}`);
    await a.getByTestId('meeting-bar').getByRole('button', { name: 'Next meeting' }).click();
    // It asks for the date (a week on by default) and names the new agenda after it.
    await a.getByTestId('meeting-bar').getByLabel('Date of the next meeting').fill('2031-03-14');
    await a.getByTestId('meeting-bar').getByRole('button', { name: 'Create its agenda' }).click();
    await a.waitForURL((url) => url.pathname.includes('/d/') && !url.pathname.endsWith(docId));
    const nextTitle = await a.evaluate(() => new Date(2031, 2, 14, 12).toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short' }));
    await expect.poll(() => a.getByLabel('Document title').inputValue()).toBe(`Meeting ${nextTitle}`);
    await item(a, 'Budget report').waitFor({ timeout: 15_000 });
    expect(await item(a, 'Freezer for the pantry').count()).toBe(0);
    await item(a, 'How are we doing as a group?').waitFor();
    await shot(a, 'meeting-next-agenda-desktop');
    expect(errors).toEqual([]);
  });
});

/**
 * Needs board end to end (issue 10) in Debian's chromium against the production server:
 * a coordinator takes in an ask with contact details and an offer, matches them and marks
 * them fulfilled; an editor who is not a coordinator sees the board but never the contact
 * details (and their device never opens the private document); once an admin ticks
 * "Coordinator" for them, the details appear.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { cleanupServer, launchBrowser, newDevice, shot, startServer, type RunningServer } from './harness';
import { createWorkspace, join, newDocument, watchErrors } from './app-flow';

let server: RunningServer;
let browser: Browser;

const PHONE = '07700 900461';

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await cleanupServer(server);
});

/** The card of the entry titled `title`. */
const card = (page: Page, title: string) => page.locator('article.need').filter({ has: page.getByRole('heading', { name: title, exact: true }) });

describe('needs board', () => {
  it('takes in, matches and fulfils; contact details only for coordinators', async () => {
    const devA = await newDevice(browser);
    const devB = await newDevice(browser, 'phone');
    const { page: a, workspaceId, editorInvite } = await createWorkspace(devA, server.url, 'Eastside Mutual Aid', 'Ana');
    const errors = watchErrors(a, 'A');
    const b = await join(devB, editorInvite, 'Ben');
    errors.push(...watchErrors(b, 'B'));
    const sockets: string[] = [];
    b.on('websocket', (ws) => sockets.push(ws.url()));

    const docId = await newDocument(a, 'needs');
    const board = a.getByTestId('needs-board');
    await board.getByText('Nothing on the board yet').waitFor();

    // Ana (an admin: a coordinator by role) takes in an ask with contact details.
    await a.getByRole('button', { name: 'Add an ask' }).click();
    let form = a.locator('form.need-form');
    await form.getByLabel('What is needed').fill('Groceries for a family of four');
    await form.getByLabel('Category', { exact: true }).selectOption('food');
    await form.getByLabel('Urgent').check();
    await form.getByLabel('Area').fill('Northside');
    await form.getByLabel('When').fill('this week');
    await form.getByLabel('Who to contact').fill('Dee');
    await form.getByLabel('Phone').fill(PHONE);
    await form.getByLabel('Address').fill('12 Elm Street');
    await shot(a, 'needs-add-ask-desktop');
    await form.getByRole('button', { name: 'Add ask' }).click();
    await card(a, 'Groceries for a family of four').getByText(PHONE).waitFor();

    // …and an offer.
    await a.getByRole('button', { name: 'Add an offer' }).click();
    form = a.locator('form.need-form');
    await form.getByLabel('What is offered').fill('Cooked meals twice a week');
    await form.getByLabel('Category', { exact: true }).selectOption('food');
    await form.getByLabel('Area').fill('Northside');
    await form.getByLabel('Who to contact').fill('Sam');
    await form.getByLabel('Phone').fill('07700 900222');
    await form.getByRole('button', { name: 'Add offer' }).click();
    await card(a, 'Cooked meals twice a week').waitFor();
    await expect.poll(() => board.locator('.summary').innerText()).toContain('2 open');

    // Match the ask with the offer: both become matched.
    const ask = card(a, 'Groceries for a family of four');
    await ask.getByRole('button', { name: 'Match…' }).click();
    await ask.getByLabel('Match “Groceries for a family of four” with').selectOption({ label: 'Cooked meals twice a week · Food · Northside' });
    await ask.getByRole('button', { name: 'Match', exact: true }).click();
    await ask.getByText('Matched with the offer “Cooked meals twice a week”').waitFor();
    await expect.poll(() => card(a, 'Cooked meals twice a week').getAttribute('data-status')).toBe('matched');
    await expect.poll(() => ask.getAttribute('data-status')).toBe('matched');
    await board.scrollIntoViewIfNeeded();
    await shot(a, 'needs-board-matched-desktop');

    // Ben, an editor but not a coordinator, sees the board without any contact detail.
    await b.goto(`${server.url}/w/${workspaceId}/d/${docId}`);
    const bAsk = card(b, 'Groceries for a family of four');
    await bAsk.waitFor({ timeout: 15_000 });
    await expect.poll(() => bAsk.getAttribute('data-status')).toBe('matched');
    await bAsk.getByText('Contact details are visible to coordinators only.').waitFor();
    expect(await b.content()).not.toContain(PHONE);
    expect(await b.content()).not.toContain('12 Elm Street');
    expect(sockets.filter((u) => u.includes('/private-')), 'no connection to the private document').toEqual([]);
    await bAsk.scrollIntoViewIfNeeded();
    await shot(b, 'needs-board-editor-phone');

    // Fulfilled closes both; the history shows who did what.
    await ask.getByRole('button', { name: 'Mark fulfilled' }).click();
    await a.getByLabel('Show').selectOption('all');
    await expect.poll(() => ask.getAttribute('data-status')).toBe('fulfilled');
    await expect.poll(() => card(a, 'Cooked meals twice a week').getAttribute('data-status')).toBe('fulfilled');
    await ask.getByText(/History \(2\)/).click();
    await ask.getByText('you matched it with “Cooked meals twice a week”').or(ask.getByText('Ana matched it with “Cooked meals twice a week”')).waitFor();
    await ask.getByText(/marked it fulfilled/).waitFor();
    await ask.getByText(/Deleted automatically on/).waitFor();
    await ask.scrollIntoViewIfNeeded();
    await shot(a, 'needs-board-fulfilled-desktop');
    // Ben's board follows live (fulfilled entries are under "Everything").
    await b.getByText('View, filter and sort').click(); // folded on a phone
    await b.getByLabel('Show').selectOption('all');
    await expect.poll(() => bAsk.getAttribute('data-status'), { timeout: 15_000 }).toBe('fulfilled');

    // The admin makes Ben a coordinator: his board now shows the details.
    await a.goto(`${server.url}/w/${workspaceId}`);
    await a.getByRole('checkbox', { name: 'Coordinator' }).check();
    await expect.poll(() => a.getByRole('checkbox', { name: 'Coordinator' }).isChecked()).toBe(true);
    await a.getByRole('checkbox', { name: 'Coordinator' }).scrollIntoViewIfNeeded();
    await shot(a, 'needs-members-coordinator-desktop');
    await bAsk.getByText(PHONE).waitFor({ timeout: 20_000 });
    await bAsk.scrollIntoViewIfNeeded();
    await shot(b, 'needs-board-coordinator-phone');
    expect(errors).toEqual([]);
  }, 120_000);
});

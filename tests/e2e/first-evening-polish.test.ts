/**
 * Issue 16, "should fix": what else hurt a group on its first evening, checked as a person
 * meets it at 1280 px and on a 390 px phone — the join page names the group and who invites;
 * the workspace lists documents first with their actions in a menu; a new Proposal document
 * holds its proposal and says a deadline is needed; the needs form chooses no category for you;
 * links are asked in a field, not a browser prompt; nothing spills out of a Workload card; the
 * phone's tab strip shows that it scrolls; the current agenda item's badge and timebox read right.
 */
import { describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { newDevice, shot, type RunningServer } from './harness';
import { createWorkspace, join, newDocument, watchErrors } from './app-flow';
import { useServerAndBrowser } from './setup';

let server: RunningServer;
let browser: Browser;
useServerAndBrowser((s, b) => ([server, browser] = [s, b]));

const phone = (b: Browser): Promise<BrowserContext> => b.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, hasTouch: true });

/** Bounding boxes of two elements overlap. */
async function overlap(a: Locator, b: Locator): Promise<boolean> {
  const [x, y] = [(await a.boundingBox())!, (await b.boundingBox())!];
  return x.x < y.x + y.width && y.x < x.x + x.width && x.y < y.y + y.height && y.y < x.y + x.height;
}

describe("a group's first evening, polished", () => {
  it('join page names the group and who invites; the workspace lists documents first with actions in a menu', async () => {
    const devA = await newDevice(browser);
    const { page: a, editorInvite, viewerInvite, workspaceId } = await createWorkspace(devA, server.url, 'Eastside Mutual Aid', 'Ana');
    const errors = watchErrors(a, 'A');

    // Ben opens the invite: he sees which group, who invited him, and what he may do.
    const devB = await newDevice(browser);
    const b = await devB.newPage();
    await b.goto(editorInvite);
    await expect.poll(() => b.getByRole('heading', { level: 1 }).textContent()).toBe('Join Eastside Mutual Aid');
    expect(await b.getByTestId('join-invited-by').textContent()).toMatch(/Ana invited you\s+to join Eastside Mutual Aid on Mutual, to write and decide with the group/);
    await shot(b, 'polish-join-desktop');
    await b.close();
    await join(devB, editorInvite, 'Ben');

    // On a phone, a viewer's invite says what a viewer can do; a replaced link says so before any typing.
    const devV = await phone(browser);
    const v = await devV.newPage();
    await v.goto(viewerInvite);
    await expect.poll(() => v.getByTestId('join-invited-by').textContent()).toContain('to read along');
    await shot(v, 'polish-join-phone');
    const stale = await devV.newPage();
    await stale.goto(`${server.url}/join/${workspaceId}#not-the-secret`);
    await stale.getByRole('alert').getByText(/no longer works/).waitFor();
    expect(await stale.getByRole('button', { name: 'Join' }).isDisabled()).toBe(true);

    // Ana's workspace with documents: the list comes first, no wall of buttons in it.
    const pageId = await newDocument(a, 'page');
    await a.goto(`${server.url}/w/${workspaceId}`);
    const row = a.locator('.row').filter({ has: a.locator(`a[href$="/d/${pageId}"], input`) }).first();
    await row.waitFor();
    expect(await a.locator('.new-btn').count()).toBe(0);
    // (Documents only: the profile panel renames devices, issue 18.)
    expect(await a.locator('section.docs').getByRole('button', { name: /^Rename/ }).count()).toBe(0);
    await shot(a, 'polish-workspace-desktop');
    await row.getByRole('button', { name: 'Actions for Untitled page' }).click();
    await row.getByRole('button', { name: 'Rename' }).click();
    await a.getByLabel('New title').fill('Food bank rota');
    await row.getByRole('button', { name: 'Save' }).click();
    await a.locator('.row', { hasText: 'Food bank rota' }).waitFor();
    // "New document" offers the four kinds.
    await a.getByRole('button', { name: 'New document' }).click();
    for (const kind of ['agenda', 'proposal', 'needs', 'page']) await a.getByTestId(`new-${kind}`).waitFor();
    await shot(a, 'polish-new-document-menu');
    await a.keyboard.press('Escape');
    await a.getByTestId('new-agenda').waitFor({ state: 'detached' });
    expect(errors).toEqual([]);
  });

  it('a Proposal document holds its proposal; the needs form chooses no category; links are asked inline', async () => {
    const devA = await newDevice(browser);
    const { page: a, workspaceId } = await createWorkspace(devA, server.url, 'Westside Pantry', 'Ana');
    const errors = watchErrors(a, 'A');
    a.on('dialog', (d) => {
      errors.push(`a browser dialog opened: ${d.type()} "${d.message()}"`);
      void d.dismiss();
    });

    // A new Proposal document: its proposal is there, a draft that says a deadline is needed.
    await newDocument(a, 'proposal');
    const proposal = a.locator('.mb-frame[data-kind=proposal]');
    await proposal.waitFor();
    expect(await proposal.count()).toBe(1);
    expect(await proposal.locator('.mb-status').textContent()).toBe('Draft');
    expect(await proposal.getByTestId('deadline-hint').textContent()).toMatch(/No deadline yet/);
    await proposal.scrollIntoViewIfNeeded();
    await shot(a, 'polish-proposal-document');

    // Links: Ctrl+K asks in a field under the toolbar; an unsafe address is refused in words.
    await a.goto(`${server.url}/w/${workspaceId}`);
    await newDocument(a, 'page');
    await a.locator('.m-content').click();
    await a.keyboard.type('The food bank');
    await a.keyboard.press('Shift+Home');
    await a.keyboard.press('Control+k');
    const field = a.getByLabel('Link address');
    await field.waitFor();
    await expect.poll(() => field.evaluate((el) => el === document.activeElement)).toBe(true);
    await field.fill('javascript:alert(1)');
    await field.press('Enter');
    await a.getByRole('alert').getByText(/cannot be a link/).waitFor();
    await shot(a, 'polish-link-field');
    await field.fill('foodbank.example.org');
    await field.press('Enter');
    await field.waitFor({ state: 'detached' });
    await expect.poll(() => a.locator('.m-content a').getAttribute('href')).toBe('https://foodbank.example.org/');
    expect(await a.locator('.m-content a').textContent()).toBe('The food bank');

    // Needs: no category is chosen for you; Clothing is offered; "Other" comes last.
    await a.goto(`${server.url}/w/${workspaceId}`);
    await newDocument(a, 'needs');
    await a.getByRole('button', { name: 'Add an ask' }).click();
    const category = a.locator('form.need-form').getByLabel('Category', { exact: true });
    expect(await category.inputValue()).toBe('');
    const labels = await category.locator('option').allTextContents();
    expect(labels[0]).toBe('Choose a category…');
    expect(labels).toContain('Clothing');
    expect(labels[labels.length - 1]).toBe('New category…');
    expect(labels[labels.length - 2]).toBe('Other');
    await shot(a, 'polish-needs-form');
    expect(errors).toEqual([]);
  });

  it('Workload cards keep their dates inside; the phone tab strip shows it scrolls; the current item reads right', async () => {
    const devA = await newDevice(browser);
    const { page: a, workspaceId } = await createWorkspace(devA, server.url, 'Northside Tenants', 'Ana');
    const errors = watchErrors(a, 'A');

    // A claimed task with a long title and a due date, on the Workload page at 1280 px.
    await newDocument(a, 'page');
    await a.locator('.m-content').click();
    await a.keyboard.type('/task');
    await a.keyboard.press('Enter');
    const task = a.locator('.mb-frame[data-kind=task]');
    await task.getByLabel('Task title').fill('Phone every tenant on the third floor about the heating repairs');
    await task.getByLabel('Task title').press('Tab');
    await task.locator('summary', { hasText: 'Due date' }).click();
    await task.getByLabel('Due').fill('2031-12-03');
    await task.getByRole('button', { name: 'Claim' }).click();
    await task.getByText('Claimed by').waitFor();
    await a.goto(`${server.url}/w/${workspaceId}/work`);
    const card = a.locator('[data-testid^="workload-"]').filter({ hasText: 'Ana' });
    const due = card.locator('.claims span', { hasText: /due/ });
    await due.waitFor({ timeout: 15_000 });
    const [cardBox, dueBox] = [(await card.boundingBox())!, (await due.boundingBox())!];
    expect(dueBox.x + dueBox.width).toBeLessThanOrEqual(cardBox.x + cardBox.width);
    await shot(a, 'polish-workload-desktop');

    // The current agenda item: its "Now" badge clear of the "Agenda item" label; timebox in ink.
    await a.goto(`${server.url}/w/${workspaceId}`);
    await newDocument(a, 'agenda');
    await a.getByTestId('meeting-bar').getByRole('button', { name: 'Start meeting' }).click();
    const current = a.locator('.mb-frame[data-kind=agenda]', { has: a.getByTestId('agenda-now') });
    await current.waitFor();
    expect(await overlap(current.getByTestId('agenda-now'), current.locator('.mb-kind'))).toBe(false);
    const colours = await current.evaluate((el) => ({
      value: getComputedStyle(el.querySelector('.ag-minutes')!).color,
      text: getComputedStyle(el.querySelector('input.mb-title')!).color
    }));
    expect(colours.value).toBe(colours.text);
    await current.scrollIntoViewIfNeeded();
    await shot(a, 'polish-agenda-current-desktop');

    // The phone's tab strip: a sign that more tabs are to the right, gone once scrolled there.
    const devP = await phone(browser);
    const { page: pw } = await createWorkspace(devP, server.url, 'Phone Group', 'Pat');
    const pErrors = watchErrors(pw, 'phone');
    const tabs = pw.getByTestId('tabs');
    await expect.poll(() => tabs.getAttribute('data-more-right')).toBe('true');
    expect(await tabs.locator('.more-tabs.right').isVisible()).toBe(true);
    await shot(pw, 'polish-tabs-phone');
    await tabs.locator('nav').evaluate((el) => el.scrollTo({ left: el.scrollWidth }));
    await expect.poll(() => tabs.getAttribute('data-more-right')).toBe('false');
    expect(await tabs.getAttribute('data-more-left')).toBe('true');
    expect([...errors, ...pErrors]).toEqual([]);
  });
});

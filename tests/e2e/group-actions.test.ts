/**
 * Issue 16, must fix 3: one tap must not change things for the whole group. "End meeting"
 * (any editor can press it, next to "Add item") and "Close now and decide" on a proposal ask
 * first, in an accessible dialog that says in plain words what happens for everyone; Cancel
 * (or Escape) changes nothing; afterwards everyone sees who did it.
 */
import { describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { newDevice, shot, type RunningServer } from './harness';
import { caretAtEndOf, createWorkspace, join, newDocument, watchErrors } from './app-flow';
import { useServerAndBrowser } from './setup';

let server: RunningServer;
let browser: Browser;
useServerAndBrowser((s, b) => ([server, browser] = [s, b]));

/** The open confirmation dialog of `page` (a modal dialog with an accessible name). */
function confirmDialog(page: Page): Locator {
  return page.getByRole('dialog');
}

/** The dialog is modal, named, describes itself and holds the keyboard focus. */
async function expectAccessibleDialog(dialog: Locator): Promise<void> {
  await dialog.waitFor();
  const facts = await dialog.evaluate((el) => {
    const labelled = el.getAttribute('aria-labelledby');
    const described = el.getAttribute('aria-describedby');
    return {
      modal: el instanceof HTMLDialogElement ? el.matches(':modal') : el.getAttribute('aria-modal') === 'true',
      name: labelled ? (document.getElementById(labelled)?.textContent ?? '').trim() : (el.getAttribute('aria-label') ?? ''),
      description: described ? (document.getElementById(described)?.textContent ?? '').trim() : '',
      focusInside: el.contains(document.activeElement)
    };
  });
  expect(facts.modal).toBe(true);
  expect(facts.name).not.toBe('');
  expect(facts.description).not.toBe('');
  expect(facts.focusInside).toBe(true);
}

describe('group-wide actions ask first', () => {
  it('"End meeting" and "Close now and decide" ask, say what happens for everyone, and show who did it', async () => {
    const devA = await newDevice(browser);
    const devB = await newDevice(browser);
    const { page: a, editorInvite, workspaceId } = await createWorkspace(devA, server.url, 'Eastside Mutual Aid', 'Ana');
    const b = await join(devB, editorInvite, 'Ben');
    const errors = [...watchErrors(a, 'A'), ...watchErrors(b, 'B')];
    await a.getByText('Ben', { exact: true }).waitFor({ timeout: 15_000 });

    // Ana starts a meeting; Ben (an editor, not the facilitator) follows it.
    const docId = await newDocument(a, 'agenda');
    const barA = a.getByTestId('meeting-bar');
    await barA.getByRole('button', { name: 'Start meeting' }).click();
    await a.getByTestId('current-item').waitFor();
    await b.goto(`${server.url}/w/${workspaceId}/d/${docId}`);
    const barB = b.getByTestId('meeting-bar');
    await b.getByTestId('current-item').waitFor({ timeout: 15_000 });

    // Ben taps "End meeting": nothing ends yet, he is asked first, in plain words.
    await barB.getByRole('button', { name: 'End meeting' }).click();
    const askB = confirmDialog(b);
    await expectAccessibleDialog(askB);
    expect(await askB.textContent()).toMatch(/everyone/i);
    await shot(b, 'group-actions-end-meeting-ask');
    await askB.getByRole('button', { name: 'Cancel' }).click();
    await askB.waitFor({ state: 'hidden' });
    // Still running, on his screen and Ana's.
    expect(await barB.getAttribute('data-status')).toBe('running');
    expect(await barA.getAttribute('data-status')).toBe('running');

    // Escape also leaves everything as it was.
    await barB.getByRole('button', { name: 'End meeting' }).click();
    await askB.waitFor();
    await b.keyboard.press('Escape');
    await askB.waitFor({ state: 'hidden' });
    expect(await barB.getAttribute('data-status')).toBe('running');

    // Confirmed: the meeting ends for everyone, and Ana sees that Ben ended it.
    await barB.getByRole('button', { name: 'End meeting' }).click();
    await askB.getByRole('button', { name: /End the meeting/ }).click();
    await expect.poll(() => barA.getAttribute('data-status'), { timeout: 15_000 }).toBe('ended');
    await expect.poll(() => barA.textContent(), { timeout: 15_000 }).toMatch(/ended by Ben/);
    await shot(a, 'group-actions-meeting-ended-by');

    // A proposal in the agenda: "Close now and decide" asks too, naming who has not voted.
    await caretAtEndOf(a, 'Date, place, who hosts.');
    await a.keyboard.press('Enter');
    await a.keyboard.type('/propo');
    await a.keyboard.press('Enter');
    const proposal = a.locator('.mb-frame[data-kind=proposal]');
    await proposal.getByLabel('Proposal title').fill('Buy a chest freezer');
    await proposal.getByLabel('Proposal title').press('Tab');
    await proposal.getByRole('button', { name: 'Tomorrow' }).click();
    await proposal.getByRole('button', { name: 'Open for decision' }).click();
    await proposal.getByRole('radio', { name: 'Consent' }).check();
    await proposal.getByRole('button', { name: 'Cast ballot' }).click();
    await proposal.getByText('Your ballot is cast.').waitFor();

    await proposal.getByRole('button', { name: 'Close now and decide' }).click();
    const askA = confirmDialog(a);
    await expectAccessibleDialog(askA);
    const words = (await askA.textContent()) ?? '';
    expect(words).toMatch(/everyone/i);
    expect(words).toContain('Ben'); // who has not voted yet, and will not be able to
    await shot(a, 'group-actions-close-proposal-ask');
    await askA.getByRole('button', { name: 'Cancel' }).click();
    await askA.waitFor({ state: 'hidden' });
    expect(await proposal.locator('.mb-status').textContent()).toBe('Open for decision');

    await proposal.getByRole('button', { name: 'Close now and decide' }).click();
    await askA.getByRole('button', { name: /Close (it )?now/ }).click();
    await expect.poll(() => proposal.locator('.mb-status').textContent(), { timeout: 10_000 }).toBe('Decided');
    // Ben sees the decision, and who closed it.
    const proposalB = b.locator('.mb-frame[data-kind=proposal]');
    await expect.poll(() => proposalB.locator('.mb-status').textContent(), { timeout: 15_000 }).toBe('Decided');
    expect(await proposalB.locator('.mp-outcome').textContent()).toContain('by Ana');
    expect(errors).toEqual([]);
  });
});

/**
 * Keyboard only: create a workspace and a document, insert a proposal with the slash menu,
 * open it and cast a ballot, claim a task, run the meeting timer and move to the next item —
 * with Tab, Shift+Tab, Enter, Space and typing; never the mouse. After every key the focus
 * is on an element (never <body>: lost) and that element shows a focus indicator.
 */
import { describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { type RunningServer } from './harness';
import { watchErrors } from './app-flow';
import { useServerAndBrowser } from './setup';

let server: RunningServer;
let browser: Browser;
useServerAndBrowser((s, b) => ([server, browser] = [s, b]));

/**
 * Where the focus is and whether it can be seen: an outline or a box-shadow ring on the
 * element, or (text fields, the editor) a caret in it. 'lost' when it is on <body>.
 */
function focusState(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    const describe = (e: HTMLElement) => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\s+/).join('.') : ''} "${(e.getAttribute('aria-label') ?? e.textContent ?? '').trim().slice(0, 40)}"`;
    if (!el || el === document.body || el === document.documentElement) {
      // Which element had it last (recorded by the page's init script), and is it still there?
      const last = (window as unknown as { __lastFocused?: HTMLElement }).__lastFocused;
      return last ? `lost (last: ${describe(last)}${last.isConnected ? ', still in the page' : ', removed'}${(last as HTMLButtonElement).disabled ? ', disabled' : ''})` : 'lost';
    }
    const name = describe(el);
    const visible = (e: Element) => {
      const cs = getComputedStyle(e);
      return (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2) || (cs.boxShadow !== 'none' && cs.boxShadow !== '');
    };
    // Text fields show a caret; date and time fields highlight the focused part (day, hour…).
    const caret = el.isContentEditable || el.tagName === 'TEXTAREA' || (el.tagName === 'INPUT' && /^(text|search|email|url|number|tel|password|date|time|datetime-local|)$/.test((el as HTMLInputElement).type));
    // A visually hidden radio or checkbox shows its focus on the label's visible part.
    const shown = visible(el) || (el.tagName === 'INPUT' && !!el.nextElementSibling && visible(el.nextElementSibling));
    if (!shown && !caret) {
      const cs = getComputedStyle(el);
      return `invisible: ${name} (outline ${cs.outlineStyle} ${cs.outlineWidth}, box-shadow ${cs.boxShadow}, :focus ${el.matches(':focus')})`;
    }
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return `hidden: ${name}`;
    return `ok: ${name}`;
  });
}

/** The focus settles on a visible element (a replaced button hands it on after its update has run). */
async function expectFocusOk(page: Page, after: string): Promise<void> {
  await expect.poll(() => focusState(page), { timeout: 3_000, message: `focus after ${after}` }).toMatch(/^ok/);
}

/** Press a key, then check the focus is kept and visible. */
async function press(page: Page, key: string): Promise<void> {
  await page.keyboard.press(key);
  await expectFocusOk(page, key);
}

/** Tab (or Shift+Tab) until `target` has the focus, checking the focus at every step. */
async function tabTo(page: Page, target: Locator, backwards = false): Promise<void> {
  await target.first().waitFor({ state: 'attached' });
  for (let i = 0; i < 120; i++) {
    if (await target.first().evaluate((el) => el === document.activeElement)) return;
    await press(page, backwards ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`never reached ${target} with the keyboard`);
}

/** Tab to `target` and press Enter (or another key) on it. */
async function activate(page: Page, target: Locator, key = 'Enter', backwards = false): Promise<void> {
  await tabTo(page, target, backwards);
  await press(page, key);
}

/**
 * Tab to a control that opens another page and press Enter. A new page starts as after a
 * page load: focus at its start (SvelteKit resets it to <body> and announces the page), so
 * the next Tab goes to the page's first control — which must show its focus.
 */
async function navigate(page: Page, target: Locator): Promise<void> {
  const before = page.url();
  await tabTo(page, target);
  await page.keyboard.press('Enter');
  await page.waitForURL((url) => url.href !== before);
  await page.locator('main').first().waitFor();
  await expect.poll(() => page.evaluate(() => document.activeElement === document.body)).toBe(true);
  await press(page, 'Tab');
}

describe('keyboard only', () => {
  it('creates a document, decides a proposal, claims a task and runs a meeting without the mouse', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    // Remember the last element that had the focus, so a lost focus says where it was lost.
    await ctx.addInitScript(() => document.addEventListener('focusin', (e) => ((window as unknown as { __lastFocused?: EventTarget | null }).__lastFocused = e.target), true));
    const page = await ctx.newPage();
    const errors = watchErrors(page, 'A');
    await page.goto(`${server.url}/`);
    await page.getByLabel('Workspace name').waitFor();

    // A workspace.
    await tabTo(page, page.getByLabel('Workspace name'));
    await page.keyboard.type('Keyboard Collective');
    await tabTo(page, page.getByLabel('Your name'));
    await page.keyboard.type('Kai');
    await page.keyboard.press('Enter'); // creates it and opens it (a new page)
    await page.waitForURL(/\/w\/[A-Za-z0-9_-]+\?welcome=1/);
    const ws = new URL(page.url()).pathname;
    await page.goto(`${server.url}${ws}`);
    await page.locator('main h1').first().waitFor();

    // A document; a proposal from the slash menu.
    await navigate(page, page.getByTestId('new-page'));
    await page.waitForURL(/\/d\/[A-Za-z0-9_-]+$/);
    await page.locator('.m-content').waitFor();
    await tabTo(page, page.locator('.m-content'));
    await page.keyboard.type('Spring clean-up');
    await press(page, 'Enter');
    await page.keyboard.type('/proposal');
    await page.locator('#slash-item-proposal').waitFor();
    await press(page, 'Enter');
    const proposal = page.locator('.mb-frame[data-kind=proposal]');
    await proposal.waitFor();
    await tabTo(page, proposal.getByLabel('Proposal title'));
    await page.keyboard.press('Control+a');
    await page.keyboard.type('Hire a skip');
    await activate(page, proposal.getByRole('button', { name: 'In a week' }));
    await proposal.getByText('Ballots can be cast until then').waitFor();
    await activate(page, proposal.getByRole('button', { name: 'Open for decision' }));
    await expect.poll(() => proposal.locator('.mb-status').textContent()).toBe('Open for decision');
    await activate(page, proposal.getByRole('radio', { name: 'Consent' }), 'Space');
    expect(await proposal.getByRole('radio', { name: 'Consent' }).isChecked()).toBe(true);
    await activate(page, proposal.getByRole('button', { name: 'Cast ballot' }));
    await proposal.getByText('Your ballot is cast.').waitFor();

    // A task after the proposal: insert it, claim it.
    await tabTo(page, page.locator('.m-content'), true);
    await page.keyboard.press('Control+End');
    await page.keyboard.type('/task');
    await page.locator('#slash-item-task').waitFor();
    await press(page, 'Enter');
    const task = page.locator('.mb-frame[data-kind=task]');
    await task.waitFor();
    await activate(page, task.getByRole('button', { name: 'Claim' }));
    await expect.poll(() => task.getByTestId('task-status').textContent()).toContain('Claimed by you');

    // A meeting: start the timer, go to the next item.
    await page.goto(`${server.url}${ws}`);
    await page.locator('main h1').first().waitFor();
    await activate(page, page.getByRole('button', { name: 'New document' }));
    await navigate(page, page.getByTestId('new-agenda'));
    await page.waitForURL(/\/d\/[A-Za-z0-9_-]+$/);
    const bar = page.getByTestId('meeting-bar');
    await page.getByTestId('agenda-item').first().waitFor();
    const items = await page.getByTestId('agenda-item').count();
    await activate(page, bar.getByRole('button', { name: 'Add item' }));
    await expect.poll(() => page.getByTestId('agenda-item').count()).toBe(items + 1);
    await page.keyboard.type('Saturday rota');
    await press(page, 'Tab');
    await activate(page, bar.getByRole('button', { name: 'Start meeting' }), 'Enter', true);
    await page.getByTestId('countdown').waitFor();
    const first = await page.getByTestId('current-item').textContent();
    await activate(page, bar.getByRole('button', { name: 'Next item' }));
    await expect.poll(() => page.getByTestId('current-item').textContent()).not.toBe(first);
    await expectFocusOk(page, 'Next item');
    expect(errors).toEqual([]);
    await ctx.close();
  });
});

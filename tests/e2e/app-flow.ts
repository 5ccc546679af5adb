/**
 * Steps through the real app that several browser tests share: create a workspace, join
 * with an invite link, create and open documents.
 */
import { expect } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';

export interface Created {
  page: Page;
  workspaceId: string;
  editorInvite: string;
  viewerInvite: string;
}

/** Collect page errors so a test can assert none happened. */
export function watchErrors(page: Page, label: string): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`${label}: ${e.message}`));
  return errors;
}

/** Wait until the service worker controls the page (its shell and assets are cached by then). */
export async function waitForServiceWorker(page: Page): Promise<void> {
  await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller), { timeout: 30_000 }).toBe(true);
}

/** Create a workspace on `/` and return its invite links (shown once to the creator). */
export async function createWorkspace(ctx: BrowserContext, base: string, name: string, memberName: string): Promise<Created> {
  const page = await ctx.newPage();
  await page.goto(`${base}/`);
  await page.getByLabel('Workspace name').fill(name);
  await page.getByLabel('Your name').fill(memberName);
  await page.getByRole('button', { name: 'Create workspace' }).click();
  await page.waitForURL(/\/w\/[A-Za-z0-9_-]+\?welcome=1/);
  const workspaceId = new URL(page.url()).pathname.split('/')[2]!;
  const editorInvite = await page.getByTestId('invite-editor').inputValue();
  const viewerInvite = await page.getByTestId('invite-viewer').inputValue();
  expect(editorInvite).toContain(`/join/${workspaceId}#`);
  return { page, workspaceId, editorInvite, viewerInvite };
}

/** The join form's words in a device's language (English unless given). */
export const SPANISH_JOIN = { yourName: 'Tu nombre', join: 'Unirme' };

/** Open an invite link, type a name, press Join; lands on the workspace page. */
export async function join(ctx: BrowserContext, invite: string, name: string, words = { yourName: 'Your name', join: 'Join' }): Promise<Page> {
  const page = await ctx.newPage();
  await page.goto(invite);
  await page.getByLabel(words.yourName).fill(name);
  await page.getByRole('button', { name: words.join }).click();
  await page.waitForURL(/\/w\/[A-Za-z0-9_-]+$/);
  return page;
}

/** An English laptop and a Spanish phone (issue 21's two readers). */
export async function twoLanguages(browser: Browser): Promise<{ english: BrowserContext; spanish: BrowserContext }> {
  const english = await browser.newContext({ viewport: { width: 1280, height: 860 }, deviceScaleFactor: 1, locale: 'en-US' });
  const spanish = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, locale: 'es-ES' });
  return { english, spanish };
}

/** Create a document of `kind` from the workspace page; returns its id (the page is now on it). */
export async function newDocument(page: Page, kind: 'agenda' | 'proposal' | 'needs' | 'page'): Promise<string> {
  // An empty workspace shows the four kinds as big buttons; otherwise they are in "New document".
  const direct = page.getByTestId(`new-${kind}`);
  const menu = page.getByRole('button', { name: 'New document' });
  await direct.or(menu).first().waitFor();
  if (!(await direct.isVisible())) await menu.click();
  await direct.click();
  await page.waitForURL(/\/d\/[A-Za-z0-9_-]+$/);
  await page.locator('.m-content').waitFor();
  return new URL(page.url()).pathname.split('/').pop()!;
}

/** Text of the editor on `page`. */
export function editorText(page: Page): Promise<string> {
  return page.locator('.m-content').innerText();
}

/** Wait until the editor on `page` contains `text`. */
export async function waitForText(page: Page, text: string, timeout = 15_000): Promise<void> {
  await page.locator('.m-content', { hasText: text }).waitFor({ timeout });
}

/**
 * Put the caret at the end of the text by clicking its last paragraph — never a block's inputs,
 * which a click in the middle of a page holding blocks can land on.
 */
export async function caretAfterText(page: Page): Promise<void> {
  await page.locator('.m-content > :not(.m-block)').last().click();
  await page.keyboard.press('Control+End');
}

/** Add a task through the slash menu and give it a title. */
export async function addTask(page: Page, title: string): Promise<void> {
  const before = await page.getByLabel('Task title').count();
  await caretAfterText(page);
  await page.keyboard.type('/task');
  await page.locator('#slash-item-task').waitFor();
  await page.keyboard.press('Enter');
  const input = page.getByLabel('Task title').nth(before);
  await input.waitFor();
  await input.fill(title);
  await input.evaluate((el) => (el as HTMLInputElement).blur());
}

/** The task block titled `title`. */
export function taskBlock(page: Page, title: string) {
  return page.locator(`.mb-frame[data-kind="task"]:has(.mb-head[data-title="${title}"])`);
}

/** Wait until the document page says every change is synced. */
export async function waitSynced(page: Page): Promise<void> {
  await expect.poll(() => page.getByTestId('doc-status').textContent(), { timeout: 15_000 }).toBe('All changes synced');
}

/**
 * A new page with `text` typed in, synced, and this app's service worker in control: the
 * state a device must reach before its network goes (offline, or a deploy, reloads from the
 * worker). Returns the document's id.
 */
export async function typedPageReadyForOffline(page: Page, text: string): Promise<string> {
  const docId = await newDocument(page, 'page');
  await caretAfterText(page);
  await page.keyboard.type(text);
  await waitSynced(page);
  await waitForServiceWorker(page);
  return docId;
}

/** The workspace id of the page's address (`/w/<id>/…`). */
export const workspaceOf = (page: Page): string => new URL(page.url()).pathname.split('/')[2]!;

/** Put the caret at the end of the document. */
export async function caretToEnd(page: Page): Promise<void> {
  await page.locator('.m-content').click();
  await page.keyboard.press('Control+End');
}

/**
 * Put the caret at the end of the paragraph holding `text` (a click in the middle of the
 * whole text can land on a block's controls, e.g. an agenda item's selects).
 */
export async function caretAtEndOf(page: Page, text: string): Promise<void> {
  const paragraph = page.locator('.m-content p', { hasText: text }).last();
  await paragraph.scrollIntoViewIfNeeded();
  // Click right of the text (the paragraph spans the page): the caret lands at its end.
  const box = (await paragraph.boundingBox())!;
  await paragraph.click({ position: { x: box.width - 4, y: box.height / 2 } });
  await page.keyboard.press('End');
}

/**
 * @mentions in a document's text as two people use them (issue 22): Ana, on a phone, types "@"
 * and part of a name and picks Ben with the keyboard; Ben sees the mention live in the text,
 * it is in his "What needs me", it shows his new name as soon as he renames himself (search
 * finds it under the new name too), and it leaves "What needs me" once he opens the document at it.
 */
import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { newDevice, shot, type RunningServer } from './harness';
import { caretToEnd, createWorkspace, join, newDocument, waitForText, watchErrors } from './app-flow';
import { useServerAndBrowser } from './setup';

let server: RunningServer;
let browser: Browser;
useServerAndBrowser((s, b) => ([server, browser] = [s, b]));

const mentions = (page: Page) => page.locator('.m-content .m-mention');
const options = (page: Page) => page.locator('#mention-menu [role="option"]');
const searchDialog = (page: Page) => page.getByTestId('search-dialog');

/** Search every document from the workspace's bar; the first hit's highlighted words. */
async function searchFor(page: Page, words: string): Promise<string[]> {
  await page.getByTestId('open-search').click();
  await searchDialog(page).getByRole('searchbox', { name: 'Search every document' }).fill(words);
  const hit = searchDialog(page).getByTestId('search-hit').first();
  await hit.waitFor({ timeout: 15_000 });
  const marked = await hit.locator('mark').allTextContents();
  await page.keyboard.press('Escape');
  await searchDialog(page).waitFor({ state: 'detached' });
  return marked;
}

describe('mentions in the text', () => {
  it('a member picked with "@" and the keyboard is told, sees it live under their current name, until they open it', async () => {
    const devA = await newDevice(browser, 'phone');
    const devB = await newDevice(browser);
    const { page: a, workspaceId, editorInvite } = await createWorkspace(devA, server.url, 'Food Bank', 'Ana');
    const errors = watchErrors(a, 'A');
    const b = await join(devB, editorInvite, 'Ben');
    errors.push(...watchErrors(b, 'B'));
    await a.goto(`${server.url}/w/${workspaceId}`);
    const docId = await newDocument(a, 'page');
    await caretToEnd(a);
    await a.keyboard.type('Can ');
    await expect.poll(() => a.getByTestId('doc-status').textContent(), { timeout: 15_000 }).toBe('All changes synced');
    // Ben has the document open in a second tab (so he sees the mention arrive).
    const bDoc = await devB.newPage();
    errors.push(...watchErrors(bDoc, 'B (document)'));
    await bDoc.goto(`${server.url}/w/${workspaceId}/d/${docId}`);
    await waitForText(bDoc, 'Can');

    // "@" opens the picker of members; the text stays focused and follows the highlighted one.
    await a.keyboard.type('@');
    await expect.poll(() => options(a).allTextContents(), { timeout: 15_000 }).toEqual(['Ana', 'Ben']);
    const box = await a.locator('#mention-menu').boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= 390).toBe(true);
    await shot(a, 'mention-picker-phone');
    await a.keyboard.press('ArrowDown');
    expect(await a.locator('#mention-menu [aria-selected="true"]').textContent()).toContain('Ben');
    expect(await a.locator('.m-content').getAttribute('aria-activedescendant')).toMatch(/^mention-item-/);
    expect(await a.locator('.m-content').getAttribute('aria-controls')).toBe('mention-menu');
    await a.keyboard.press('Escape');
    await expect.poll(() => options(a).count()).toBe(0);
    // Part of a name narrows it; Up wraps round the one left; Tab picks.
    await a.keyboard.press('Backspace');
    await a.keyboard.type('@be');
    await expect.poll(() => options(a).allTextContents()).toEqual(['Ben']);
    await a.keyboard.press('ArrowUp');
    await a.keyboard.press('Tab');
    await a.keyboard.type('bring the urn?');
    await expect.poll(() => mentions(a).allTextContents()).toEqual(['@Ben']);
    await waitForText(a, 'Can @Ben bring the urn?');
    await shot(a, 'mention-in-text-phone');

    // Ben sees it live in the text, and in "What needs me".
    await expect.poll(() => mentions(bDoc).allTextContents(), { timeout: 15_000 }).toEqual(['@Ben']);
    await waitForText(bDoc, 'Can @Ben bring the urn?');
    // (A page opened now: a tab's library hears of changes to the documents that tab holds.)
    await b.goto(`${server.url}/w/${workspaceId}/me`);
    const link = b.getByTestId('my-mentions').getByRole('link', { name: 'Ana mentioned you' });
    await link.waitFor({ timeout: 15_000 });
    expect(await b.getByTestId('my-mentions').textContent()).toContain('Can @Ben bring the urn?');

    // Ana's search finds the mention under his name.
    expect(await searchFor(a, 'ben urn')).toEqual(['Ben', 'urn']);

    // Ben renames himself: every mention shows his new name, on both devices.
    await b.goto(`${server.url}/w/${workspaceId}`);
    await b.locator('#profile-name').fill('Benito');
    await b.locator('#profile').getByRole('button', { name: 'Save' }).click();
    for (const page of [a, bDoc]) await expect.poll(() => mentions(page).allTextContents(), { timeout: 15_000 }).toEqual(['@Benito']);
    // …and so do the names of who is here (a presence keeps the name it was announced with).
    await expect.poll(() => bDoc.locator('.m-presence-name').allTextContents()).toEqual(['Benito (you)', 'Ana']);
    await expect.poll(() => a.locator('.m-presence-name').allTextContents()).toContain('Benito');
    // …and the label of his cursor on Ana's screen: the relay stamps the presence of his open
    // page with his new name from the rename on (that page connected as "Ben").
    await caretToEnd(bDoc);
    await expect.poll(() => a.locator('.m-cursor-name').allTextContents(), { timeout: 15_000 }).toEqual(['Benito']);
    await shot(a, 'mention-renamed-cursor');
    await shot(bDoc, 'mention-renamed-desktop');
    // Ana's search, whose index was built before the rename, finds it under the new name.
    expect(await searchFor(a, 'benito')).toEqual(['Benito']);
    await b.goto(`${server.url}/w/${workspaceId}/me`);
    await expect.poll(() => b.getByTestId('my-mentions').textContent(), { timeout: 15_000 }).toContain('Can @Benito bring the urn?');
    await shot(b, 'mention-what-needs-me');

    // Opening the document at it: it is no longer waiting for him.
    await b.getByTestId('my-mentions').getByRole('link', { name: 'Ana mentioned you' }).click();
    await b.waitForURL(new RegExp(`/d/${docId}\\?at=p0`));
    await waitForText(b, 'Can @Benito bring the urn?');
    await b.getByRole('link', { name: 'My work' }).click();
    await b.getByRole('heading', { name: 'My work' }).waitFor();
    expect(await b.getByTestId('my-mentions').count()).toBe(0);
    expect(errors).toEqual([]);
  });
});

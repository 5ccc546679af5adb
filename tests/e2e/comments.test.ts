/**
 * Comments as two people use them (issue 22): Ana comments on words of a sentence while Ben
 * is typing in it; both see the thread anchored on the same words; Ben replies offline and
 * his reply merges with Ana's; only the author of a comment is offered to edit or delete it;
 * the list of documents counts open threads; a mention made with the member picker shows in the
 * mentioned member's "What needs me" until they open it.
 */
import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { newDevice, shot, type RunningServer } from './harness';
import { caretAtEndOf, caretToEnd, createWorkspace, join, newDocument, waitForText, watchErrors } from './app-flow';
import { useServerAndBrowser } from './setup';

let server: RunningServer;
let browser: Browser;
useServerAndBrowser((s, b) => ([server, browser] = [s, b]));

const SENTENCE = 'We pay the April rent on Monday.';
const messages = (page: Page) => page.getByTestId('comment-thread').first().getByTestId('comment-message');

describe('comments on a document', () => {
  it('anchors a comment while another person edits the sentence, merges replies made offline, counts open threads', async () => {
    const devA = await newDevice(browser);
    const devB = await newDevice(browser);
    const { page: a, workspaceId, editorInvite } = await createWorkspace(devA, server.url, 'Tenants Union', 'Ana');
    const errors = watchErrors(a, 'A');
    const docId = await newDocument(a, 'page');
    await caretToEnd(a);
    await a.keyboard.type(SENTENCE);
    await expect.poll(() => a.getByTestId('doc-status').textContent(), { timeout: 15_000 }).toBe('All changes synced');

    const b = await join(devB, editorInvite, 'Ben');
    errors.push(...watchErrors(b, 'B'));
    await b.goto(`${server.url}/w/${workspaceId}/d/${docId}`);
    await waitForText(b, SENTENCE);

    // Ana selects "April rent" (after "We pay the ").
    await caretAtEndOf(a, SENTENCE);
    await a.keyboard.press('Home');
    for (let i = 0; i < 'We pay the '.length; i++) await a.keyboard.press('ArrowRight');
    for (let i = 0; i < 'April rent'.length; i++) await a.keyboard.press('Shift+ArrowRight');
    // Ben types in the same sentence meanwhile, before and after the words.
    await caretAtEndOf(b, SENTENCE);
    await b.keyboard.press('Home');
    await b.keyboard.type('Note: ');
    await b.keyboard.press('End');
    await b.keyboard.type(' Or Tuesday.');
    await a.getByRole('button', { name: 'Comment', exact: true }).click();
    await a.getByLabel('Your comment').fill('Is this the full amount?');
    await a.getByTestId('new-comment').getByRole('button', { name: 'Comment' }).click();

    // Both see the same words anchored, with Ben's typing around them.
    for (const page of [a, b]) {
      await waitForText(page, 'Note: We pay the April rent on Monday. Or Tuesday.');
      await expect.poll(() => page.locator('.m-content mark.m-comment').allTextContents(), { timeout: 15_000 }).toEqual(['April rent']);
    }
    await b.locator('.m-content mark.m-comment').click();
    await expect.poll(() => messages(b).allTextContents()).toEqual([expect.stringContaining('Is this the full amount?')]);
    // Only the author may change a comment: Ben is offered no Edit or Delete on Ana's.
    expect(await messages(b).first().getByRole('button', { name: 'Edit' }).count()).toBe(0);
    await shot(a, 'comments-desktop');

    // Ben replies offline; Ana replies online; both replies arrive on both devices.
    await devB.setOffline(true);
    await b.getByLabel('Reply').fill('Yes, 850 in total');
    await b.getByRole('button', { name: 'Reply', exact: true }).click();
    expect(await a.getByTestId('comments-button').getAttribute('aria-expanded')).toBe('true'); // open since she commented
    await a.getByLabel('Reply').fill('Thanks, I will tell the others');
    await a.getByRole('button', { name: 'Reply', exact: true }).click();
    await expect.poll(() => messages(a).count()).toBe(2);
    await devB.setOffline(false);
    for (const page of [a, b]) {
      await expect.poll(() => messages(page).count(), { timeout: 30_000 }).toBe(3);
      const texts = await messages(page).allTextContents();
      expect(texts.some((t) => t.includes('Yes, 850 in total'))).toBe(true);
      expect(texts.some((t) => t.includes('Thanks, I will tell the others'))).toBe(true);
    }
    // Ana mentions Ben with the member picker (@, then Enter); it shows in Ben's "What needs me"
    // until he opens the thread.
    await a.getByLabel('Reply').click();
    await a.keyboard.type('@Be');
    await a.getByRole('option', { name: 'Ben' }).waitFor();
    await a.keyboard.press('Enter');
    await a.keyboard.type('please check the total');
    await a.getByRole('button', { name: 'Reply', exact: true }).click();
    await expect.poll(() => messages(a).last().locator('.mention').textContent()).toBe('@Ben');
    await b.getByRole('link', { name: 'My work' }).click();
    const mention = b.getByTestId('my-mentions').getByRole('link', { name: 'Ana mentioned you' });
    await mention.waitFor({ timeout: 15_000 });
    expect(await b.getByTestId('my-mentions').textContent()).toContain('@Ben please check the total');
    await shot(b, 'mentions-what-needs-me');
    await mention.click();
    await b.waitForURL(/\?thread=/);
    await expect.poll(() => messages(b).count()).toBe(4);
    await b.getByRole('link', { name: 'My work' }).click();
    await b.getByRole('heading', { name: 'My work' }).waitFor();
    expect(await b.getByTestId('my-mentions').count()).toBe(0);
    await b.goBack();
    await expect.poll(() => messages(b).count()).toBe(4);

    // Ben's own reply offers him Edit and Delete.
    const own = messages(b).filter({ hasText: 'Yes, 850 in total' });
    expect(await own.getByRole('button', { name: 'Edit' }).count()).toBe(1);
    await b.setViewportSize({ width: 390, height: 844 });
    await shot(b, 'comments-phone-sheet');

    // The list of documents counts the open thread (from this device's copy); once Ben resolves
    // it and the resolve reaches Ana's copy, the count goes.
    await a.getByRole('link', { name: /Tenants Union/ }).first().click();
    await expect.poll(() => a.getByTestId('comment-count').textContent(), { timeout: 15_000 }).toContain('1');
    // On the document's line: title, count, date and its menu side by side (the menu had wrapped below).
    const row = a.locator('li', { has: a.getByTestId('comment-count') });
    const middle = async (el: ReturnType<typeof row.locator>) => {
      const box = (await el.boundingBox())!;
      return box.y + box.height / 2;
    };
    const countMiddle = await middle(row.getByTestId('comment-count'));
    expect(Math.abs((await middle(row.getByRole('button', { name: /Actions for/ }))) - countMiddle)).toBeLessThan(8);
    expect(Math.abs((await middle(row.getByRole('link', { name: 'Untitled page' }))) - countMiddle)).toBeLessThan(8);
    await a.goBack();
    await waitForText(a, 'April rent');
    await b.getByRole('button', { name: 'Resolve' }).click();
    await expect.poll(() => a.getByTestId('comments-button').textContent(), { timeout: 15_000 }).toBe('Comments');
    await a.getByRole('link', { name: /Tenants Union/ }).first().click();
    await a.getByRole('link', { name: 'Untitled page' }).waitFor();
    expect(await a.getByTestId('comment-count').count()).toBe(0);
    expect(errors).toEqual([]);
  });
});

/**
 * Viewers' comments (issue 22), as people use them: an admin lets viewers comment (the app asks
 * first); a viewer on a 390 px phone starts a thread quoting words she selected and replies to
 * the admin's thread, and the admin sees both live; turned off, the viewer's composer goes at
 * once and the panel says why; a reply she wrote offline meanwhile is refused when she comes
 * back, and the app tells her in plain words which comment was not sent.
 */
import { describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { newDevice, shot, type RunningServer } from './harness';
import { caretAtEndOf, caretToEnd, createWorkspace, join, newDocument, waitForText, watchErrors } from './app-flow';
import { useServerAndBrowser } from './setup';

let server: RunningServer;
let browser: Browser;
useServerAndBrowser((s, b) => ([server, browser] = [s, b]));

const SENTENCE = 'We pay the April rent on Monday.';
const threads = (page: Page) => page.getByTestId('comment-thread');
const messagesOf = (page: Page, threadText: string) => threads(page).filter({ hasText: threadText }).getByTestId('comment-message');

/** The admin flips "Comments by viewers" on the workspace page, confirming in the dialog. */
async function setViewerComments(admin: Page, on: boolean): Promise<void> {
  const section = admin.getByTestId('viewer-comments-setting');
  const label = on ? 'Let viewers comment' : 'Stop viewers commenting';
  await section.getByRole('button', { name: label }).click();
  const dialog = admin.getByRole('dialog');
  await dialog.getByText(on ? /will be able to start comment threads/ : /will no longer be able to comment/).waitFor();
  await dialog.getByRole('button', { name: label }).click();
  await expect.poll(() => section.getByTestId('viewer-comments-state').textContent(), { timeout: 15_000 }).toBe(on ? 'Viewers may comment: they can start threads and reply, but never change the text.' : 'Viewers can read comments but not write them.');
}

/** Select `words` in the (read-only) text, as a finger would. */
async function selectWords(page: Page, words: string): Promise<void> {
  await page.evaluate((w) => {
    const root = document.querySelector('.m-content')!;
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const at = node.textContent!.indexOf(w);
      if (at < 0) continue;
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + w.length);
      document.getSelection()!.removeAllRanges();
      document.getSelection()!.addRange(range);
      return;
    }
    throw new Error(`"${w}" is not in the text`);
  }, words);
}

describe('comments by viewers', () => {
  it('an admin lets viewers comment; a viewer on a phone comments and replies, live; off again, the composer goes; an offline reply is refused and named', async () => {
    const devA = await newDevice(browser);
    const devC: BrowserContext = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, hasTouch: true, isMobile: true });
    const { page: a, workspaceId, viewerInvite } = await createWorkspace(devA, server.url, 'Tenants Union', 'Ana');
    const errors = watchErrors(a, 'A');
    const docId = await newDocument(a, 'page');
    await caretToEnd(a);
    await a.keyboard.type(SENTENCE);
    // Ana comments on "Monday".
    await caretAtEndOf(a, SENTENCE);
    await a.keyboard.press('ArrowLeft');
    for (let i = 0; i < 'Monday'.length; i++) await a.keyboard.press('Shift+ArrowLeft');
    await a.getByRole('button', { name: 'Comment', exact: true }).click();
    await a.getByLabel('Your comment').fill('Can we make it Tuesday?');
    await a.getByTestId('new-comment').getByRole('button', { name: 'Comment' }).click();
    await expect.poll(() => a.getByTestId('doc-status').textContent(), { timeout: 15_000 }).toBe('All changes synced');

    // Cleo joins as a viewer on her phone: she reads the thread, but may not comment yet.
    const c = await join(devC, viewerInvite, 'Cleo');
    errors.push(...watchErrors(c, 'C'));
    await c.goto(`${server.url}/w/${workspaceId}/d/${docId}`);
    await waitForText(c, SENTENCE);
    await c.getByTestId('comments-button').click();
    await expect.poll(() => messagesOf(c, 'Monday').allTextContents(), { timeout: 15_000 }).toEqual([expect.stringContaining('Can we make it Tuesday?')]);
    await c.getByTestId('viewers-read-only').waitFor();
    expect(await c.getByTestId('new-viewer-comment').count()).toBe(0);
    expect(await c.getByLabel('Reply').count()).toBe(0);
    await shot(c, 'viewer-comments-off-phone');

    // Ana lets viewers comment, from the workspace page in another tab.
    const settings = await devA.newPage();
    await settings.goto(`${server.url}/w/${workspaceId}`);
    await setViewerComments(settings, true);
    await shot(settings, 'viewer-comments-setting-desktop');

    // Cleo's panel offers her a composer at once; she quotes "April rent" and asks, then replies.
    await c.getByTestId('new-viewer-comment').waitFor({ timeout: 15_000 });
    await selectWords(c, 'April rent');
    await c.getByTestId('new-viewer-comment').tap();
    await expect.poll(() => c.getByTestId('new-comment').textContent()).toContain('About the words you selected: “April rent”');
    await c.getByTestId('new-comment').getByLabel('Your comment').fill('Is that 850 for everyone?');
    await c.getByTestId('new-comment').getByRole('button', { name: 'Comment' }).tap();
    await threads(c).filter({ hasText: 'Monday' }).getByLabel('Reply').fill('Tuesday works for me');
    await threads(c).filter({ hasText: 'Monday' }).getByRole('button', { name: 'Reply', exact: true }).tap();
    // She is offered no Resolve (viewers do not resolve threads) and the text stays read-only.
    expect(await c.getByRole('button', { name: 'Resolve' }).count()).toBe(0);
    await shot(c, 'viewer-comments-on-phone');

    // Ana sees both live, in her open panel.
    await expect.poll(() => messagesOf(a, 'April rent').allTextContents(), { timeout: 15_000 }).toEqual([expect.stringContaining('Is that 850 for everyone?')]);
    expect(await threads(a).filter({ hasText: 'April rent' }).textContent()).toContain('Quoted, not marked in the text');
    await expect.poll(() => messagesOf(a, 'Monday').count(), { timeout: 15_000 }).toBe(2);
    expect(await messagesOf(a, 'Monday').last().textContent()).toContain('Cleo');
    // Choosing Cleo's thread shows its quoted words in the text, which stays unmarked.
    await threads(a).filter({ hasText: 'April rent' }).getByRole('button', { name: /April rent/ }).click();
    await expect.poll(() => a.evaluate(() => {
          const words: string[] = [];
          // (The highlight registry is map-like: the tests' DOM types have no DOM.Iterable.)
          (CSS.highlights as unknown as Map<string, Set<Range>>).get('m-comment-quote')?.forEach((range) => words.push(String(range)));
          return words;
        })).toEqual(['April rent']);
    expect(await a.locator('.m-content mark', { hasText: 'April rent' }).count()).toBe(0);
    await shot(a, 'viewer-comments-editor-desktop');

    // Off again: Cleo's composer and reply box go, and the panel says why.
    await setViewerComments(settings, false);
    await c.getByTestId('viewers-read-only').waitFor({ timeout: 15_000 });
    expect(await c.getByTestId('new-viewer-comment').count()).toBe(0);
    expect(await c.getByLabel('Reply').count()).toBe(0);

    // On once more; Cleo replies offline; Ana turns it off before Cleo is back.
    await setViewerComments(settings, true);
    await c.getByTestId('new-viewer-comment').waitFor({ timeout: 15_000 });
    await devC.setOffline(true);
    await threads(c).filter({ hasText: 'Monday' }).getByLabel('Reply').fill('Written on the bus');
    await threads(c).filter({ hasText: 'Monday' }).getByRole('button', { name: 'Reply', exact: true }).tap();
    await expect.poll(() => messagesOf(c, 'Monday').count()).toBe(3);
    await setViewerComments(settings, false);
    await devC.setOffline(false);

    // Back online, the reply is refused: Cleo is told, and told which comment was not sent.
    const notSent = c.getByTestId('comments-not-sent');
    await notSent.waitFor({ timeout: 30_000 });
    expect(await notSent.textContent()).toContain('“Written on the bus”');
    expect(await notSent.textContent()).not.toContain('Tuesday works for me');
    expect(await c.getByRole('alert').first().textContent()).toContain('your comments were not sent');
    expect(await c.getByTestId('new-viewer-comment').count()).toBe(0);
    await shot(c, 'viewer-comments-not-sent-phone');
    // Nothing of it reached Ana.
    expect(await messagesOf(a, 'Monday').count()).toBe(2);
    expect(errors).toEqual([]);
  });
});

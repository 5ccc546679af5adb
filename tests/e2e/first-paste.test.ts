/**
 * Copy, cut and paste code loads after the first paint (issue 25): @lexical/clipboard and
 * @lexical/html are a script of their own, fetched at the first idle moment after the page
 * painted (src/lib/editor/clipboard-lazy.ts). A person whose first action is a paste or a cut
 * must lose nothing even when that script has not arrived yet: this test holds the script back
 * (as a slow network would), pastes rich HTML and plain text, cuts a word, and only then lets
 * the script through. Then, with it loaded, a copy and paste round-trips in the usual way.
 */
import { describe, expect, it } from 'vitest';
import type { Browser, Page, Route } from 'playwright-core';
import { shot, type RunningServer } from './harness';
import { createWorkspace, newDocument, waitForText, watchErrors } from './app-flow';
import { useServerAndBrowser } from './setup';
import { readModuleMap } from '../../scripts/route-closure.mjs';

let server: RunningServer;
let browser: Browser;
useServerAndBrowser((s, b) => ([server, browser] = [s, b]));

/** The built script holding @lexical/clipboard (from the build's module map). */
function clipboardScript(): string {
  const chunk = readModuleMap().chunks.find((c) => Object.keys(c.modules).some((id) => id.includes('@lexical/clipboard/')));
  if (!chunk) throw new Error('no chunk holds @lexical/clipboard');
  return chunk.file;
}

/** Dispatch a clipboard event on the editor as a browser does; returns what it left in the clipboard. */
function clipboardEvent(page: Page, type: 'paste' | 'cut' | 'copy', data: Record<string, string> = {}) {
  return page.locator('.m-content').evaluate(
    (el, [type, data]) => {
      const transfer = new DataTransfer();
      for (const [k, v] of Object.entries(data)) transfer.setData(k, v);
      el.dispatchEvent(new ClipboardEvent(type, { clipboardData: transfer, bubbles: true, cancelable: true }));
      return { plain: transfer.getData('text/plain'), html: transfer.getData('text/html') };
    },
    [type, data] as const
  );
}

/** Select the text `word` inside the editor. */
function selectWord(page: Page, word: string) {
  return page.locator('.m-content').evaluate((el, word) => {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const at = n.textContent!.indexOf(word);
      if (at < 0) continue;
      const range = document.createRange();
      range.setStart(n, at);
      range.setEnd(n, at + word.length);
      getSelection()!.removeAllRanges();
      getSelection()!.addRange(range);
      return;
    }
    throw new Error(`no ${word}`);
  }, word);
}

/**
 * Wait until the editor has taken the browser's caret as its own selection. Lexical reads the
 * browser's selection on `selectionchange`, which the browser fires a moment after a key moved
 * it; a paste dispatched before would land on the selection before the key (here: replace
 * "tins" instead of going after it). A person cannot paste that fast; a test can.
 */
async function editorCaret(page: Page): Promise<void> {
  await expect
    .poll(() =>
      page.locator('.m-content').evaluate((el) => {
        const editor = (el as unknown as { __lexicalEditor?: { getEditorState(): { _selection: { isCollapsed?: () => boolean } | null } } }).__lexicalEditor;
        const selection = editor?.getEditorState()._selection;
        return !!selection?.isCollapsed?.();
      })
    )
    .toBe(true);
}

describe('the first paste after opening a document', () => {
  it('pastes rich HTML and plain text before the clipboard code has arrived, losing nothing', async () => {
    // No service worker: the test holds the clipboard script back at the network, which a
    // worker answering from its cache would bypass.
    const dev = await browser.newContext({ viewport: { width: 1280, height: 860 }, deviceScaleFactor: 1, serviceWorkers: 'block' });
    const { page } = await createWorkspace(dev, server.url, 'Riverside Pantry', 'Ana');
    const errors = watchErrors(page, 'Ana');
    await newDocument(page, 'page');
    await page.getByTestId('doc-status').filter({ hasText: 'All changes synced' }).waitFor({ timeout: 15_000 });

    const script = clipboardScript();
    const held: Route[] = [];
    let requested = false;
    await page.route(`**/${script}`, (route) => {
      requested = true;
      held.push(route);
    });
    await page.reload();
    const content = page.locator('.m-content');
    await content.click();
    await page.keyboard.press('Control+End');
    await clipboardEvent(page, 'paste', { 'text/html': '<p>Rota for <b>Saturday</b> <a href="https://example.org/rota">here</a></p>', 'text/plain': 'Rota for Saturday here' });
    await clipboardEvent(page, 'paste', { 'text/plain': ' and bring bags' });
    // The script was asked for (at the first paste at the latest) and has not arrived.
    await expect.poll(() => requested).toBe(true);
    expect(await content.innerText()).not.toContain('Rota for');

    for (const route of held.splice(0)) await route.continue();
    await page.unroute(`**/${script}`);
    await waitForText(page, 'Rota for Saturday here and bring bags');
    await expect.poll(() => content.locator('strong, b', { hasText: 'Saturday' }).count()).toBe(1);
    expect(await content.locator('a', { hasText: 'here' }).getAttribute('href')).toBe('https://example.org/rota');
    await shot(page, 'first-paste-desktop');

    // Saved: the pasted text comes back after a reload.
    await page.getByTestId('doc-status').filter({ hasText: 'All changes synced' }).waitFor({ timeout: 15_000 });
    await page.reload();
    await waitForText(page, 'Rota for Saturday here and bring bags');
    expect(errors).toEqual([]);
    await dev.close();
  });

  it('cuts the selected words before the clipboard code has arrived, and copies and pastes once it has', async () => {
    const dev = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, serviceWorkers: 'block' });
    const { page } = await createWorkspace(dev, server.url, 'Riverside Pantry', 'Ana');
    const errors = watchErrors(page, 'Ana');
    await newDocument(page, 'page');
    const content = page.locator('.m-content');
    await content.click();
    await page.keyboard.type('Bring tins and bags');
    await page.getByTestId('doc-status').filter({ hasText: 'All changes synced' }).waitFor({ timeout: 15_000 });

    const script = clipboardScript();
    const held: Route[] = [];
    await page.route(`**/${script}`, (route) => void held.push(route));
    await page.reload();
    await waitForText(page, 'Bring tins and bags');
    await content.click();
    await selectWord(page, ' and bags');
    const cut = await clipboardEvent(page, 'cut');
    expect(cut.plain).toBe(' and bags');
    await expect.poll(() => content.innerText()).toBe('Bring tins');

    for (const route of held.splice(0)) await route.continue();
    await page.unroute(`**/${script}`);
    // Loaded now (the cut asked for it): a copy carries Lexical's own copy of the nodes.
    await selectWord(page, 'tins');
    await expect.poll(async () => (await clipboardEvent(page, 'copy')).html).toContain('tins');
    await page.keyboard.press('End');
    await editorCaret(page);
    await clipboardEvent(page, 'paste', { 'text/plain': ' and rice' });
    await waitForText(page, 'Bring tins and rice');
    await shot(page, 'first-paste-phone');
    expect(errors).toEqual([]);
    await dev.close();
  });
});

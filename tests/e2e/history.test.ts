/**
 * History and data ownership in the real app: save a named version, edit, see what changed
 * (highlighted), view the old version read-only, restore it — the other member's browser
 * shows the restored text — then export Markdown and download a device backup.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { newDevice, shot, type RunningServer } from './harness';
import { caretToEnd, createWorkspace, join, newDocument, waitForText, watchErrors } from './app-flow';
import { useServerAndBrowser } from './setup';

let server: RunningServer;
let browser: Browser;
useServerAndBrowser((s, b) => ([server, browser] = [s, b]));

async function download(page: Page, click: () => Promise<void>): Promise<{ name: string; text: string }> {
  const [file] = await Promise.all([page.waitForEvent('download'), click()]);
  const path = await file.path();
  return { name: file.suggestedFilename(), text: fs.readFileSync(path, 'utf8') };
}

describe('history', () => {
  it('saves a version, shows changes since, restores it for everyone, exports and backs up', async () => {
    const devA = await newDevice(browser);
    const devB = await newDevice(browser, 'phone');
    const { page: a, editorInvite, workspaceId } = await createWorkspace(devA, server.url, 'Elm Street tenants', 'Ana');
    const errors = watchErrors(a, 'A');
    const b = await join(devB, editorInvite, 'Ben');
    errors.push(...watchErrors(b, 'B'));

    const docId = await newDocument(a, 'page');
    await caretToEnd(a);
    await a.keyboard.type('Rent strike plan: meet Monday');
    await expect.poll(() => a.getByTestId('doc-status').textContent(), { timeout: 10_000 }).toBe('All changes synced');

    // Save a named version.
    await a.getByTestId('open-history').click();
    await a.getByLabel('Save this version as…').fill('Agreed plan');
    await a.getByRole('button', { name: 'Save version' }).click();
    await a.getByRole('status').filter({ hasText: 'Version saved.' }).waitFor();
    await a.getByRole('button', { name: /Agreed plan/ }).waitFor();
    await shot(a, 'history-saved');
    await a.getByRole('button', { name: 'Close' }).click();

    // Edit: change a word, add some.
    await caretToEnd(a);
    for (let i = 0; i < 'Monday'.length; i++) await a.keyboard.press('Backspace');
    await a.keyboard.type('Friday and bring banners');
    await b.goto(`${server.url}/w/${workspaceId}/d/${docId}`);
    await waitForText(b, 'meet Friday and bring banners');

    // What changed since the version: removed and added words highlighted.
    await a.getByTestId('open-history').click();
    await a.getByRole('button', { name: /Agreed plan/ }).click();
    const diff = a.getByTestId('version-diff');
    await diff.waitFor();
    await expect.poll(() => diff.locator('del').allTextContents()).toEqual(['Monday']);
    expect((await diff.locator('ins').allTextContents()).join('')).toBe('Friday and bring banners');
    await shot(a, 'history-diff');

    // The old version itself, read-only.
    await a.getByRole('tab', { name: 'This version' }).click();
    const old = a.getByTestId('version-view').locator('.m-content');
    await old.filter({ hasText: 'Rent strike plan: meet Monday' }).waitFor();
    expect(await old.getAttribute('contenteditable')).toBe('false');
    await shot(a, 'history-old-version');

    // Restore: a new change, synced to Ben's phone.
    a.once('dialog', (d) => void d.accept());
    await a.getByRole('button', { name: 'Restore this version' }).click();
    await a.getByTestId('history-panel').waitFor({ state: 'detached' });
    await expect.poll(() => a.locator('.m-content').first().innerText()).toBe('Rent strike plan: meet Monday');
    await expect.poll(() => b.locator('.m-content').first().innerText(), { timeout: 15_000 }).toBe('Rent strike plan: meet Monday');
    await shot(b, 'history-restored-phone');

    // Ben's history lists the restore's safety copy; the drawer fits a 360 px screen.
    await b.getByTestId('open-history').click();
    await b.getByRole('button', { name: /Before a restore/ }).waitFor();
    await shot(b, 'history-panel-phone');
    await b.getByRole('button', { name: 'Close' }).click();

    // Editing still works after the restore, both ways.
    await caretToEnd(b);
    await b.keyboard.type(' at 7pm');
    await waitForText(a, 'meet Monday at 7pm');

    // Export as Markdown from the device's copy.
    await a.locator('summary', { hasText: 'Export' }).click();
    const md = await download(a, () => a.getByRole('button', { name: 'Markdown (.md)' }).click());
    expect(md.name).toBe('Untitled-page.md');
    expect(md.text).toContain('Rent strike plan: meet Monday at 7pm');
    await a.locator('summary', { hasText: 'Export' }).click();
    const html = await download(a, () => a.getByRole('button', { name: 'Web page (.html)' }).click());
    expect(html.text).toContain('<p>Rent strike plan: meet Monday at 7pm</p>');

    // Device backup from the workspace page.
    await a.goto(`${server.url}/w/${workspaceId}`);
    await a.getByTestId('device-backup').scrollIntoViewIfNeeded();
    await shot(a, 'your-data-panel');
    const backup = await download(a, () => a.getByTestId('device-backup').click());
    const file = JSON.parse(backup.text);
    expect(file).toMatchObject({ format: 'mutual-backup', version: 1, source: 'device', workspace: { id: workspaceId } });
    expect(file.documents.map((d: { docId: string }) => d.docId)).toContain(docId);
    expect(file.members.map((m: { name: string }) => m.name).sort()).toEqual(['Ana', 'Ben']);
    expect(JSON.stringify(file)).not.toMatch(/tokenHash|InviteHash/);
    expect(errors).toEqual([]);
  });
});

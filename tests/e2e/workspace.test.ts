/**
 * The real app end to end in Debian's chromium against the production server: create a
 * workspace, join by invite link in a second "device", co-edit one document, a viewer who
 * cannot edit, and a removed member who is told why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { cleanupServer, launchBrowser, newDevice, shot, startServer, type RunningServer } from './harness';
import { caretToEnd, createWorkspace, join, newDocument, waitForText, watchErrors } from './app-flow';

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await cleanupServer(server);
});

describe('workspace flow', () => {
  it('creates, invites, co-edits, restricts a viewer and tells a removed member why', async () => {
    const devA = await newDevice(browser);
    const devB = await newDevice(browser);
    const devV = await newDevice(browser, 'phone');
    const { page: a, editorInvite, viewerInvite } = await createWorkspace(devA, server.url, 'Eastside Mutual Aid', 'Ana');
    const errors = watchErrors(a, 'A');
    await shot(a, 'workspace-created');

    const b = await join(devB, editorInvite, 'Ben');
    errors.push(...watchErrors(b, 'B'));
    // The member directory is live: Ana sees Ben appear.
    await a.getByText('Ben', { exact: true }).waitFor({ timeout: 15_000 });

    const docId = await newDocument(a, 'page');
    await caretToEnd(a);
    await a.keyboard.type('Food run on Saturday');
    // Ben finds the document in the workspace (replicated from the index) and opens it.
    await b.getByRole('link', { name: 'Untitled page' }).click({ timeout: 15_000 });
    await waitForText(b, 'Food run on Saturday');
    await caretToEnd(b);
    await b.keyboard.type(' — Ben drives');
    await waitForText(a, 'Food run on Saturday — Ben drives');
    await expect.poll(() => a.getByTestId('doc-status').textContent(), { timeout: 10_000 }).toBe('All changes synced');
    await shot(a, 'document-co-edited');

    // A viewer reads but cannot edit.
    const v = await join(devV, viewerInvite, 'Vi');
    await v.goto(`${server.url}/w/${new URL(v.url()).pathname.split('/')[2]}/d/${docId}`);
    await waitForText(v, 'Ben drives');
    expect(await v.locator('.m-content').getAttribute('contenteditable')).toBe('false');
    expect(await v.locator('.m-toolbar').count()).toBe(0);
    await shot(v, 'document-viewer-phone');

    // Ana removes Ben; Ben's page says why in plain words and stops retrying.
    await a.goto(`${server.url}/w/${new URL(a.url()).pathname.split('/')[2]}`);
    a.once('dialog', (d) => void d.accept());
    await a.getByRole('button', { name: 'Remove Ben' }).click();
    await b.getByText("You can't reach this workspace any more.").waitFor({ timeout: 10_000 });
    await expect.poll(() => b.locator('.m-content').getAttribute('contenteditable')).toBe('false');
    await shot(b, 'member-removed');
    expect(errors).toEqual([]);
  });
});

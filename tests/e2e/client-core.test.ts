/**
 * Issue 17's faults, as people meet them in the browser:
 * - opening a document someone created, before its content arrived, never writes a second
 *   template into it (it waits); an address nobody created is a new page;
 * - a device whose clock runs fast never closes a proposal at "its" deadline, and a person's
 *   "Close now" waits until the device is online and synced, stamped with the relay's time;
 * - leaving a workspace with words that never reached the relay names the document and
 *   offers a backup before anything is deleted.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { $createParagraphNode, $createTextNode } from 'lexical';
import * as Y from 'yjs';
import { seedDocument } from '../../src/lib/editor/seed.ts';
import { addCatalogueEntry } from '../../src/lib/shared/model/workspace.ts';
import { listBlockIds } from '../../src/lib/shared/model/doc.ts';
import { readProposal } from '../../src/lib/shared/model/proposal-read.ts';
import { connectClient, type TestClient } from '../helpers/clients.ts';
import { createWorkspace as createWorkspaceByApi } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { cleanupServer, launchBrowser, newDevice, shot, startServer, type RunningServer } from './harness';
import { createWorkspace, join, newDocument, waitForText, watchErrors } from './app-flow';

let server: RunningServer;
let browser: Browser;
const clients: TestClient[] = [];

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
afterAll(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await browser?.close();
  await cleanupServer(server);
});

const syncUrl = () => `ws://127.0.0.1:${server.port}/sync`;
/** A stock client on the relay (as another device, or a program). */
async function relayClient(workspaceId: string, docId: string, token: string): Promise<TestClient> {
  const client = connectClient(syncUrl(), workspaceId, docId, token);
  clients.push(client);
  await client.synced();
  return client;
}
const proposal = (page: Page) => page.locator('.mb-frame[data-kind=proposal]');

describe('the client core, as people meet it', () => {
  it('opening a listed document before its content arrived never seeds it; an unknown address is a new page', async () => {
    const ws = await createWorkspaceByApi(server.url, 'Elm Street tenants');
    // Another member's device listed a document whose content has not reached the relay yet.
    const index = await relayClient(ws.workspaceId, 'index', ws.admin.token);
    addCatalogueEntry(index.doc, { id: 'fresh-plan', kind: 'page', title: 'Saturday plan' }, { memberId: ws.admin.memberId });
    const dev = await newDevice(browser);
    const b = await join(dev, ws.invites.editor, 'Ben');
    const errors = watchErrors(b, 'B');
    await b.getByRole('link', { name: 'Saturday plan' }).click();
    const waiting = b.getByTestId('doc-waiting');
    await waiting.or(b.locator('.m-content')).first().waitFor({ timeout: 15_000 });
    expect(await waiting.isVisible()).toBe(true);
    await shot(b, 'client-core-waiting-for-content');
    // Nothing was written into it from this device.
    const fresh = await relayClient(ws.workspaceId, 'fresh-plan', ws.admin.token);
    expect(fresh.doc.getMap('meta').get('seeded')).toBeUndefined();
    expect(fresh.doc.get('root', Y.XmlText).length).toBe(0);

    // The creator's content arrives: shown once, as written.
    seedDocument(fresh.doc, (root) => root.append($createParagraphNode().append($createTextNode('Meet at the corner at ten.'))));
    await waitForText(b, 'Meet at the corner at ten.');
    expect((await b.locator('.m-content').innerText()).match(/Meet at the corner/g)).toHaveLength(1);

    // An address nobody created (the contract: opening an unknown id creates it).
    await b.goto(`${server.url}/w/${ws.workspaceId}/d/brand-new-page`);
    await b.locator('.m-content').waitFor({ timeout: 15_000 });
    await waitFor(() => index.doc.getMap('catalogue').has('brand-new-page'), { message: 'the new page in the catalogue' });
    expect(errors).toEqual([]);
    await dev.close();
  });

  it("an address of the workspace's own documents (the index, the pulse's totals, someone's private document) is never made a page", async () => {
    const ws = await createWorkspaceByApi(server.url, 'Birch Road mutual aid');
    const index = await relayClient(ws.workspaceId, 'index', ws.admin.token);
    const dev = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
    const b = await join(dev, ws.invites.editor, 'Ben');
    const errors = watchErrors(b, 'B');
    const base = `${server.url}/w/${ws.workspaceId}`;
    for (const docId of [`member-private-${ws.admin.memberId}`, 'index', 'private-needs-board']) {
      await b.goto(`${base}/d/${docId}`);
      await b.getByRole('alert').filter({ hasText: 'This isn’t a document you can open here.' }).waitFor({ timeout: 15_000 });
      expect(await b.locator('.m-content').count(), `no editor for ${docId}`).toBe(0);
    }
    await shot(b, 'client-core-reserved-address-phone');
    // The pulse's shared totals: its own page, the Workload page.
    await b.goto(`${base}/d/group-pulse`);
    await b.waitForURL(`${base}/work`);
    // An ordinary unknown address still becomes a page; the reserved ones never entered the catalogue.
    await b.goto(`${base}/d/after-the-others`);
    await b.locator('.m-content').waitFor({ timeout: 15_000 });
    await waitFor(() => index.doc.getMap('catalogue').has('after-the-others'), { message: 'the new page in the catalogue' });
    expect([...index.doc.getMap('catalogue').keys()]).toEqual(['after-the-others']);
    expect(errors).toEqual([]);
    await dev.close();
  });

  it('a device with a fast clock never closes a proposal at the deadline; "Close now" waits for a connection and uses the relay\'s time', async () => {
    const devB = await newDevice(browser);
    const devA = await newDevice(browser, 'phone');
    // Ana's phone runs two days fast: to it, tomorrow's deadline has long passed. She is an
    // admin, so she may close any proposal.
    await devA.addInitScript(() => {
      const real = Date.now.bind(Date);
      Date.now = () => real() + 2 * 86_400_000;
    });
    const { page: a, workspaceId, editorInvite } = await createWorkspace(devA, server.url, 'Food bank', 'Ana');
    const b = await join(devB, editorInvite, 'Ben');
    const errors = [...watchErrors(a, 'A'), ...watchErrors(b, 'B')];
    await b.getByText('Ana', { exact: true }).waitFor({ timeout: 15_000 });
    const docId = await newDocument(b, 'proposal');
    await proposal(b).getByLabel('Proposal title').fill('Open on Sundays');
    await proposal(b).getByLabel('Proposal title').press('Tab');
    await proposal(b).getByRole('button', { name: 'Tomorrow' }).click();
    await proposal(b).getByRole('button', { name: 'Open for decision' }).click();
    await expect.poll(() => proposal(b).locator('.mb-status').textContent()).toBe('Open for decision');

    await a.goto(`${server.url}/w/${workspaceId}/d/${docId}`);
    await proposal(a).waitFor({ timeout: 15_000 });
    // Ben votes, and Ana's device shows the ballot: by then a device closing "at the deadline"
    // by its own clock would long have done so.
    await proposal(b).getByRole('radio', { name: 'Consent' }).check();
    await proposal(b).getByRole('button', { name: 'Cast ballot' }).click();
    await proposal(a).locator('.mp-ballots li', { hasText: 'Ben' }).waitFor({ timeout: 15_000 });
    expect(await proposal(a).locator('.mb-status').textContent()).toBe('Open for decision');
    await a.goto(`${server.url}/w/${workspaceId}`); // the workspace page never closes it either
    await a.getByRole('region', { name: 'Open proposals' }).getByRole('link', { name: 'Open on Sundays' }).click();
    await proposal(a).waitFor({ timeout: 15_000 });
    expect(await proposal(a).locator('.mb-status').textContent()).toBe('Open for decision');

    // Ana closes it by hand while offline: not now, and she is told why.
    await devA.setOffline(true);
    await proposal(a).getByRole('button', { name: 'Close now and decide' }).click();
    await a.getByRole('dialog').getByRole('button', { name: 'Close it now' }).click();
    await proposal(a).getByText(/You're offline\. Closing decides for everyone/).waitFor({ timeout: 15_000 });
    await proposal(a).scrollIntoViewIfNeeded();
    await shot(a, 'client-core-close-offline-phone');
    expect(await proposal(a).locator('.mb-status').textContent()).toBe('Open for decision');

    // Online again: closed, stamped with the relay's clock, not the phone's.
    await devA.setOffline(false);
    await expect.poll(() => a.getByTestId('doc-status').textContent(), { timeout: 30_000 }).toBe('All changes synced');
    await proposal(a).getByRole('button', { name: 'Close now and decide' }).click();
    await a.getByRole('dialog').getByRole('button', { name: 'Close it now' }).click();
    await expect.poll(() => proposal(b).locator('.mb-status').textContent(), { timeout: 15_000 }).toBe('Decided');
    const relayDoc = await readRelayProposal(b, workspaceId, docId);
    expect(relayDoc.status).toBe('closed');
    // Stamped with the relay's time (this test runs on the relay's machine), not two days ahead.
    expect(Math.abs((relayDoc.closedAt ?? 0) - Date.now())).toBeLessThan(10 * 60_000);
    expect(errors).toEqual([]);
    await devA.close();
    await devB.close();
  });

  it('leaving with words the relay never got names the document and offers a backup first', async () => {
    const dev = await newDevice(browser);
    const { page: a, workspaceId } = await createWorkspace(dev, server.url, 'Garden share', 'Ana');
    const errors = watchErrors(a, 'A');
    await newDocument(a, 'page');
    await a.locator('.m-content').click();
    await a.keyboard.type('Seed swap list');
    await expect.poll(() => a.getByTestId('doc-status').textContent(), { timeout: 15_000 }).toBe('All changes synced');
    await dev.setOffline(true);
    await a.keyboard.type(': tomatoes, beans');
    await expect.poll(() => a.getByTestId('doc-status').textContent(), { timeout: 15_000 }).toBe('Saved on this device — waiting to sync');
    await a.getByRole('link', { name: /← Garden share/ }).click();

    await a.getByRole('button', { name: 'Leave workspace…' }).click();
    const dialog = a.getByTestId('leave-dialog');
    await dialog.getByTestId('unsent-documents').getByText('Untitled page').waitFor({ timeout: 30_000 });
    await dialog.getByText(/have not reached the server \(this device is offline\)/).waitFor();
    await shot(a, 'client-core-leave-unsent');
    const [download] = await Promise.all([a.waitForEvent('download'), dialog.getByTestId('leave-backup').click()]);
    const backup = JSON.parse(readFileSync((await download.path())!, 'utf8')) as { documents: { docId: string; state: string }[] };
    const docs = backup.documents.map((d) => {
      const doc = new Y.Doc();
      Y.applyUpdate(doc, Buffer.from(d.state, 'base64'));
      return JSON.stringify(doc.get('root', Y.XmlText).toJSON());
    });
    expect(docs.some((d) => d.includes('tomatoes, beans'))).toBe(true);
    await dialog.getByRole('button', { name: 'Stay' }).click();
    expect(a.url()).toBe(`${server.url}/w/${workspaceId}`);

    // Back online, the words are sent; leaving is then plain.
    await dev.setOffline(false);
    await expect.poll(() => a.getByTestId('connection-status').getAttribute('data-state'), { timeout: 30_000 }).toBe('live');
    await a.getByRole('button', { name: 'Leave workspace…' }).click();
    await dialog.getByText(/All your changes have reached the server/).waitFor({ timeout: 30_000 });
    await dialog.getByRole('button', { name: 'Leave', exact: true }).click();
    await a.waitForURL(`${server.url}/`);
    expect(errors).toEqual([]);
    await dev.close();
  });
});

/** The relay's copy of the document's proposal, read by a stock client with the page's own token. */
async function readRelayProposal(page: Page, workspaceId: string, docId: string): Promise<{ status: string; closedAt: number | null }> {
  const token = await page.evaluate(async (id) => {
    const open = indexedDB.open('mutual');
    const db: IDBDatabase = await new Promise((resolve, reject) => {
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const record = await new Promise<{ token: string }>((resolve, reject) => {
      const request = db.transaction('workspaces').objectStore('workspaces').get(id);
      request.onsuccess = () => resolve(request.result as { token: string });
      request.onerror = () => reject(request.error);
    });
    db.close();
    return record.token;
  }, workspaceId);
  const client = await relayClient(workspaceId, docId, token);
  const id = listBlockIds(client.doc, 'proposal').value[0];
  const view = readProposal(client.doc, id).value!;
  return { status: view.status, closedAt: view.closedAt };
}

/**
 * Browser-test scenarios that run in both engines (chromium and firefox-esr) through the
 * driver layer: co-editing, offline editing (relay down; the device's network off) and a
 * proposal with signed ballots, one cast offline. The Chromium tests (workspace, offline,
 * decisions) call these and go on with their Chromium-only steps; firefox.test.ts runs them
 * in Firefox.
 */
import { expect } from 'vitest';
import type { RunningServer } from '../harness';
import type { Engine, Tab, Target } from './driver';
import { caretToEnd, connection, createWorkspace, docStatus, join, newDocument, waitForText } from './flow';

/** Every uncaught page error of these tabs, labelled. */
export const pageErrors = (tabs: Record<string, Tab>): string[] => Object.entries(tabs).flatMap(([label, tab]) => tab.errors.map((e) => `${label}: ${e}`));

/** Two members co-edit one document; a viewer on a phone reads it and cannot edit. */
export async function coEditing(engine: Engine, server: RunningServer) {
  const devA = await engine.newDevice();
  const devB = await engine.newDevice();
  const devV = await engine.newDevice('phone');
  const { tab: a, workspaceId, editorInvite, viewerInvite } = await createWorkspace(devA, server.url, 'Eastside Mutual Aid', 'Ana');
  await a.shot('workspace-created');
  const b = await join(devB, editorInvite, 'Ben');
  // The member directory is live: Ana sees Ben appear.
  await a.waitFor({ text: 'Ben', within: 'main' });

  const docId = await newDocument(a, 'page');
  await caretToEnd(a);
  await a.type('Food run on Saturday');
  // Ben finds the document in the workspace (replicated from the index) and opens it.
  await b.click({ role: 'link', name: 'Untitled page' });
  await waitForText(b, 'Food run on Saturday');
  await caretToEnd(b);
  await b.type(' — Ben drives');
  await waitForText(a, 'Food run on Saturday — Ben drives');
  await expect.poll(() => docStatus(a), { timeout: 10_000 }).toBe('All changes synced');
  await a.shot('document-co-edited');

  // A viewer reads but cannot edit.
  const v = await join(devV, viewerInvite, 'Vi');
  await v.goto(`${server.url}/w/${workspaceId}/d/${docId}`);
  await waitForText(v, 'Ben drives');
  expect(await v.attribute('.m-content', 'contenteditable')).toBe('false');
  expect(await v.count('.m-toolbar')).toBe(0);
  await v.shot('document-viewer-phone');
  return { devices: [devA, devB, devV], a, b, v, workspaceId, docId };
}

/**
 * Local-first: with the relay down a member keeps editing, reloads (the service worker serves
 * the app, IndexedDB the documents), creates a document, and when the relay comes back every
 * word reaches the other member without any action.
 */
export async function offlineRelayDown(engine: Engine, server: RunningServer) {
  const devA = await engine.newDevice();
  const devB = await engine.newDevice();
  const { tab: a, workspaceId, editorInvite } = await createWorkspace(devA, server.url, 'Basement Pantry', 'Ana');
  const b = await join(devB, editorInvite, 'Ben');

  const docId = await newDocument(a, 'page');
  await caretToEnd(a);
  await a.type('Shelf count:');
  await expect.poll(() => docStatus(a), { timeout: 10_000 }).toBe('All changes synced');
  // The service worker must control the page before the relay goes away.
  await expect.poll(() => a.evaluate(() => navigator.serviceWorker.ready.then(() => true)), { timeout: 20_000 }).toBe(true);
  await a.reload();
  await a.waitFor('.m-content');
  await expect.poll(() => a.evaluate(() => !!navigator.serviceWorker.controller), { timeout: 20_000 }).toBe(true);

  // The relay goes down.
  await server.stop();
  await expect.poll(() => connection(a), { timeout: 15_000 }).toBe('offline');
  await caretToEnd(a);
  await a.type(' 14 tins of beans');
  await expect.poll(() => docStatus(a)).toBe('Saved on this device — waiting to sync');
  await a.shot('offline-editing');

  // Reload with the relay down: the app shell comes from the service worker, the text from IndexedDB.
  await a.reload();
  await waitForText(a, 'Shelf count: 14 tins of beans');
  await caretToEnd(a);
  await a.type(', 3 bags of rice');

  // A document created offline (the workspace tab: in-app navigation, as a person moves on).
  await a.click({ role: 'link', name: 'Documents' });
  await a.waitForUrl(new RegExp(`/w/${workspaceId}$`));
  const offlineDoc = await newDocument(a, 'page');
  await caretToEnd(a);
  await a.type('Written in the basement');
  await a.shot('offline-new-document');

  // The relay comes back: everything uploads by itself.
  await server.restart();
  await expect.poll(() => connection(a), { timeout: 30_000 }).toBe('live');
  await b.goto(`${server.url}/w/${workspaceId}/d/${docId}`);
  await waitForText(b, 'Shelf count: 14 tins of beans, 3 bags of rice', 30_000);
  await b.goto(`${server.url}/w/${workspaceId}/d/${offlineDoc}`);
  await waitForText(b, 'Written in the basement', 30_000);
  await b.shot('offline-edits-arrived');
  expect(pageErrors({ A: a, B: b })).toEqual([]);
  await devA.close();
  await devB.close();
}

/** Two tabs of one device edit together with the device's network off (the tabs' channel). */
export async function offlineTwoTabs(engine: Engine, server: RunningServer) {
  const dev = await engine.newDevice();
  const { tab: a } = await createWorkspace(dev, server.url, 'Two Tabs', 'Ana');
  await newDocument(a, 'page');
  await caretToEnd(a);
  await a.type('Stock:');
  await expect.poll(() => docStatus(a), { timeout: 10_000 }).toBe('All changes synced');
  const b = await dev.newTab();
  await b.goto(a.url());
  await waitForText(b, 'Stock:');

  await dev.setOffline(true);
  expect(await a.evaluate(() => navigator.onLine)).toBe(false);
  await expect.poll(() => connection(a), { timeout: 15_000 }).toBe('offline');
  await caretToEnd(a);
  await a.type(' 12 nappies');
  await waitForText(b, 'Stock: 12 nappies');
  await expect.poll(() => docStatus(a), { timeout: 10_000 }).toBe('Saved on this device — waiting to sync');
  await caretToEnd(b);
  await b.type(', 4 tins');
  await waitForText(a, 'Stock: 12 nappies, 4 tins');
  await dev.setOffline(false);
  await expect.poll(() => docStatus(a), { timeout: 30_000 }).toBe('All changes synced');

  // A tab opened with the network already off never had a socket: it joins the tabs all the same.
  await dev.setOffline(true);
  const c = await dev.newTab();
  await c.goto(a.url());
  await waitForText(c, 'Stock: 12 nappies, 4 tins');
  await caretToEnd(a);
  await a.type(', 2 jars');
  await waitForText(c, 'Stock: 12 nappies, 4 tins, 2 jars');
  await caretToEnd(c);
  await c.type(' (counted)');
  await waitForText(a, '2 jars (counted)');
  await dev.setOffline(false);
  await expect.poll(() => docStatus(a), { timeout: 30_000 }).toBe('All changes synced');
  expect(pageErrors({ A: a, B: b, C: c })).toEqual([]);
  await dev.close();
}

const proposalBlock = '.mb-frame[data-kind=proposal]';
const inProposal = (target: Exclude<Target, string>): Target => ({ ...target, within: proposalBlock });

async function vote(tab: Tab, choice: string, reason = ''): Promise<void> {
  await tab.click(inProposal({ role: 'radio', name: choice }));
  if (reason) await tab.fill(`${proposalBlock} textarea[id$="-reason"]`, reason);
  await tab.click(inProposal({ role: 'button', name: 'Cast ballot' }));
}

/**
 * A proposal drafted by Ana, announced in the workspace, voted on by Ana, Ben and Cy — Cy on
 * a 360 px phone with its network off — with signed ballots that all verify and count.
 */
export async function proposalBallots(engine: Engine, server: RunningServer) {
  const devA = await engine.newDevice();
  const devB = await engine.newDevice();
  const devC = await engine.newDevice('phone');
  const { tab: a, workspaceId, editorInvite } = await createWorkspace(devA, server.url, 'Eastside Mutual Aid', 'Ana');
  const b = await join(devB, editorInvite, 'Ben');
  const c = await join(devC, editorInvite, 'Cy');
  await a.waitFor({ text: 'Cy', within: 'main' });

  // Draft: a new Proposal document already holds its proposal, ready to set up.
  const docId = await newDocument(a, 'proposal');
  await a.waitFor(proposalBlock);
  expect(await a.count(proposalBlock)).toBe(1);
  await a.waitFor(inProposal({ text: 'No deadline yet' }));
  await a.fill(inProposal({ label: 'Proposal title' }), 'Buy a chest freezer');
  await a.press('Tab');
  await a.fill(`${proposalBlock} input[id$="-quorum"]`, '60');
  await a.press('Tab');
  await a.waitFor(inProposal({ text: '— 2 of 3 members' }), 10_000);
  await a.click(inProposal({ text: 'Hide results until you vote' }));
  await a.click(inProposal({ role: 'button', name: 'Tomorrow' }));
  await a.shot('decisions-draft');
  await a.click(inProposal({ role: 'button', name: 'Open for decision' }));
  await expect.poll(() => a.text(`${proposalBlock} .mb-status`)).toBe('Open for decision');

  // Announced in the workspace: Ben sees it in "Open proposals" with his ballot needed.
  const strip = 'section[aria-labelledby=open-proposals-h]';
  await b.waitFor({ role: 'link', name: 'Buy a chest freezer', within: strip });
  await b.waitFor({ text: 'Your ballot is needed', within: strip });
  await b.click({ role: 'link', name: 'Buy a chest freezer', within: strip });
  await b.waitFor(proposalBlock);
  // Results are hidden until Ben votes.
  await b.waitFor(inProposal({ text: 'Results are hidden until you vote' }));
  await vote(b, 'Consent');
  await b.waitFor(inProposal({ text: 'Your ballot is cast.' }));
  await vote(a, 'Consent');

  // Cy opens it on the phone, the phone's network goes away, and Cy votes there.
  await c.goto(`${server.url}/w/${workspaceId}/d/${docId}`);
  await c.waitFor(proposalBlock);
  await expect.poll(() => docStatus(c), { timeout: 15_000 }).toBe('All changes synced');
  await devC.setOffline(true);
  await vote(c, 'Concern', 'The power bill will go up');
  await c.waitFor(inProposal({ text: 'saved on this device' }));
  await expect.poll(() => c.attribute({ testId: 'doc-status' }, 'data-unsynced'), { timeout: 10_000 }).toBe('true');
  await c.scrollIntoView(proposalBlock);
  await c.shot('decisions-ballot-offline-phone');
  // Ana still waits for Cy.
  await expect.poll(() => a.text(`${proposalBlock} .mp-waiting`), { timeout: 10_000 }).toMatch(/Not voted yet:.*Cy/);

  // Back online: the ballot arrives, verifies and counts (cast before the deadline).
  await devC.setOffline(false);
  const states = () => a.evaluate(() => Array.from(document.querySelectorAll('.mb-frame[data-kind=proposal] .mp-ballots li')).map((li) => li.textContent ?? ''));
  await expect.poll(async () => (await states()).find((row) => row.includes('Cy')), { timeout: 30_000 }).toContain('Counted');
  await expect.poll(async () => (await states()).filter((row) => row.includes('Counted')).length).toBe(3);
  expect(await a.count(`${proposalBlock} .mp-waiting`)).toBe(0);
  await a.waitFor(inProposal({ text: '3 ballots counted; quorum 2 — met' }));
  await a.scrollIntoView(proposalBlock);
  await a.shot('decisions-open-all-voted');
  return { devices: [devA, devB, devC], a, b, c, workspaceId, docId };
}

/** Run before a page's scripts: this browser's WebCrypto knows no Ed25519 (as older ones). */
export const WITHOUT_WEBCRYPTO_ED25519 = `(() => {
  const subtle = globalThis.crypto && crypto.subtle;
  if (!subtle) return; // about:blank before the app: no WebCrypto to change
  const isEd25519 = (a) => (typeof a === 'string' ? a : a && a.name) === 'Ed25519';
  for (const name of ['importKey', 'generateKey', 'sign', 'verify']) {
    const real = subtle[name].bind(subtle);
    subtle[name] = (...args) => isEd25519(name === 'importKey' ? args[2] : args[0])
      ? Promise.reject(new DOMException('Unrecognized algorithm name', 'NotSupportedError'))
      : real(...args);
  }
})();`;

/**
 * Ben's browser has no Ed25519 in WebCrypto: it signs with the library fallback, and both
 * ballots — his and Ana's (signed by WebCrypto) — verify and count on both devices.
 */
export async function ballotsWithoutWebCryptoEd25519(engine: Engine, server: RunningServer) {
  const devA = await engine.newDevice();
  const devB = await engine.newDevice('desktop', { initScript: WITHOUT_WEBCRYPTO_ED25519 });
  const { tab: a, workspaceId, editorInvite } = await createWorkspace(devA, server.url, 'Old Phones Club', 'Ana');
  const b = await join(devB, editorInvite, 'Ben');
  expect(await b.evaluate(() => crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign']).then(() => 'has Ed25519', () => 'no Ed25519'))).toBe('no Ed25519');
  await a.waitFor({ text: 'Ben', within: 'main' });
  const docId = await newDocument(a, 'proposal');
  await a.fill(inProposal({ label: 'Proposal title' }), 'Share the van');
  await a.press('Tab');
  await a.click(inProposal({ role: 'button', name: 'Tomorrow' }));
  await a.click(inProposal({ role: 'button', name: 'Open for decision' }));
  await expect.poll(() => a.text(`${proposalBlock} .mb-status`)).toBe('Open for decision');
  await vote(a, 'Consent');
  await b.goto(`${server.url}/w/${workspaceId}/d/${docId}`);
  await b.waitFor(proposalBlock);
  await vote(b, 'Consent');
  await b.waitFor(inProposal({ text: 'Your ballot is cast.' }));
  for (const tab of [a, b]) {
    const rows = () => tab.evaluate(() => Array.from(document.querySelectorAll('.mb-frame[data-kind=proposal] .mp-ballots li')).map((li) => li.textContent ?? ''));
    await expect.poll(async () => (await rows()).filter((row) => row.includes('Counted')).length, { timeout: 30_000 }).toBe(2);
    expect((await rows()).join('\n')).not.toMatch(/not counted/);
  }
  await b.scrollIntoView(proposalBlock);
  await b.shot('ballots-without-webcrypto-ed25519');
  expect(pageErrors({ A: a, B: b })).toEqual([]);
  await devA.close();
  await devB.close();
}

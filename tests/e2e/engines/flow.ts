/**
 * Steps through the real app shared by the scenarios of both engines (the driver-layer
 * counterpart of ../app-flow.ts): create a workspace, join by invite, create a document,
 * type at the end, wait for text.
 */
import { expect } from 'vitest';
import type { Device, Tab } from './driver';

export interface CreatedWorkspace {
  tab: Tab;
  workspaceId: string;
  editorInvite: string;
  viewerInvite: string;
}

/** Create a workspace on `/` and return its invite links (shown once to the creator). */
export async function createWorkspace(device: Device, base: string, name: string, memberName: string): Promise<CreatedWorkspace> {
  const tab = await device.newTab();
  await tab.goto(`${base}/`);
  await tab.fill({ label: 'Workspace name' }, name);
  await tab.fill({ label: 'Your name' }, memberName);
  await tab.click({ role: 'button', name: 'Create workspace' });
  await tab.waitForUrl(/\/w\/[A-Za-z0-9_-]+\?welcome=1/);
  const workspaceId = new URL(tab.url()).pathname.split('/')[2]!;
  await tab.waitFor({ testId: 'invite-viewer' });
  const [editorInvite, viewerInvite] = await tab.evaluate(() =>
    ['invite-editor', 'invite-viewer'].map((id) => document.querySelector<HTMLInputElement>(`[data-testid=${id}]`)!.value)
  );
  expect(editorInvite).toContain(`/join/${workspaceId}#`);
  return { tab, workspaceId, editorInvite: editorInvite!, viewerInvite: viewerInvite! };
}

/** Open an invite link, type a name, press Join; lands on the workspace page. */
export async function join(device: Device, invite: string, name: string): Promise<Tab> {
  const tab = await device.newTab();
  await tab.goto(invite);
  await tab.fill({ label: 'Your name' }, name);
  await tab.click({ role: 'button', name: 'Join' });
  await tab.waitForUrl(/\/w\/[A-Za-z0-9_-]+$/);
  return tab;
}

/** Create a document of `kind` from the workspace page; returns its id (the tab is now on it). */
export async function newDocument(tab: Tab, kind: 'agenda' | 'proposal' | 'needs' | 'page'): Promise<string> {
  // An empty workspace shows the four kinds as big buttons; otherwise they are in "New document".
  const direct = { testId: `new-${kind}` };
  await tab.waitFor(`[data-testid="new-${kind}"], button[aria-label="New document"]`);
  if (!(await tab.isVisible(direct))) await tab.click('button[aria-label="New document"]');
  await tab.click(direct);
  await tab.waitForUrl(/\/d\/[A-Za-z0-9_-]+$/);
  await tab.waitFor('.m-content');
  return new URL(tab.url()).pathname.split('/').pop()!;
}

/** Wait until the editor contains `text`. */
export async function waitForText(tab: Tab, text: string, timeout = 15_000): Promise<void> {
  await expect.poll(async () => (await tab.text('.m-content')) ?? '', { timeout }).toContain(text);
}

/** Put the caret at the end of the document. */
export async function caretToEnd(tab: Tab): Promise<void> {
  await tab.click('.m-content');
  await tab.press('Control+End');
}

/** The document's sync status line ("All changes synced", "Saved on this device — waiting to sync"). */
export const docStatus = (tab: Tab) => tab.text({ testId: 'doc-status' });
/** The connection indicator's state: live, connecting, offline… */
export const connection = (tab: Tab) => tab.attribute({ testId: 'connection-status' }, 'data-state');

/**
 * Two tabs of one device with the network off: a claim made in a document in one tab shows on
 * My work in the other, and a task added there shows on its Open tasks — though the second tab
 * never opened the document. Its dashboards keep the documents they show live through the Repo
 * (LiveSet), whose providers share edits between the device's tabs over a BroadcastChannel.
 */
import { describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { newDevice, shot, type RunningServer } from './harness';
import { addTask, createWorkspace, newDocument, taskBlock, waitSynced, watchErrors, workspaceOf } from './app-flow';
import { useServerAndBrowser } from './setup';

let server: RunningServer;
let browser: Browser;
useServerAndBrowser((s, b) => ([server, browser] = [s, b]));

describe('dashboards across tabs', () => {
  it('a claim made offline in one tab shows on My work in another tab of the device', async () => {
    const dev = await newDevice(browser, 'phone');
    const { page: a } = await createWorkspace(dev, server.url, 'Two Tabs Pantry', 'Ana');
    const ws = workspaceOf(a);
    await newDocument(a, 'page');
    await addTask(a, 'Pick up bread');
    await waitSynced(a);

    const b = await dev.newPage();
    const errors = [...watchErrors(a, 'A'), ...watchErrors(b, 'B')];
    await b.goto(`${server.url}/w/${ws}/me`);
    await b.getByRole('heading', { name: 'My work' }).waitFor({ timeout: 15_000 });
    await b.goto(`${server.url}/w/${ws}/tasks`);
    await b.getByTestId('task-card').filter({ hasText: 'Pick up bread' }).waitFor({ timeout: 15_000 });
    // Back to My work by the app's own link: the same page, its dashboards already read.
    await b.getByRole('link', { name: 'My work' }).click();
    await b.getByRole('heading', { name: 'My work' }).waitFor();
    expect(await b.getByTestId('task-card').filter({ hasText: 'Pick up bread' }).count()).toBe(0);

    await dev.setOffline(true);
    const block = taskBlock(a, 'Pick up bread');
    await block.getByRole('button', { name: 'Claim' }).click();
    await expect.poll(() => block.getByTestId('task-status').textContent()).toContain('Claimed by you');

    await b.getByTestId('task-card').filter({ hasText: 'Pick up bread' }).waitFor({ timeout: 15_000 });
    await shot(b, 'tabs-my-work-offline-phone');
    // A task added offline in the first tab shows on Open tasks in the second.
    await addTask(a, 'Fold flyers');
    await b.getByRole('link', { name: 'Open tasks' }).click();
    await b.getByTestId('task-card').filter({ hasText: 'Fold flyers' }).waitFor({ timeout: 15_000 });
    await dev.setOffline(false);
    expect(errors).toEqual([]);
    await dev.close();
  });
});

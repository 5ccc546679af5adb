/**
 * The real app end to end in Debian's chromium against the production server: create a
 * workspace, join by invite link in a second "device", co-edit one document, a viewer who
 * cannot edit (engines/scenarios.ts, shared with Firefox), and a removed member who is told why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupServer, shot, startServer, type RunningServer } from './harness';
import { ChromiumEngine, type ChromiumTab } from './engines/chromium';
import { coEditing, pageErrors } from './engines/scenarios';

let server: RunningServer;
let chromium: ChromiumEngine;

beforeAll(async () => {
  server = await startServer();
  chromium = await ChromiumEngine.launch();
});
afterAll(async () => {
  await chromium?.close();
  await cleanupServer(server);
});

describe('workspace flow', () => {
  it('creates, invites, co-edits, restricts a viewer and tells a removed member why', async () => {
    const shared = await coEditing(chromium, server);
    const [a, b] = [shared.a, shared.b].map((t) => (t as ChromiumTab).page);

    // Ana removes Ben; Ben's page says why in plain words and stops retrying.
    await a.goto(`${server.url}/w/${shared.workspaceId}`);
    a.once('dialog', (d) => void d.accept());
    await a.getByRole('button', { name: 'Remove Ben' }).click();
    await b.getByText("You can't reach this workspace any more.").waitFor({ timeout: 10_000 });
    await expect.poll(() => b.locator('.m-content').getAttribute('contenteditable')).toBe('false');
    await shot(b, 'member-removed');
    expect(pageErrors({ A: shared.a, B: shared.b, V: shared.v })).toEqual([]);
  });
});

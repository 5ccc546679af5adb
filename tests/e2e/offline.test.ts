/**
 * Local-first in a real browser: with the relay down, a member keeps editing, reloads the
 * page (the service worker serves the app, IndexedDB the documents), creates a document,
 * and when the relay comes back every word reaches the other member without any action;
 * two tabs of one device edit together with the device's network off. The scenarios are
 * shared with Firefox (engines/scenarios.ts, firefox.test.ts).
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { cleanupServer, startServer, type RunningServer } from './harness';
import { ChromiumEngine } from './engines/chromium';
import { offlineRelayDown, offlineTwoTabs } from './engines/scenarios';

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

describe('offline editing', () => {
  it('edits, reloads and creates documents with the relay down, then syncs every word', () => offlineRelayDown(chromium, server));

  it('two tabs of one device edit together with the network off (the tabs\' channel)', () => offlineTwoTabs(chromium, server));
});

/**
 * The usual set-up of a browser test file: the real server and one Chromium, started before the
 * file's tests and closed after them.
 */
import { afterAll, beforeAll } from 'vitest';
import type { Browser } from 'playwright-core';
import { cleanupServer, launchBrowser, startServer, type RunningServer } from './harness';

/** Start a server and a browser for this file's tests; `ready` receives them before the first test. */
export function useServerAndBrowser(ready: (server: RunningServer, browser: Browser) => void, settings?: Parameters<typeof startServer>[0]): void {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    server = await startServer(settings);
    browser = await launchBrowser();
    ready(server, browser);
  });
  afterAll(async () => {
    await browser?.close();
    await cleanupServer(server);
  });
}

/**
 * The second browser engine: Debian's firefox-esr, driven through WebDriver BiDi
 * (puppeteer-core), runs the scenarios the Chromium tests share (engines/scenarios.ts):
 * co-editing, offline editing with the relay down and with the device's network off, and a
 * proposal whose signed ballots — one cast offline — all verify and count; and a device whose
 * WebCrypto lacks Ed25519 (the library fallback) among others. One Firefox at a
 * time (the e2e project runs files one by one); it is closed at the end.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupServer, startServer, type RunningServer } from './harness';
import { FirefoxEngine } from './engines/firefox';
import { ballotsWithoutWebCryptoEd25519, coEditing, offlineRelayDown, offlineTwoTabs, pageErrors, proposalBallots } from './engines/scenarios';

let server: RunningServer;
let firefox: FirefoxEngine;

beforeAll(async () => {
  server = await startServer();
  firefox = await FirefoxEngine.launch();
});
afterAll(async () => {
  await firefox?.close();
  await cleanupServer(server);
});

describe('Mutual in Firefox', () => {
  it('co-edits a document with another member; a viewer cannot edit', async () => {
    const { devices, a, b, v } = await coEditing(firefox, server);
    expect(pageErrors({ A: a, B: b, V: v })).toEqual([]);
    for (const d of devices) await d.close();
  });

  it('drafts a proposal; three members cast signed ballots, one offline, and all verify and count', async () => {
    const { devices, a, b, c } = await proposalBallots(firefox, server);
    expect(pageErrors({ A: a, B: b, C: c })).toEqual([]);
    for (const d of devices) await d.close();
  });

  it('a browser without Ed25519 in WebCrypto signs with the library; every ballot verifies and counts on both devices', () => ballotsWithoutWebCryptoEd25519(firefox, server));

  it('two tabs of one device edit together with the network off, then sync', () => offlineTwoTabs(firefox, server));

  it('edits, reloads and creates documents with the relay down, then syncs every word', () => offlineRelayDown(firefox, server));

  it('the service worker is a classic script, registered as one (browsers without module service workers run it too)', () => {
    // `import`/`export`/`import.meta` do not parse outside a module: a classic registration would fail.
    expect(() => new Function(readFileSync(path.join(process.env.BUILD_DIR || 'build', 'client/service-worker.js'), 'utf8'))).not.toThrow();
    expect(readFileSync('src/routes/+layout.svelte', 'utf8')).toMatch(/serviceWorker\.register\('\/service-worker\.js'\)/);
  });
});

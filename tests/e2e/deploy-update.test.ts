/**
 * A deploy while a device has Mutual open (issue 25). The device opens every page from its own
 * shell at once (src/service-worker.ts), so the first open after a deploy runs the previous
 * version while the new version's worker installs and takes over. That page must keep working
 * as the version it is — the views and parts it loads later come from the previous version's
 * cache, which the server no longer has — and it offers the new version with a Reload.
 *
 * The deploy is real: the same server (port, data) restarted on a copy of the build whose
 * service worker is another version and which lacks the agenda view's file, as a later build
 * would (its hashed files are other files).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { newDevice, shot, type RunningServer } from './harness';
import { caretAfterText, createWorkspace, typedPageReadyForOffline, waitForServiceWorker, waitForText, waitSynced, watchErrors } from './app-flow';
import { useServerAndBrowser } from './setup';
import { readModuleMap, VIEW_MODULES } from '../../scripts/route-closure.mjs';

let server: RunningServer;
let browser: Browser;
useServerAndBrowser((s, b) => ([server, browser] = [s, b]));

interface NextBuild {
  dir: string;
  version: string;
  /** The client file this build no longer has (the previous version's agenda view). */
  removed: string;
  /** The hashed client files that carry the version (the app's `version`). */
  versioned: string[];
}

/** The hashed client files (paths from `client/`) whose text holds `text`. */
const filesHolding = (client: string, text: string): string[] =>
  (readdirSync(path.join(client, '_app/immutable'), { recursive: true }) as string[])
    .map((f) => `_app/immutable/${f}`)
    .filter((f) => f.endsWith('.js') && readFileSync(path.join(client, f), 'utf8').includes(text));

/** Drop a client file's precompressed copies (the server would send those instead of it). */
function dropPrecompressed(file: string): void {
  for (const suffix of ['.gz', '.br']) rmSync(file + suffix, { force: true });
}

/** Edit a client file, dropping its precompressed copies. */
function rewrite(file: string, edit: (text: string) => string): void {
  writeFileSync(file, edit(readFileSync(file, 'utf8')));
  dropPrecompressed(file);
}

/** A fresh copy of the build in `build-<name>-<pid>` (inside the repository, so the server bundle finds node_modules). */
function copyBuild(from: string, name: string): string {
  const dir = path.resolve(`build-${name}-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  cpSync(from, dir, { recursive: true });
  return dir;
}

/**
 * A copy of the build as the next deploy: version `<version>-next` (its worker and the app's
 * own `version`), without the agenda view's chunk (in its files and its worker's list). Inside
 * the repository, so the server bundle finds its dependencies in node_modules.
 */
function nextBuild(from: string): NextBuild {
  const dir = copyBuild(from, 'next');
  const client = path.join(dir, 'client');
  const { version: previous } = JSON.parse(readFileSync(path.join(client, '_app/version.json'), 'utf8')) as { version: string };
  const version = `${previous}-next`;
  const removed = readModuleMap(from).chunks.find((c) => VIEW_MODULES.agenda in c.modules)!.file;
  const worker = path.join(client, 'service-worker.js');
  const source = readFileSync(worker, 'utf8');
  // (The minifier may have joined the version to the cache name's prefix: replaced as text.)
  if (!source.includes(previous)) throw new Error(`the worker does not name version ${previous}`);
  if (!source.includes(JSON.stringify(`/${removed}`))) throw new Error(`the worker does not list ${removed}`);
  rewrite(worker, (text) => text.replaceAll(previous, version).replace(`${JSON.stringify(`/${removed}`)},`, ''));
  const versioned = filesHolding(client, previous);
  if (versioned.length === 0) throw new Error(`no client file carries version ${previous}`);
  for (const file of versioned) rewrite(path.join(client, file), (text) => text.replaceAll(previous, version));
  for (const suffix of ['', '.gz', '.br']) rmSync(path.join(client, removed + suffix), { force: true });
  // A static file (same name in every version) whose contents changed.
  rewrite(path.join(client, 'manifest.webmanifest'), (text) => JSON.stringify({ ...JSON.parse(text), description: NEXT_DESCRIPTION }, null, 2));
  return { dir, version, removed, versioned };
}

/** What the next build's manifest says (the current one says nothing of the kind). */
const NEXT_DESCRIPTION = 'Mutual, the next version';

/**
 * A copy of the build as the version before: the same files, with its manifest last modified
 * years ago. Served without Cache-Control (static files keep their names), such a file is
 * fresh in the browser's HTTP cache for a long time by the heuristic every browser applies.
 */
function previousBuild(from: string): string {
  const dir = copyBuild(from, 'prev');
  const manifest = path.join(dir, 'client', 'manifest.webmanifest');
  dropPrecompressed(manifest);
  const longAgo = new Date('2020-01-01T00:00:00Z');
  utimesSync(manifest, longAgo, longAgo);
  return dir;
}

/** The text `url` has in the cache named `cache` (null when it holds none). */
const cachedText = (page: Page, cache: string, url: string): Promise<string | null> =>
  page.evaluate(async ({ cache, url }) => (await (await caches.open(cache)).match(url))?.text() ?? null, { cache, url });

const cacheNames = (page: Page): Promise<string[]> => page.evaluate(() => caches.keys());
/** Whether the page has asked for `file` (its resource timings). */
const asked = (page: Page, file: string): Promise<boolean> =>
  page.evaluate((f) => performance.getEntriesByType('resource').some((r) => r.name.endsWith(`/${f}`)), file);

let next: NextBuild;
let previous: string;
beforeAll(() => {
  const built = process.env.BUILD_DIR || 'build';
  next = nextBuild(built);
  previous = previousBuild(built);
});
afterAll(() => {
  if (next) rmSync(next.dir, { recursive: true, force: true });
  if (previous) rmSync(previous, { recursive: true, force: true });
});

describe('a deploy while the app is open', () => {
  it('the open page keeps loading its own views, offers the new version, and reloads into it with nothing lost', async () => {
    const dev = await newDevice(browser);
    try {
      const { page } = await createWorkspace(dev, server.url, 'Deploy Day Pantry', 'Ana');
      const errors = watchErrors(page, 'Ana');
      await typedPageReadyForOffline(page, 'Pickups at noon');
      const [previous] = await cacheNames(page);
      expect(previous).toMatch(/^mutual-/);
      expect(await page.getByTestId('update-notice').count()).toBe(0);
      expect(await asked(page, next.removed), 'no agenda view loaded before the deploy').toBe(false);

      await server.stop();
      await server.restart({ BUILD_DIR: next.dir });
      // The browser's HTTP cache holds this version's files too (the worker's install fetched
      // them). It is no promise — a phone short of space evicts it first — and a real next build's
      // changed files have new names, which this copy's do not: only the worker's caches count.
      const cdp = await dev.newCDPSession(page);
      await cdp.send('Network.clearBrowserCache');
      await cdp.detach();
      // The browser checks the worker on navigations; an open page asks as a long-open tab would.
      await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r?.update()));
      const notice = page.getByTestId('update-notice');
      await notice.waitFor({ timeout: 30_000 });
      expect(await notice.innerText()).toContain('Mutual has been updated');
      expect(await cacheNames(page), 'the previous version is kept beside the new one').toEqual([previous, `mutual-${next.version}`]);

      // This page is still the previous version: an agenda item's view, whose file the server
      // no longer has, comes from the previous version's cache.
      expect((await fetch(`${server.url}/${next.removed}`)).status, 'the deployed server no longer has the previous agenda view').toBe(404);
      await caretAfterText(page);
      await page.keyboard.press('Enter');
      await page.keyboard.type('/agenda');
      await page.locator('#slash-item-agenda').waitFor();
      await page.keyboard.press('Enter');
      await page.getByTestId('agenda-item').waitFor();
      expect(await asked(page, next.removed), 'the agenda view was loaded after the deploy').toBe(true);
      expect(await page.locator('.m-content [data-failed]').count(), 'no block says it could not be shown').toBe(0);
      await waitSynced(page);
      await shot(page, 'deploy-update-notice');
      await page.setViewportSize({ width: 390, height: 844 });
      await notice.getByRole('button', { name: 'Reload' }).waitFor();
      await shot(page, 'deploy-update-notice-phone');

      // A real next build names the files it changed anew; this copy changed the version's
      // file in place, so the previous version's copy of it leaves the previous cache, as if
      // its name had changed (the open page holds it in memory already).
      await page.evaluate(async ({ cache, files }) => {
        const previousCache = await caches.open(cache);
        for (const file of files) await previousCache.delete(`/${file}`);
      }, { cache: previous!, files: next.versioned });

      await notice.getByRole('button', { name: 'Reload' }).click();
      await waitForText(page, 'Pickups at noon');
      await page.getByTestId('agenda-item').waitFor();
      // The reloaded page is the new version: the worker's answer to its question (asked after
      // the notice's own, so answered after it) names the page's version, and no notice shows.
      const answer = await page.evaluate(
        () =>
          new Promise<unknown>((resolve) => {
            navigator.serviceWorker.addEventListener('message', (event) => resolve(event.data), { once: true });
            navigator.serviceWorker.controller!.postMessage({ kind: 'mutual-version?' });
          })
      );
      expect(answer).toEqual({ kind: 'mutual-version', version: next.version });
      expect(await page.getByTestId('update-notice').count()).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await dev.close();
    }
  });
  it('the new version stores its own static files, not the copies the browser kept of the previous version', async () => {
    await server.stop();
    await server.restart({ BUILD_DIR: previous });
    const dev = await newDevice(browser);
    try {
      const page = await dev.newPage();
      await page.goto(`${server.url}/`);
      await waitForServiceWorker(page);
      const [before] = await cacheNames(page);
      expect(await cachedText(page, before!, '/manifest.webmanifest')).not.toContain(NEXT_DESCRIPTION);

      await server.stop();
      await server.restart({ BUILD_DIR: next.dir });
      await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r?.update()));
      await page.getByTestId('update-notice').waitFor({ timeout: 30_000 });
      // The browser still holds the previous manifest as fresh; the new worker asked the server.
      expect(await cachedText(page, `mutual-${next.version}`, '/manifest.webmanifest')).toContain(NEXT_DESCRIPTION);
    } finally {
      await dev.close();
    }
  });
});

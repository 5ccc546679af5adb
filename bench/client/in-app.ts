/**
 * Open the 1,000-block document the way a member mostly does: from the workspace's list of
 * documents, inside the app (a client-side navigation: the layouts and the workspace's session
 * are up, the document page's code may not be). Each round loads the workspace's page in a new
 * tab's process, waits until it is live and idle (a person reading the list), taps the
 * document's title and types an `x` at the end of the document as soon as its last line is
 * there. Stamps are the open probe's (open.ts), counted from the tap (its `pointerdown`).
 *
 * No reference page: a bare editor has no list to come from; the figures are compared build
 * against build (before/after a change), like the route's size.
 */
import type { Browser, Page } from 'playwright-core';
import type { RunningServer } from '../../tests/e2e/harness.ts';
import type { ScenarioResult } from '../lib/results.ts';
import { median, r1 } from './common.ts';
import { oneDeviceWithBigDocument, openMutual, startCpuProfile } from './open.ts';

export interface InAppParams {
  blocks: number;
  repeats: number;
}

/** What one open from the list measures (ms from the tap on the document's title). */
export interface InAppTiming {
  textMs: number;
  visibleMs: number | null;
  interactiveMs: number;
  /** From the tap to the click on the last line reaching the page (Playwright saw it there and still). */
  clickedMs: number | null;
}

interface Probe {
  text: number;
  visible: number | null;
  typed: number;
  input: [string, number][];
}

/** The workspace's page, live and idle, its document list showing `title`. */
async function workspaceReady(page: Page, url: string, title: string): Promise<void> {
  await page.goto('about:blank');
  await page.goto(url);
  await page.getByRole('link', { name: title, exact: true }).waitFor({ timeout: 60_000 });
  await page.locator('[data-testid="connection-status"][data-state="live"]').waitFor({ timeout: 60_000 });
  // Someone reading the list: the page has had an idle moment (its start-up work done).
  await page.evaluate(() => new Promise((resolve) => requestIdleCallback(resolve, { timeout: 5_000 })));
}

/** Tap the title, type `x` at the end once the last line is there, read the stamps; then remove the `x`. */
async function openFromList(page: Page, title: string): Promise<InAppTiming> {
  // BENCH_CPU_PROFILE=1: the page's CPU profile from just before the tap to the typed `x`.
  const profiler = await startCpuProfile(page, 'in-app');
  await page.getByRole('link', { name: title, exact: true }).click();
  await page.locator('.m-content > p:last-child').click({ timeout: 120_000 });
  await page.keyboard.press('End');
  await page.keyboard.type('x');
  await page.waitForFunction(() => (window as unknown as { __probe?: { typed: number | null } }).__probe?.typed != null, null, { timeout: 120_000, polling: 50 });
  const probe = (await page.evaluate('window.__probe')) as Probe;
  await profiler?.stop();
  await page.keyboard.press('Backspace');
  await page.waitForFunction(() => document.querySelector('.m-content')?.lastElementChild?.textContent === '', null, { timeout: 30_000 });
  await page.getByTestId('doc-status').filter({ hasText: 'All changes synced' }).waitFor({ timeout: 60_000 });
  const taps = probe.input.filter(([type]) => type === 'pointerdown').map(([, at]) => at);
  const tap = taps[0]!;
  return {
    textMs: probe.text - tap,
    visibleMs: probe.visible === null ? null : probe.visible - tap,
    interactiveMs: probe.typed - tap,
    clickedMs: taps[1] === undefined ? null : taps[1] - tap
  };
}

export async function inAppScenario(browser: Browser, server: RunningServer, p: InAppParams, log: (l: string) => void): Promise<ScenarioResult[]> {
  const { device, page, title, workspaceUrl, docUrl } = await oneDeviceWithBigDocument(browser, server, p.blocks);
  try {
    log(`client: in-app open of ${p.blocks} blocks: stored by a first open`);
    await openMutual(page, docUrl, 'reachable');
    const runs: InAppTiming[] = [];
    for (let i = 0; i < p.repeats; i++) {
      await workspaceReady(page, workspaceUrl, title);
      runs.push(await openFromList(page, title));
      log(`client: in-app open ${i + 1}/${p.repeats}: text ${Math.round(runs[i]!.textMs)} ms, interactive ${Math.round(runs[i]!.interactiveMs)} ms after the tap`);
    }
    const med = (pick: (r: InAppTiming) => number | null) => r1(median(runs.map(pick).filter((x): x is number => x !== null)));
    return [
      {
        name: 'client',
        system: 'mutual',
        params: { case: 'open-from-the-list', blocks: p.blocks, relay: 'reachable', repeats: p.repeats },
        metrics: {
          tapToTextMs: med((r) => r.textMs),
          tapToVisibleMs: med((r) => r.visibleMs),
          tapToClickedMs: med((r) => r.clickedMs),
          tapToInteractiveMs: med((r) => r.interactiveMs),
          worstTapToInteractiveMs: r1(Math.max(...runs.map((r) => r.interactiveMs)))
        }
      }
    ];
  } finally {
    await device.close();
  }
}

/**
 * Open a 1,000-block document (tasks, proposals, needs, paragraphs) from the device's
 * IndexedDB, from navigation to interactive, with the relay blocked (only IndexedDB can supply
 * the document) and reachable (what people see) — and the same Y.Doc opened in the bare
 * Lexical + @lexical/yjs reference page (bare.ts) in the same run, for the ratio.
 *
 * One method for both pages: a script installed before the page's own stamps, once per
 * animation frame, the first frame with the document's text in place (`textMs`: its last
 * line exists), with every block element in the viewport showing its view (`visibleMs`), with
 * every block view mounted (`mountedMs`), and with an `x` typed at the end (`interactiveMs`).
 * The bench clicks the last line as soon as Playwright sees it and types with real key
 * presses, so a page that is busy mounting views pays for it in `interactiveMs`. The probe also
 * stamps when the click reached the page (`clickedMs`: Playwright found the line, scrolled to it
 * and saw it still) and how long the page took before the first key reached it
 * (`clickToKeyMs`), and the result counts the page's elements once every view is mounted.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import { newDevice, shot, type RunningServer } from '../../tests/e2e/harness.ts';
import { joinPage, setUp } from './common.ts';
import { bigTemplate, blockViews, publishDocument } from './fixtures.ts';
import { PROFILES_DIR } from './trace.ts';
import { watchRenderer, type RendererStart } from './renderer.ts';

/** What one open measures (ms from navigation start). */
export interface OpenTiming {
  textMs: number;
  visibleMs: number | null;
  mountedMs: number | null;
  interactiveMs: number;
  /** Sum of Chromium's layout-shift scores while opening (content moving on screen by itself; 0 is none). */
  layoutShift: number;
  /** When the bench's click reached the page (its pointerdown): Playwright saw the last line, scrolled to it and found it still. */
  clickedMs: number | null;
  /** From that click to the first key reaching the page: how long the page took to handle the click. */
  clickToKeyMs: number | null;
  /**
   * `selectionchange` events the page received from navigation to the typed `x` (each runs the
   * editor's document-wide selection listener; an input whose value is set by property fires one).
   */
  selectionEvents: number;
  /** Elements in the page once every view was mounted (the DOM every layout, hit test and selection walks). */
  elements: number;
  /** Whether the open ran in a fresh renderer process or one an earlier open ran in (renderer.ts); null outside Chromium. */
  renderer: RendererStart | null;
}

/**
 * In the page from its first script. A string, not a function: tsx's helpers would not exist
 * inside the page. `viewCount` block views make the document "mounted"; 0 skips that stamp.
 */
export const probeScript = (viewCount: number) => `(() => {
  const probe = (window.__probe = { text: null, visible: null, mounted: null, typed: null, shift: 0, shifts: [], input: [], selectionEvents: 0 });
  addEventListener('selectionchange', () => { if (probe.typed === null) probe.selectionEvents++; }, true);
  // Long animation frames (over 50 ms): when, how long, and how much of it was style and layout.
  probe.frames = [];
  try { new PerformanceObserver((list) => { for (const e of list.getEntries()) probe.frames.push([Math.round(e.startTime), Math.round(e.duration), Math.round(e.startTime + e.duration - e.styleAndLayoutStart), e.scripts.map((s) => s.invoker + ' ' + Math.round(s.duration)).join('; ').slice(0, 200)]); }).observe({ type: 'long-animation-frame', buffered: true }); } catch {}
  // When the bench's input reached the page: the click's pointerdown and each keydown. With
  // BENCH_CPU_PROFILE, a named 1 ms marker in the profile at each input (to find it among the samples).
  const marker = ${process.env.BENCH_CPU_PROFILE ? 1 : 0} ? function probeInputMarker() { const end = performance.now() + 1; while (performance.now() < end); } : () => {};
  for (const type of ['pointerdown', 'keydown']) addEventListener(type, (e) => { marker(); probe.input.push([type === 'keydown' ? e.key : type, Math.round(performance.now())]); }, true);
  // Layout shifts (Chromium's CLS entries): content that moved on screen by itself while opening.
  new PerformanceObserver((list) => { for (const e of list.getEntries()) { probe.shift += e.value; probe.shifts.push([Math.round(e.startTime), Math.round(e.value * 1000) / 1000, e.hadRecentInput]); } }).observe({ type: 'layout-shift', buffered: true });
  // Cheap checks (they run every frame; the page under test pays for them): live collections,
  // and only the blocks from the top down to the bottom of the screen.
  const frames = document.getElementsByClassName('mb-frame');
  const onScreenBlocksReady = (content) => {
    for (const block of content.children) {
      if (!block.hasAttribute('data-block-id')) continue;
      const r = block.getBoundingClientRect();
      if (r.top >= innerHeight) return true;
      if (r.bottom > 0 && r.height > 0 && !block.querySelector('.mb-frame, .bare-block')) return false;
    }
    return true;
  };
  const tick = () => {
    const content = document.querySelector('.m-content');
    const last = content && content.lastElementChild;
    if (last && last.tagName === 'P') {
      const now = performance.now();
      if (probe.text === null) probe.text = now;
      if (probe.visible === null && onScreenBlocksReady(content)) probe.visible = now;
      if (probe.mounted === null && (${viewCount} === 0 || frames.length >= ${viewCount})) probe.mounted = now;
      if (probe.typed === null && last.textContent === 'x') probe.typed = now;
    }
    if (probe.typed === null || probe.mounted === null) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();`;

/** One browser device of a new workspace, with its `blocks`-block document published and the probe installed (close `device` after). */
export async function oneDeviceWithBigDocument(browser: Browser, server: RunningServer, blocks: number): Promise<{ device: BrowserContext; page: Page; title: string; workspaceUrl: string; docUrl: string }> {
  const { node, invite } = await setUp(server);
  const device = await newDevice(browser);
  try {
    const page = await joinPage(device, invite, 'Ana');
    const docId = 'big-doc';
    const title = `${blocks} blocks`;
    await publishDocument(node, docId, title, bigTemplate(blocks, { memberId: node.memberId }));
    await device.addInitScript({ content: probeScript(blockViews(blocks)) });
    const workspaceUrl = `${server.url}/w/${node.workspaceId}`;
    return { device, page, title, workspaceUrl, docUrl: `${workspaceUrl}/d/${docId}` };
  } catch (error) {
    await device.close();
    throw error;
  }
}

/** Navigate to `url`, type `x` at the end as soon as it is there, and read the page's stamps. */
export async function timeOpen(page: Page, url: string, settle: (page: Page) => Promise<void>): Promise<OpenTiming> {
  // From a blank tab: navigation start is stamped before the previous document unloads, so
  // reloading would charge the open with the previous page's unload handlers. The profile
  // starts before the navigation: the app's start is part of the open.
  await page.goto('about:blank');
  const profiler = await startCpuProfile(page);
  const renderer = await watchRenderer(page);
  await page.goto(url);
  const last = page.locator('.m-content > p:last-child');
  await last.click({ timeout: 120_000 });
  await page.keyboard.press('End');
  await page.keyboard.type('x');
  // (Predicates are inline arrows: the app's CSP forbids string eval, and named helpers would need tsx's.)
  await page.waitForFunction(() => (window as unknown as { __probe?: { typed: number | null; mounted: number | null } }).__probe?.typed != null, null, { timeout: 120_000, polling: 50 });
  await page.waitForFunction(() => (window as unknown as { __probe?: { mounted: number | null } }).__probe?.mounted != null, null, { timeout: 120_000, polling: 100 });
  const probe = (await page.evaluate('window.__probe')) as { text: number; visible: number | null; mounted: number | null; typed: number; shift: number; shifts: unknown[]; input: [string, number][]; selectionEvents: number };
  const elements = await page.evaluate(() => document.getElementsByTagName('*').length);
  const start = await renderer();
  if (process.env.BENCH_DEBUG) console.log(JSON.stringify(probe), JSON.stringify(await page.evaluate(loadTimings)));
  await profiler?.stop();
  // Remove the mark again so the next run starts from the same document.
  await page.keyboard.press('Backspace');
  await page.waitForFunction(() => document.querySelector('.m-content')?.lastElementChild?.textContent === '', null, { timeout: 30_000 });
  await settle(page);
  const clicked = probe.input.find(([type]) => type === 'pointerdown')?.[1] ?? null;
  const key = probe.input.find(([type]) => type !== 'pointerdown')?.[1] ?? null;
  return {
    textMs: probe.text,
    visibleMs: probe.visible,
    mountedMs: probe.mounted,
    interactiveMs: probe.typed,
    layoutShift: probe.shift,
    clickedMs: clicked,
    clickToKeyMs: clicked !== null && key !== null ? key - clicked : null,
    selectionEvents: probe.selectionEvents,
    elements,
    renderer: start
  };
}

/**
 * BENCH_DEBUG: when the page's HTML and scripts arrived (ms from navigation start), and where the
 * service worker's static routes took its scripts from ('cache': past the worker's JavaScript;
 * 'fetch-event': through it). Runs in the page.
 */
function loadTimings() {
  const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
  const scripts = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter((r) => r.name.endsWith('.js'));
  return {
    html: Math.round(nav.responseEnd),
    navWorker: [Math.round(nav.workerStart), Math.round(nav.fetchStart), Math.round(nav.requestStart), Math.round(nav.responseStart)],
    early: (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter((r) => !r.name.endsWith('.js') || r.name.includes('theme')).slice(0, 8).map((r) => [r.name.replace(/^.*\//, ''), Math.round(r.startTime), Math.round(r.responseEnd), (r as PerformanceResourceTiming & { workerMatchedSourceType?: string }).workerMatchedSourceType ?? '']),
    firstScripts: scripts.slice(0, 4).map((r) => [r.name.replace(/^.*\//, ''), Math.round(r.startTime), Math.round(r.responseEnd)]),
    domContentLoaded: Math.round(nav.domContentLoadedEventEnd),
    load: Math.round(nav.loadEventStart),
    scripts: scripts.length,
    firstScriptAsked: Math.round(Math.min(...scripts.map((r) => r.startTime))),
    firstScriptsIn: Math.round(Math.max(...scripts.filter((r) => r.startTime < nav.domContentLoadedEventEnd).map((r) => r.responseEnd))),
    // (Inline: a named helper here would need tsx's helpers inside the page.)
    sources: [...new Set(scripts.map((r) => (r as PerformanceResourceTiming & { workerMatchedSourceType?: string }).workerMatchedSourceType ?? 'none'))]
  };
}

/**
 * BENCH_CPU_PROFILE=1: a CPU profile of this page alone (an open: from its navigation to the typed `x`;
 * the typing receiver: while the keystrokes arrive),
 * into bench/profiles/open-<port>-<n>.cpuprofile (DevTools → Performance → load). Unlike
 * `--trace`, it does not interrupt the other devices' pages (starting a trace does, for
 * hundreds of milliseconds each).
 */
let profiles = 0;
export async function startCpuProfile(page: Page, name = 'open'): Promise<{ stop(): Promise<void> } | null> {
  if (!process.env.BENCH_CPU_PROFILE) return null;
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 250 });
  await cdp.send('Profiler.start');
  return {
    async stop() {
      const { profile } = await cdp.send('Profiler.stop');
      fs.mkdirSync(PROFILES_DIR, { recursive: true });
      const file = path.join(PROFILES_DIR, `${name}-${new URL(page.url()).port}-${profiles++}.cpuprofile`);
      fs.writeFileSync(file, JSON.stringify(profile));
      await cdp.detach();
    }
  };
}

/** Mutual's page: stored, and synced when the relay is reachable. */
const settleMutual = (relay: 'blocked' | 'reachable') => async (page: Page) => {
  // Blocked: the edits wait for the relay (stored on the device); reachable: the relay confirmed them.
  const words = relay === 'blocked' ? 'Saved on this device' : 'All changes synced';
  await page.getByTestId('doc-status').filter({ hasText: words }).waitFor({ timeout: 60_000 });
};

/** One open of Mutual's document page on a device whose relay is blocked or reachable. */
export function openMutual(page: Page, url: string, relay: 'blocked' | 'reachable'): Promise<OpenTiming> {
  return timeOpen(page, url, settleMutual(relay));
}

/** For a person to look at: the big document as the device shows it, at the top and scrolled half-way. */
export async function shotsOfBigDocument(page: Page, name: string): Promise<void> {
  await shot(page, `${name}-top`).catch(() => {});
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight / 2));
  await shot(page, `${name}-middle`).catch(() => {});
  await page.evaluate(() => window.scrollTo(0, 0));
}

export type { Browser };

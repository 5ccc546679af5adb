/**
 * The editor route's JavaScript (issue 25): every script a page fetches, and which of them were
 * requested before the first paint (the first frame with every block view on screen mounted,
 * `window.__probe.visible`). Used by the open scenario for its first open, and alone by the
 * `route` case (one device, one first open and one reopen: seconds, not the open case's minutes).
 * The build's static closure (scripts/route-closure.mjs) is reported beside it when the build
 * has a module map. Over the budget, the result says so in capitals.
 */
import zlib from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import type { RunningServer } from '../../tests/e2e/harness.ts';
import type { ScenarioResult } from '../lib/results.ts';
import { r1 } from './common.ts';
import { oneDeviceWithBigDocument, timeOpen } from './open.ts';
import { measure, readModuleMap, routeClosure, VIEW_MODULES } from '../../scripts/route-closure.mjs';

/** The editor route's JavaScript budget (issue 25). */
export const BUDGET_KB = 220;

const gz = (b: Buffer) => zlib.gzipSync(b, { level: 9 }).byteLength / 1024;

/** Every script `page` fetches from now on (URL → body), until `stop()`. */
export function collectScripts(page: Page): { scripts: Map<string, Buffer>; stop(): void } {
  const scripts = new Map<string, Buffer>();
  const onResponse = (res: import('playwright-core').Response) => {
    if (res.request().resourceType() === 'script' && !scripts.has(res.url())) res.body().then((b) => scripts.set(res.url(), b), () => {});
  };
  page.on('response', onResponse);
  return { scripts, stop: () => page.off('response', onResponse) };
}

/** The scripts of the page's last navigation requested before its first paint: count, gzipped KB, the largest. */
export async function beforeFirstPaint(page: Page, scripts: Map<string, Buffer>): Promise<{ count: number; gzipKb: number; rawKb: number; largest: string }> {
  const names = new Set(
    (await page.evaluate(`performance.getEntriesByType('resource').filter((e) => e.startTime <= (window.__probe.visible ?? Infinity)).map((e) => e.name)`)) as string[]
  );
  const picked = [...scripts].filter(([url]) => names.has(url));
  const sizes = picked.map(([url, b]) => [url.replace(/^.*\/_app\/immutable\//, ''), gz(b)] as const).sort((a, b) => b[1] - a[1]);
  return {
    count: picked.length,
    gzipKb: sizes.reduce((s, [, k]) => s + k, 0),
    rawKb: picked.reduce((s, [, b]) => s + b.byteLength, 0) / 1024,
    largest: sizes.map(([u, k]) => `${u} ${r1(k)}`).join(', ')
  };
}

/** The build's own figure: the document page's static closure, and with the views of the bench document's kinds. */
function staticClosure(): Record<string, number | string> {
  const buildDir = process.env.BUILD_DIR || 'build';
  try {
    const map = readModuleMap(buildDir);
    const page = measure(routeClosure(map), buildDir);
    const views = measure(routeClosure(map, [VIEW_MODULES.task, VIEW_MODULES.proposal, VIEW_MODULES.need]), buildDir);
    return { staticClosureGzipKb: r1(page.gzipKb)!, staticClosureChunks: page.chunks, withViewsGzipKb: r1(views.gzipKb)!, withViewsChunks: views.chunks };
  } catch (err) {
    return { staticClosure: err instanceof Error ? err.message : String(err) };
  }
}

/** The result for the route, from the first open's figure (the budget's) and the reopen's. */
export function routeResult(first: { count: number; gzipKb: number; rawKb: number }, whole: Map<string, Buffer>, log: (l: string) => void): ScenarioResult {
  const within = first.gzipKb <= BUDGET_KB;
  log(
    within
      ? `client: editor route ${r1(first.gzipKb)} KB gzipped before the first paint: within the ${BUDGET_KB} KB budget`
      : `client: *** EDITOR ROUTE OVER BUDGET: ${r1(first.gzipKb)} KB gzipped before the first paint, budget ${BUDGET_KB} KB (${r1(first.gzipKb - BUDGET_KB)} KB over) ***`
  );
  const wholeKb = [...whole.values()].reduce((s, b) => s + gz(b), 0);
  return {
    name: 'client',
    system: 'mutual',
    params: { case: 'editor-route-js', build: process.env.BUILD_DIR || 'build' },
    metrics: {
      scripts: first.count,
      rawKb: r1(first.rawKb),
      gzipKb: r1(first.gzipKb),
      budgetKb: BUDGET_KB,
      withinBudget: within,
      wholeOpenScripts: whole.size,
      wholeOpenGzipKb: r1(wholeKb),
      ...staticClosure()
    }
  };
}

/** The `route` case alone: one device opens the big document from the relay, then reopens it stored. */
export async function routeScenario(browser: Browser, server: RunningServer, blocks: number, log: (l: string) => void): Promise<ScenarioResult[]> {
  const { device, page, docUrl: url } = await oneDeviceWithBigDocument(browser, server, blocks);
  try {
    const synced = async (pg: Page) => {
      await pg.getByTestId('doc-status').filter({ hasText: 'All changes synced' }).waitFor({ timeout: 120_000 });
    };
    const { scripts, stop } = collectScripts(page);
    log(`client: first open of ${blocks} blocks (from the relay, stored to IndexedDB)`);
    await timeOpen(page, url, synced);
    const first = await beforeFirstPaint(page, scripts);
    log(`client: first-paint scripts, gzipped KB: ${first.largest}`);
    await timeOpen(page, url, synced);
    const stored = await beforeFirstPaint(page, scripts);
    stop();
    const result = routeResult(first, scripts, log);
    result.metrics.storedOpenScripts = stored.count;
    result.metrics.storedOpenGzipKb = r1(stored.gzipKb);
    return [result];
  } finally {
    await device.close();
  }
}

/**
 * Client scenarios (headless Debian chromium via playwright-core, against the production
 * server serving the built app — the browser tests' harness):
 *
 * - open (open.ts): a 1,000-block document opened from the device's IndexedDB to interactive,
 *   with the relay blocked and reachable, and the same Y.Doc in the bare Lexical +
 *   @lexical/yjs reference page (bare/), alternated run by run; Mutual / bare is the figure,
 *   opens in a fresh renderer process against the same (renderer.ts).
 * - in-app (in-app.ts): the same document opened from the workspace's list inside the app, from
 *   the tap on its title to the text and to an `x` typed at the end.
 * - typing (typing.ts): keystroke-to-remote-paint with 10 typists, and where the time goes.
 * - bundle: the JavaScript the editor route loads, gzipped (route.ts; measured by the open case,
 *   or alone with `--cases route`).
 *
 * `trace`: a Chromium performance trace of one open of each kind and of the typing receiver,
 * into bench/profiles/ (trace.ts).
 *
 * Needs the app built into BUILD_DIR (default build/): `BUILD_DIR=build-x npx vite build`.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { cleanupServer, launchBrowser, newDevice, startServer, type RunningServer } from '../../tests/e2e/harness.ts';
import { ratio, type ScenarioResult } from '../lib/results.ts';
import { buildBare, serveBare } from './bare.ts';
import { networkGate } from '../../tests/helpers/network-gate.ts';
import { beforeFirstPaint, collectScripts, routeResult, routeScenario } from './route.ts';
import { joinPage, median, r1, setUp } from './common.ts';
import { bigTemplate, blockViews, publishDocument } from './fixtures.ts';
import { openMutual, probeScript, shotsOfBigDocument, timeOpen, type OpenTiming } from './open.ts';
import type { RendererStart } from './renderer.ts';
import { tracer, type Tracer } from './trace.ts';
import { typingScenario } from './typing.ts';
import { inAppScenario } from './in-app.ts';

export const CLIENT_CASES = ['open', 'in-app', 'typing', 'route'] as const;
export type ClientCase = (typeof CLIENT_CASES)[number];

export interface ClientParams {
  blocks: number;
  /** Opens of the big document per variant (median reported). */
  repeats: number;
  /** Characters the measured page types. */
  keystrokes: number;
  nodeTypists: number;
  /** Which cases to run (default: all). */
  cases?: ClientCase[];
  /** Record Chromium traces into bench/profiles/. */
  trace?: boolean;
}

const r3 = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 1000);

/** The median of `pick` over the opens that have it, to one place. */
const medianOf = (runs: OpenTiming[], pick: (r: OpenTiming) => number | null) => r1(median(runs.map(pick).filter((x): x is number => x !== null)));

function summarise(runs: OpenTiming[]): Record<string, number | null> {
  const med = (pick: (r: OpenTiming) => number | null) => medianOf(runs, pick);
  return {
    textMs: med((r) => r.textMs),
    visibleMs: med((r) => r.visibleMs),
    mountedMs: med((r) => r.mountedMs),
    interactiveMs: med((r) => r.interactiveMs),
    clickedMs: med((r) => r.clickedMs),
    clickToKeyMs: med((r) => r.clickToKeyMs),
    selectionEvents: med((r) => r.selectionEvents),
    elements: med((r) => r.elements),
    layoutShift: r3(median(runs.map((r) => r.layoutShift))),
    worstInteractiveMs: r1(Math.max(...runs.map((r) => r.interactiveMs))),
    ...byRenderer(runs)
  };
}

/** The opens in a fresh renderer process and in one an earlier open ran in, apart (renderer.ts). */
function byRenderer(runs: OpenTiming[]): Record<string, number | null> {
  const of = (start: RendererStart) => runs.filter((r) => r.renderer === start);
  const [cold, warm] = [of('cold'), of('warm')];
  return {
    coldOpens: cold.length,
    coldTextMs: medianOf(cold, (r) => r.textMs),
    coldInteractiveMs: medianOf(cold, (r) => r.interactiveMs),
    warmOpens: warm.length,
    warmTextMs: medianOf(warm, (r) => r.textMs),
    warmInteractiveMs: medianOf(warm, (r) => r.interactiveMs)
  };
}

/** A phone's round trip on bad signal: how long the slow-network open's every HTTP request waits. */
const SLOW_NETWORK_MS = 300;

async function openScenario(browser: Browser, server: RunningServer, p: ClientParams, trace: Tracer, log: (l: string) => void): Promise<ScenarioResult[]> {
  const { node, invite } = await setUp(server);
  // Two devices of the same person: one behind a gate that later blocks the relay's websockets,
  // one whose relay stays reachable.
  const gate = await networkGate({ host: '127.0.0.1', port: server.port });
  const devices = { blocked: await newDevice(browser), reachable: await newDevice(browser) };
  const pages = {
    blocked: await joinPage(devices.blocked, invite.replace(server.url, gate.url), 'Ana'),
    reachable: await joinPage(devices.reachable, invite, 'Ana on a laptop')
  };
  const docId = 'big-doc';
  const update = await publishDocument(node, docId, `${p.blocks} blocks`, bigTemplate(p.blocks, { memberId: node.memberId }));
  const path = `/w/${node.workspaceId}/d/${docId}`;
  const urls = { blocked: gate.url + path, reachable: server.url + path };
  const views = blockViews(p.blocks);
  for (const ctx of Object.values(devices)) await ctx.addInitScript({ content: probeScript(views) });

  // The reference page, in its own device (its own IndexedDB), stored once before timing. It is
  // served twice: with the app's security headers, so that Chromium places it as it places
  // Mutual (a fresh renderer process each open), and without (it keeps the blank tab's process):
  // a cold and a warm reference for Mutual's cold and warm opens (renderer.ts).
  log('client: building the bare Lexical + @lexical/yjs reference');
  const bareDir = await buildBare();
  const bare = await serveBare(bareDir, update, { asTheApp: true });
  const barePlain = await serveBare(bareDir, update, { asTheApp: false });
  // One device each: a second page in the same browser context would be a background tab, its
  // frames and timers held back (a 1 s wait after the key in most opens).
  const bareCtx = await newDevice(browser);
  const barePlainCtx = await newDevice(browser);
  for (const ctx of [bareCtx, barePlainCtx]) await ctx.addInitScript({ content: probeScript(0) });
  const barePage = await bareCtx.newPage();
  const barePlainPage = await barePlainCtx.newPage();
  const noSettle = async () => {};
  const synced = async (pg: Page) => {
    await pg.getByTestId('doc-status').filter({ hasText: 'All changes synced' }).waitFor({ timeout: 120_000 });
  };

  try {
    // The editor route's JavaScript: every script the first open of the document fetches.
    const page = pages.reachable;
    const collected = collectScripts(page);
    log(`client: first open of ${p.blocks} blocks (from the relay, stored to IndexedDB)`);
    const first = await timeOpen(page, urls.reachable, synced);
    // Scripts loaded by later opens too (the listener stays): the stored open's figure below reads their bodies.
    await shotsOfBigDocument(page, 'bench-client-1000-blocks');
    await timeOpen(pages.blocked, urls.blocked, synced);
    gate.block();
    // Fetched and stored: later opens read IndexedDB only.
    await timeOpen(barePage, bare.url, noSettle);
    await timeOpen(barePlainPage, barePlain.url, noSettle);
    const atFirstPaint = await beforeFirstPaint(page, collected.scripts);
    log(`client: first-paint scripts, gzipped KB: ${atFirstPaint.largest}`);
    const bundle = routeResult(atFirstPaint, collected.scripts, log);

    const runs: Record<'blocked' | 'reachable' | 'slow' | 'bare' | 'barePlain', OpenTiming[]> = { blocked: [], reachable: [], slow: [], bare: [], barePlain: [] };
    // Bad signal: every HTTP request of the blocked device waits SLOW_NETWORK_MS at the gate.
    const withSlowGate = async (fn: () => Promise<OpenTiming>): Promise<OpenTiming> => {
      gate.slow(SLOW_NETWORK_MS);
      try {
        return await fn();
      } finally {
        gate.slow(0);
      }
    };
    // The four opens of a round, in an order that turns round by round, so each takes every place
    // equally often: with a fixed order, the slow-network open (always third) reached
    // DOMContentLoaded 300 ms sooner than the blocked open (always first) before any request it
    // held could matter, and no row should carry its place. Within a round the blocked device's
    // two opens stay two places apart, so neither pays more for the other's garbage (across the
    // end of every second round they follow each other).
    const variants = [
      { run: 'blocked', trace: 'open-mutual-relay-blocked', page: pages.blocked, open: () => openMutual(pages.blocked, urls.blocked, 'blocked') },
      { run: 'reachable', trace: 'open-mutual-relay-reachable', page: pages.reachable, open: () => openMutual(pages.reachable, urls.reachable, 'reachable') },
      { run: 'slow', trace: 'open-mutual-slow-network', page: pages.blocked, open: () => withSlowGate(() => openMutual(pages.blocked, urls.blocked, 'blocked')) },
      { run: 'bare', trace: 'open-bare', page: barePage, open: () => timeOpen(barePage, bare.url, noSettle) },
      { run: 'barePlain', trace: 'open-bare-plain', page: barePlainPage, open: () => timeOpen(barePlainPage, barePlain.url, noSettle) }
    ] as const;
    for (let i = 0; i < p.repeats; i++) {
      for (let k = 0; k < variants.length; k++) {
        const v = variants[(i + k) % variants.length]!;
        // The first round traced.
        runs[v.run].push(await (i === 0 ? trace.around(browser, v.page, v.trace, v.open) : v.open()));
      }
      const said = (run: keyof typeof runs) => `${Math.round(runs[run][i]!.interactiveMs)} ms (${runs[run][i]!.renderer ?? '?'})`;
      log(`client: open ${i + 1}/${p.repeats}: relay blocked ${said('blocked')}, reachable ${said('reachable')}, slow network ${said('slow')}, bare Lexical ${said('bare')}, bare without the app's headers ${said('barePlain')}`);
    }
    collected.stop();
    // The same count for the last open of the stored document with the relay reachable (what a
    // person reopening it waits for: its socket's code comes after the paint). Reported beside
    // the first open's figure, which is the one the budget applies to.
    const stored = await beforeFirstPaint(page, collected.scripts);
    bundle.metrics.storedOpenScripts = stored.count;
    bundle.metrics.storedOpenGzipKb = r1(stored.gzipKb);
    // The reference: both bare pages' opens, apart by renderer start (cold opens come from the
    // page with the app's headers, warm ones from the other).
    const reference = summarise([...runs.bare, ...runs.barePlain]);
    const barePlainInteractive = median(runs.barePlain.map((r) => r.interactiveMs));
    const open = (variant: 'blocked' | 'reachable' | 'slow'): ScenarioResult => {
      const s = summarise(runs[variant]);
      const slow = variant === 'slow';
      return {
        name: 'client',
        system: 'mutual',
        params: { case: 'open-from-indexeddb', blocks: p.blocks, blockViews: views, relay: slow ? 'blocked' : variant, ...(slow ? { networkDelayMs: SLOW_NETWORK_MS } : {}), repeats: p.repeats },
        metrics: {
          ...s,
          // (Not against the bare page on a slow network: it has no offline copy to open from.)
          // Like with like (renderer.ts): Mutual's opens in a fresh renderer process against the
          // reference's in a fresh process (a page opened in a new tab: the figure), and in a
          // process that ran an earlier open against the same.
          vsBare: slow ? null : ratio(s.coldInteractiveMs, reference.coldInteractiveMs),
          vsBareWarm: slow ? null : ratio(s.warmInteractiveMs, reference.warmInteractiveMs),
          // The figure of the first ten passes: every open, against the page without the app's headers.
          vsBareMixed: slow ? null : ratio(s.interactiveMs, barePlainInteractive),
          firstOpenFromRelayMs: variant === 'reachable' ? r1(first.interactiveMs) : null
        }
      };
    };
    const referenceResult: ScenarioResult = {
      name: 'client',
      system: 'bare-lexical-yjs',
      params: { case: 'open-from-indexeddb', blocks: p.blocks, blockViews: 0, relay: 'none', repeats: p.repeats * 2 },
      metrics: { ...reference, vsBare: 1 }
    };
    return [open('blocked'), open('reachable'), open('slow'), referenceResult, bundle];
  } finally {
    await bare.close();
    await barePlain.close();
    await gate.close();
    await bareCtx.close();
    await barePlainCtx.close();
    for (const ctx of Object.values(devices)) await ctx.close();
  }
}

/** Run the client scenarios against one production server. Failures become an `error` metric. */
export async function runClient(p: ClientParams, log: (l: string) => void): Promise<ScenarioResult[]> {
  const buildDir = process.env.BUILD_DIR || 'build';
  if (!fs.existsSync(path.join(buildDir, 'handler.js'))) {
    return [{ name: 'client', system: 'mutual', params: { build: buildDir }, metrics: { error: `no built app in ${buildDir}/: run BUILD_DIR=${buildDir} npx vite build first` } }];
  }
  const cases = p.cases ?? [...CLIENT_CASES];
  const trace = tracer(p.trace ?? false, 'client');
  const server = await startServer({ LOG_LEVEL: 'warn' });
  // Without the back/forward cache (BENCH_BFCACHE=1 keeps it): a page left for about:blank is
  // unloaded there, not kept and then torn down inside the next open of its device.
  const browser = await launchBrowser(process.env.BENCH_BFCACHE ? [] : ['--disable-back-forward-cache']);
  const out: ScenarioResult[] = [];
  const guard = async (label: string, fn: () => Promise<ScenarioResult[]>) => {
    try {
      out.push(...(await fn()));
    } catch (err) {
      out.push({ name: 'client', system: 'mutual', params: { case: label }, metrics: { error: err instanceof Error ? err.message.slice(0, 300) : String(err) } });
    }
  };
  try {
    if (cases.includes('open')) await guard('open-from-indexeddb', () => openScenario(browser, server, p, trace, log));
    // The open case measures the route with its first open; `route` alone is that measurement only.
    else if (cases.includes('route')) await guard('editor-route-js', () => routeScenario(browser, server, p.blocks, log));
    if (cases.includes('in-app')) await guard('open-from-the-list', () => inAppScenario(browser, server, p, log));
    if (cases.includes('typing')) {
      // A short document, and the same lines above the 1,000 blocks (Lexical and block views at size).
      for (const blocksBelow of [0, p.blocks]) await guard('keystroke-to-remote-paint', async () => [await typingScenario(browser, server, { ...p, blocksBelow }, trace, log)]);
    }
  } finally {
    await browser.close();
    await cleanupServer(server);
  }
  if (trace.files.length) log(`client: traces in ${trace.files.join(', ')}`);
  return out;
}

/**
 * Which renderer process did an open's work, and had that process run an earlier open?
 *
 * Chromium chooses the process a navigation commits into, and the choice weighs on the open. A
 * page served with `Cross-Origin-Opener-Policy` (Mutual's security headers) leaves the blank
 * tab's process and lands either in a fresh process or in a long-lived one that ran an earlier
 * page of the same device; a fresh process starts its JavaScript engine empty, a reused one
 * still holds the page's compiled code. The eleventh pass (docs/performance.md) found each
 * Mutual device alternating between the two from one open to the next, 200–300 ms apart, while
 * the bare page (no COOP) always kept the blank tab's process: the bench had been comparing a
 * mix of Mutual's cold and warm opens with a warm reference. Each open is now labelled, and the
 * ratios compare like with like.
 *
 * How: Chromium's `SystemInfo.getProcessInfo` (CPU time per process) before the navigation and
 * after the open; the renderer that spent the most CPU in between is the page's.
 */
import type { Browser, CDPSession, Page } from 'playwright-core';

/** `cold`: a process no earlier open ran in; `warm`: one an earlier open of this browser ran in. */
export type RendererStart = 'cold' | 'warm';

interface ProcessInfo {
  type: string;
  id: number;
  cpuTime: number;
}

interface Watch {
  session: CDPSession;
  /** Renderers that ran an open so far. */
  ran: Set<number>;
}

const watches = new WeakMap<Browser, Promise<Watch | null>>();

function watchOf(browser: Browser): Promise<Watch | null> {
  let watch = watches.get(browser);
  if (!watch) {
    // Only Chromium has browser-level CDP sessions: elsewhere opens stay unlabelled.
    watch = browser
      .newBrowserCDPSession()
      .then((session) => ({ session, ran: new Set<number>() }))
      .catch(() => null);
    watches.set(browser, watch);
  }
  return watch;
}

async function cpuByRenderer(watch: Watch): Promise<Map<number, number>> {
  const { processInfo } = (await watch.session.send('SystemInfo.getProcessInfo')) as { processInfo: ProcessInfo[] };
  return new Map(processInfo.filter((p) => p.type === 'renderer').map((p) => [p.id, p.cpuTime]));
}

/** Start watching before the navigation; the returned function, called after the open, labels it. */
export async function watchRenderer(page: Page): Promise<() => Promise<RendererStart | null>> {
  const browser = page.context().browser();
  const watch = browser ? await watchOf(browser) : null;
  if (!watch) return async () => null;
  const before = await cpuByRenderer(watch);
  return async () => {
    const after = await cpuByRenderer(watch);
    let busiest: number | null = null;
    let most = -1;
    for (const [pid, cpu] of after) {
      const spent = cpu - (before.get(pid) ?? 0);
      if (spent > most) [busiest, most] = [pid, spent];
    }
    if (busiest === null) return null;
    const start: RendererStart = watch.ran.has(busiest) ? 'warm' : 'cold';
    watch.ran.add(busiest);
    return start;
  };
}

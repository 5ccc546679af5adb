/**
 * axe-core in the browser tests: run the accessibility rules on the page as it is now, at a
 * desktop and a phone width, in the light and the dark theme, and keep the serious and
 * critical violations (the ones a screen-reader, keyboard or low-vision member trips on).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const source = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export const SIZES = [
  { name: 'desktop', width: 1280, height: 860 },
  { name: 'phone', width: 390, height: 844 }
] as const;
export const THEMES = ['light', 'dark'] as const;

export interface Violation {
  scene: string;
  rule: string;
  impact: string;
  count: number;
  targets: string[];
  help: string;
}

interface AxeResult {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown[]; failureSummary?: string }>;
}

/** One axe run on the page as it is (axe is injected through the debugger, so the CSP does not apply). */
async function runAxe(page: Page): Promise<AxeResult[]> {
  const injected = await page.evaluate(() => 'axe' in window);
  if (!injected) await page.evaluate(source);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (c: unknown, o: unknown) => Promise<{ violations: AxeResult[] }> } }).axe;
    const r = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
      resultTypes: ['violations']
    });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })) }));
  });
}

/** Wait until no CSS transition is running (a colour mid-fade would read as low contrast). */
async function settle(page: Page): Promise<void> {
  await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined))));
}

/**
 * Every serious or critical violation on the page at both sizes and in both themes. The
 * page is left at its first size and the light theme.
 */
export async function audit(page: Page, scene: string): Promise<Violation[]> {
  const found: Violation[] = [];
  const original = page.viewportSize();
  for (const size of SIZES) {
    await page.setViewportSize({ width: size.width, height: size.height });
    for (const theme of THEMES) {
      await page.emulateMedia({ colorScheme: theme });
      // The page follows the device's theme (app.html's inline script); axe checks the colours in it.
      await page.waitForFunction((t) => document.documentElement.dataset.theme === t, theme);
      await settle(page);
      for (const v of await runAxe(page)) {
        if (v.impact !== 'serious' && v.impact !== 'critical') continue;
        found.push({
          scene: `${scene} @${size.name}/${theme}`,
          rule: v.id,
          impact: v.impact,
          help: v.help,
          count: v.nodes.length,
          targets: v.nodes.slice(0, 6).map((n) => `${JSON.stringify(n.target)} ${n.failureSummary?.split('\n').slice(1, 2).join(' ').trim() ?? ''}`)
        });
      }
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  if (original) await page.setViewportSize(original);
  return found;
}

/** Count of violating elements by rule, for the report. */
export function byRule(violations: Violation[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of violations) out[v.rule] = (out[v.rule] ?? 0) + v.count;
  return out;
}

/**
 * Chromium performance traces of the client scenarios (`npm run bench -- --only client
 * --trace`): one trace file per traced run under bench/profiles/ (out of git). Open one in
 * Chrome DevTools (Performance → Load profile) or https://ui.perfetto.dev.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { BENCH_DIR } from '../lib/proc.ts';

/** Where traces go (the folder is in .gitignore). */
export const PROFILES_DIR = path.join(BENCH_DIR, 'profiles');

/** DevTools' own "Performance" categories: JS samples (the CPU profile), tasks, layout, paint. */
const CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'disabled-by-default-devtools.timeline.frame',
  'disabled-by-default-v8.cpu_profiler',
  'v8.execute',
  'blink.user_timing',
  'loading',
  'latencyInfo'
];

/** Tracing on or off for a run; `around` records `fn` into `<name>.trace.json` when on. */
export interface Tracer {
  readonly on: boolean;
  around<T>(browser: Browser, page: Page, name: string, fn: () => Promise<T>): Promise<T>;
  /** Files written so far. */
  readonly files: string[];
}

export function tracer(on: boolean, label: string): Tracer {
  const files: string[] = [];
  return {
    on,
    files,
    async around(browser, page, name, fn) {
      if (!on) return fn();
      fs.mkdirSync(PROFILES_DIR, { recursive: true });
      const file = path.join(PROFILES_DIR, `${label}-${name}.trace.json`);
      await browser.startTracing(page, { path: file, categories: CATEGORIES });
      try {
        return await fn();
      } finally {
        await browser.stopTracing();
        files.push(path.relative(process.cwd(), file));
      }
    }
  };
}

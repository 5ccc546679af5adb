#!/usr/bin/env node
// `npm test`: the whole suite. Installs Debian's chromium when missing (browser tests),
// builds the app (browser tests run against the real production server), then runs
// every vitest project: unit, integration (real relay on loopback), e2e (chromium).
//   npm test                 everything
//   npm test -- --only e2e   one project (unit | integration | e2e)
import { spawnSync } from 'node:child_process';
import { ensureChromium } from './ensure-chromium.mjs';
import { buildIfStale } from './build-if-stale.mjs';

const args = process.argv.slice(2);
const onlyIdx = args.indexOf('--only');
const only = onlyIdx >= 0 ? args[onlyIdx + 1] : null;
const rest = onlyIdx >= 0 ? args.filter((_, i) => i !== onlyIdx && i !== onlyIdx + 1) : args;
const projects = only ? [only] : ['unit', 'integration', 'e2e'];

if (projects.includes('e2e')) {
  if (!ensureChromium()) {
    console.error('Cannot run browser tests without chromium.');
    process.exit(1);
  }
  buildIfStale();
}

const vitestArgs = ['node_modules/vitest/vitest.mjs', 'run', ...projects.flatMap((p) => ['--project', p]), ...rest];
const r = spawnSync(process.execPath, vitestArgs, { stdio: 'inherit', env: { ...process.env, MUTUAL_TEST: '1' } });
process.exit(r.status ?? 1);

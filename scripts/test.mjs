#!/usr/bin/env node
// `npm test`: the whole suite. Installs the Debian packages it needs when missing (chromium,
// firefox-esr, postgresql, redis-server; see ensure-test-packages.mjs), builds the app (browser tests run
// against the real production server), then runs
// every vitest project: unit, integration (real relay on loopback), deploy (the shipped
// Caddyfile and systemd unit, and the production install from the Dockerfile's steps), e2e
// (chromium; firefox-esr for tests/e2e/firefox.test.ts).
//   npm test                 everything
//   npm test -- --only e2e   one project (unit | integration | deploy | e2e)
import { spawnSync } from 'node:child_process';
import { ensureTestPackages } from './ensure-test-packages.mjs';
import { buildIfStale } from './build-if-stale.mjs';

const args = process.argv.slice(2);
const onlyIdx = args.indexOf('--only');
const only = onlyIdx >= 0 ? args[onlyIdx + 1] : null;
const rest = onlyIdx >= 0 ? args.filter((_, i) => i !== onlyIdx && i !== onlyIdx + 1) : args;
const projects = only ? [only] : ['unit', 'integration', 'deploy', 'e2e'];

if (!ensureTestPackages()) {
  console.error('Cannot run the test suite without those packages.');
  process.exit(1);
}
const needsBuild = projects.includes('e2e') || projects.includes('deploy');
if (needsBuild) buildIfStale();

const vitestArgs = ['node_modules/vitest/vitest.mjs', 'run', ...projects.flatMap((p) => ['--project', p]), ...rest];
const r = spawnSync(process.execPath, vitestArgs, { stdio: 'inherit', env: { ...process.env, MUTUAL_TEST: '1', ...(needsBuild ? { MUTUAL_TEST_BUILD: 'made' } : {}) } });
process.exit(r.status ?? 1);

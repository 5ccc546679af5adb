#!/usr/bin/env node
// Compiles messages/*.json into src/lib/paraglide (generated, gitignored) for Vite (build, dev,
// vitest: vite.config.ts runs this script) and for `npm run check`, which runs without Vite.
// Skipped when the output is already made from the same messages (a stamp holds their hash):
// several vitest projects and a build start at once, and recompiling under a running type check
// or test would delete files they are reading. A fresh compile goes to a temporary folder first
// and then replaces the output in one rename.
import { compile } from '@inlang/paraglide-js';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compactMessages } from './paraglide-compact.mjs';
import { paraglideOptions } from './paraglide-options.mjs';

const inputs = [
  join(paraglideOptions.project, 'settings.json'),
  ...readdirSync('messages').filter((f) => f.endsWith('.json')).sort().map((f) => join('messages', f)),
  'scripts/paraglide-options.mjs',
  'scripts/paraglide-compact.mjs',
  'node_modules/@inlang/paraglide-js/package.json'
];
const hash = createHash('sha256');
for (const file of inputs) hash.update(file).update('\0').update(readFileSync(file)).update('\0');
const digest = hash.digest('hex');
const stamp = join(paraglideOptions.outdir, '.inputs-hash');

if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== digest) {
  const tmp = `${paraglideOptions.outdir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  await compile({ ...paraglideOptions, outdir: tmp, silent: true });
  compactMessages(tmp, JSON.parse(readFileSync(inputs[0], 'utf8')).locales);
  writeFileSync(join(tmp, '.inputs-hash'), digest);
  rmSync(paraglideOptions.outdir, { recursive: true, force: true });
  try {
    renameSync(tmp, paraglideOptions.outdir);
  } catch {
    // Another compile of the same messages got there first: its output is the same.
    rmSync(tmp, { recursive: true, force: true });
  }
}
// The inlang SDK leaves timers running after the compile; nothing else is pending here.
process.exit(0);

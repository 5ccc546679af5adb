#!/usr/bin/env node
// `npm start`: build the app if needed, then run the one Mutual process (app + relay).
// On a production install (`npm ci --omit=dev`, no Vite), it serves the build that is there
// and never tries to build: build where the dev dependencies are (`npm run build`, the
// Dockerfile's build stage) and bring build/ along.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { buildIfStale } from './build-if-stale.mjs';

const buildDir = process.env.BUILD_DIR || 'build';
if (existsSync('node_modules/vite/bin/vite.js')) {
  buildIfStale();
  // The server says notifications with the compiled messages (skipped when they are current).
  const compiled = spawnSync(process.execPath, ['scripts/paraglide-compile.mjs'], { stdio: 'inherit' });
  if (compiled.status !== 0) process.exit(compiled.status ?? 1);
} else if (!existsSync(`${buildDir}/handler.js`) || !existsSync('src/lib/paraglide/messages.js')) {
  console.error(`There is no built app in ${buildDir}/ (or no compiled messages in src/lib/paraglide/), and this install has no dev dependencies to build one: run \`npm ci && npm run build\` here, or build elsewhere and copy ${buildDir}/ and src/lib/paraglide/ over.`);
  process.exit(1);
}
const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { stdio: 'inherit', env: process.env });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

// Build the SvelteKit app when build/ is missing or older than its sources, so that
// `npm start` on a fresh clone (or after `git pull`) always serves the current app.
import { statSync, readdirSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

// The build's own plugins too: a change to how chunks are made is a change to the app.
const SOURCES = ['src', 'static', 'messages', 'project.inlang/settings.json', 'svelte.config.js', 'vite.config.ts', 'package-lock.json', 'scripts/first-paint-chunks.mjs', 'scripts/lazy-clipboard.mjs', 'scripts/module-map.mjs', 'scripts/route-closure.mjs'];

/** Newest modification time under `p` (0 when missing). @param {string} p @returns {number} */
function newest(p) {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const entry of readdirSync(p)) max = Math.max(max, newest(path.join(p, entry)));
  return max;
}

/** Build unless the build is newer than every source; true when it built. @param {{ force?: boolean }} [options] */
export function buildIfStale({ force = false } = {}) {
  const marker = `${process.env.BUILD_DIR || 'build'}/handler.js`;
  const built = existsSync(marker) ? statSync(marker).mtimeMs : 0;
  const sources = Math.max(...SOURCES.map(newest));
  if (!force && built > sources) return false;
  console.log(built ? 'Sources changed since the last build; building the app…' : 'Building the app (first start)…');
  const r = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build'], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('The app failed to build; see the messages above.');
    process.exit(r.status ?? 1);
  }
  return true;
}

// Every script a page loads before its first paint, announced with the page (issue 25).
//
// SvelteKit sends a page's scripts as `Link: <…>; rel="modulepreload"` headers, from each route
// node's `imports` list, which it computes from the client build's manifest (`find_deps`). That
// walk marks a chunk as seen when it first reaches it through a *dynamic* import, and then skips
// it when a static import reaches it later. Since the boot chunk holds SvelteKit's app entry
// (scripts/first-paint-chunks.mjs), which imports every route node dynamically, most chunks are
// reached that way first: the document page announced 13 of its 30 scripts, and the browser
// found the other 17 only after parsing the chunks importing them, one round trip later
// (≈ 100 ms of opening a document, docs/performance.md "Seventh pass").
//
// This plugin (server build only) runs after SvelteKit has written its server nodes and before
// the adapter bundles them, and completes each node's `imports` with the static-import closure
// of what it lists, read from the same client manifest. It only ever adds scripts the page
// imports statically, so nothing is fetched that the page would not load anyway.
// `tests/e2e/route-closure.test.ts` checks the document page's headers against the closure.
import fs from 'node:fs';
import path from 'node:path';
import { buildPlugin, kitOutDir } from './module-map.mjs';

const IMPORTS = /^export const imports = (\[.*\]);$/m;

/**
 * The static-import closure of `files` (served paths such as `_app/immutable/chunks/X.js`) in
 * a Vite manifest, `files` first, in order.
 * @param {Record<string, { file: string, imports?: string[] }>} manifest
 * @param {string[]} files
 * @returns {string[]}
 */
export function staticClosure(manifest, files) {
  const byFile = new Map(Object.values(manifest).map((entry) => [entry.file, entry]));
  const out = new Set(files);
  const stack = [...files];
  while (stack.length) {
    const entry = byFile.get(/** @type {string} */ (stack.pop()));
    for (const key of entry?.imports ?? []) {
      const file = manifest[key]?.file;
      if (file && !out.has(file)) {
        out.add(file);
        stack.push(file);
      }
    }
  }
  return [...out];
}

/**
 * Complete the `imports` of every server node under `outDir` (SvelteKit's output folder).
 * @param {string} outDir
 */
export function completeNodeImports(outDir) {
  const manifestFile = path.join(outDir, 'client', '.vite', 'manifest.json');
  const nodesDir = path.join(outDir, 'server', 'nodes');
  if (!fs.existsSync(manifestFile) || !fs.existsSync(nodesDir)) throw new Error(`no client manifest or server nodes under ${outDir}`);
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
  for (const name of fs.readdirSync(nodesDir).filter((n) => n.endsWith('.js'))) {
    const file = path.join(nodesDir, name);
    const source = fs.readFileSync(file, 'utf8');
    const match = IMPORTS.exec(source);
    if (!match) throw new Error(`${file} has no \`export const imports = […]\` line`);
    const listed = JSON.parse(match[1]);
    const complete = staticClosure(manifest, listed);
    if (complete.length > listed.length) fs.writeFileSync(file, source.replace(IMPORTS, `export const imports = ${JSON.stringify(complete)};`));
  }
}

/** @returns {import('vite').Plugin} */
export function preloadClosure() {
  return buildPlugin('mutual-preload-closure', (build) => ({
    // After SvelteKit's own (sequential) writeBundle, which builds the client and writes the
    // nodes; the adapter bundles them in closeBundle.
    writeBundle: {
      sequential: true,
      handler() {
        if (!build.ssr) return;
        try {
          completeNodeImports(path.join(build.root, kitOutDir(), 'output'));
        } catch (error) {
          // SvelteKit's output changed: pages still load, with the browser finding some scripts later.
          console.warn(`[preload-closure] ${error instanceof Error ? error.message : error}; modulepreload headers left as SvelteKit wrote them`);
        }
      }
    }
  }));
}

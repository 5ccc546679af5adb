#!/usr/bin/env node
// What the document page (/w/<id>/d/<docId>) loads before its first paint, from the client
// build's module map (scripts/module-map.mjs): the static-import closure of SvelteKit's entry,
// the root and workspace layouts and the document page, optionally with the block views of the
// kinds on screen (loaded before the first paint by design). Each chunk is gzipped as served and
// its bytes attributed to its modules by their share of the chunk's raw size (issue 25).
//
//   BUILD_DIR=build-x npx vite build && BUILD_DIR=build-x node scripts/route-closure.mjs [--views task,proposal,need] [--top 40]
//   BUILD_DIR=build-x node scripts/route-closure.mjs --why src/lib/shared/model/pulse.ts   (the import chain that brings it)
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { moduleMapPath } from './module-map.mjs';

/** The modules whose chunks start the document page (besides SvelteKit's entry chunks). */
export const DOCUMENT_ROUTE = ['src/routes/+layout.svelte', 'src/routes/w/[workspaceId]/+layout.svelte', 'src/routes/w/[workspaceId]/d/[docId]/+page.svelte'];

/** The modules whose chunks start the home page (/, the list of this device's workspaces). */
export const HOME_ROUTE = ['src/routes/+layout.svelte', 'src/routes/+page.svelte'];

/** The modules whose chunks start a workspace's page (/w/<id>, its documents). */
export const WORKSPACE_ROUTE = ['src/routes/+layout.svelte', 'src/routes/w/[workspaceId]/+layout.svelte', 'src/routes/w/[workspaceId]/+page.svelte'];

/** The block views by kind, loaded with the first document that shows the kind. */
export const VIEW_MODULES = {
  proposal: 'src/lib/editor/nodes/Proposal/ProposalView.svelte',
  task: 'src/lib/editor/nodes/Task/TaskView.svelte',
  need: 'src/lib/editor/nodes/Need/NeedView.svelte',
  agenda: 'src/lib/editor/nodes/Agenda/AgendaView.svelte'
};

/** @typedef {{ file: string, isEntry: boolean, facade?: string | null, imports: string[], dynamicImports: string[], modules: Record<string, number> }} Chunk */
/** @typedef {{ chunks: Chunk[], imports?: Record<string, string[]> }} ModuleMap */

/** Read the module map of the build in `buildDir`. @returns {ModuleMap} */
export function readModuleMap(buildDir = process.env.BUILD_DIR || 'build') {
  const file = moduleMapPath(buildDir);
  if (!fs.existsSync(file)) throw new Error(`no module map at ${file}: build with \`BUILD_DIR=${buildDir} npx vite build\` first`);
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/**
 * The chunks loaded before the document page's first paint (or `route`'s): the static closure of
 * the entry chunks, the route's chunks and the chunks holding `extraModules` (e.g. block views).
 * @param {ModuleMap} map @param {string[]} [extraModules] @param {string[]} [route] @returns {Chunk[]}
 */
export function routeClosure(map, extraModules = [], route = DOCUMENT_ROUTE) {
  const byFile = new Map(map.chunks.map((c) => [c.file, c]));
  const holding = (/** @type {string} */ id) => {
    const chunk = map.chunks.find((c) => id in c.modules);
    if (!chunk) throw new Error(`no chunk holds ${id}`);
    return chunk;
  };
  // SvelteKit loads each route node's own file, which may only re-export a shared chunk.
  const imports = map.imports ?? {};
  const nodes = map.chunks.filter((c) => c.facade && /\/nodes\/\d+\.js$/.test(c.facade) && (imports[c.facade] ?? []).some((id) => route.includes(id)));
  const roots = [...map.chunks.filter((c) => c.file.includes('/entry/')), ...nodes, ...[...route, ...extraModules].map(holding)];
  const seen = new Set();
  const stack = [...roots];
  while (stack.length) {
    const c = /** @type {Chunk} */ (stack.pop());
    if (seen.has(c.file)) continue;
    seen.add(c.file);
    for (const f of c.imports) stack.push(/** @type {Chunk} */ (byFile.get(f)));
  }
  return map.chunks.filter((c) => seen.has(c.file));
}

/**
 * A chain of static imports from one of the document route's (or `route`'s) modules to `target`
 * (the reason it is on the first paint), or null.
 * @param {ModuleMap} map @param {string} target @param {string[]} [route]
 */
export function whyIncluded(map, target, route = DOCUMENT_ROUTE) {
  const imports = map.imports ?? {};
  /** @type {Map<string, string | null>} */
  const from = new Map(route.map((id) => [id, null]));
  const queue = [...route];
  while (queue.length) {
    const id = /** @type {string} */ (queue.shift());
    if (id === target) {
      const chain = [id];
      for (let at = from.get(id); at; at = from.get(at)) chain.unshift(at);
      return chain;
    }
    for (const next of imports[id] ?? []) if (!from.has(next)) (from.set(next, id), queue.push(next));
  }
  return null;
}

/** The module ids in a closure. @param {Chunk[]} chunks */
export function closureModules(chunks) {
  return chunks.flatMap((c) => Object.keys(c.modules));
}

/** Which part of the code a module id belongs to (a package, or a folder of the app). @param {string} id */
export function origin(id) {
  const nm = id.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const parts = id.slice(nm + 'node_modules/'.length).split('/');
    return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? id);
  }
  if (id.startsWith('src/lib/paraglide')) return 'messages';
  const parts = id.split('/');
  if (id.startsWith('src/lib/')) return parts.slice(0, parts.length > 4 ? 4 : 3).join('/');
  if (id.startsWith('src/routes/')) return 'routes';
  return parts[0] === '.svelte-kit' || parts[0]?.startsWith('.svelte-kit') ? 'sveltekit (generated)' : parts[0] ?? id;
}

/**
 * Gzipped size of each chunk as served, and each module's attributed share.
 * @param {Chunk[]} chunks @param {string} buildDir
 */
export function measure(chunks, buildDir = process.env.BUILD_DIR || 'build') {
  let gzip = 0;
  /** @type {Map<string, number>} */
  const modules = new Map();
  for (const c of chunks) {
    const body = fs.readFileSync(path.join(buildDir, 'client', c.file));
    const gz = zlib.gzipSync(body, { level: 9 }).byteLength;
    gzip += gz;
    const raw = Object.values(c.modules).reduce((s, n) => s + n, 0) || 1;
    for (const [id, n] of Object.entries(c.modules)) modules.set(id, (modules.get(id) ?? 0) + (gz * n) / raw);
  }
  return { gzipKb: gzip / 1024, chunks: chunks.length, modules };
}

function main() {
  const argv = process.argv.slice(2);
  const arg = (/** @type {string} */ name) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const buildDir = process.env.BUILD_DIR || 'build';
  const views = (arg('--views') ?? '').split(',').filter(Boolean);
  const top = Number(arg('--top') ?? 40);
  const map = readModuleMap(buildDir);
  const why = arg('--why');
  if (why) {
    const target = Object.keys(map.imports ?? {}).find((id) => id.endsWith(why)) ?? why;
    console.log(whyIncluded(map, target)?.join('\n  → ') ?? `${target}: not statically imported by the document route`);
    return;
  }
  const kb = (/** @type {number} */ b) => (b / 1024).toFixed(1);
  const all = measure(map.chunks, buildDir);
  const page = measure(routeClosure(map), buildDir);
  const extra = views.map((v) => /** @type {Record<string, string>} */ (VIEW_MODULES)[v] ?? v);
  const withViews = measure(routeClosure(map, extra), buildDir);
  console.log(`all client JavaScript: ${all.gzipKb.toFixed(1)} KB gzipped in ${all.chunks} chunks`);
  console.log(`document page's static closure: ${page.gzipKb.toFixed(1)} KB in ${page.chunks} chunks`);
  if (views.length) console.log(`with the views of ${views.join(', ')}: ${withViews.gzipKb.toFixed(1)} KB in ${withViews.chunks} chunks`);
  /** @type {Map<string, number>} */
  const groups = new Map();
  for (const [id, b] of withViews.modules) groups.set(origin(id), (groups.get(origin(id)) ?? 0) + b);
  console.log('\nby origin (KB gzipped, attributed):');
  for (const [g, b] of [...groups].sort((a, b) => b[1] - a[1])) if (b >= 100) console.log(`  ${kb(b).padStart(6)}  ${g}`);
  console.log(`\nlargest modules (top ${top}, app code only):`);
  const app = [...withViews.modules].filter(([id]) => !id.includes('node_modules/')).sort((a, b) => b[1] - a[1]);
  for (const [id, b] of app.slice(0, top)) console.log(`  ${kb(b).padStart(6)}  ${id}`);
}

if (import.meta.url === `file://${process.argv[1]}`) main();

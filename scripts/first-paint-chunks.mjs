// Fewer, larger chunks for the first paint (issue 25, docs/performance.md "Sixth pass").
//
// Rollup's default splitting makes one chunk per set of entries that share a module, so the
// document page's first paint came in ≈ 50 chunks, each a request through the service worker's
// fetch handler and a gzip stream of its own. This plugin (client build only) groups the modules
// each route layer needs *statically* before its first paint into one chunk per layer:
//
//   boot       SvelteKit's start and app entries with the root layout (every page loads these)
//   workspace  the workspace layout (every page under /w/<id>)
//   document   the document page, with the block views of the kinds most documents show
//
// A module goes to the outermost layer whose first paint needs it, so no page loads code twice,
// and only when every entry that needs it may load that layer's chunk: an entry (a page, or a
// chunk loaded by import()) may load a layer's chunk when it is reached only from that layer's
// pages, or when it is a lazy chunk that needs the layer's anchor module anyway (Lexical). A
// module another page needs (the home page, a panel of every workspace page) is left to Rollup's
// own splitting, so the home page never loads the editor. Modules reached only by import() stay
// in their own lazy chunks (they are not in any layer's static closure). The layer's own entry
// modules (SvelteKit's route node, its start and app) go to the layer's chunk too, and Rollup
// leaves a two-line file under the entry's name that SvelteKit loads: otherwise Rollup may put
// modules the layer shares with other pages beside the entry module, and the layer's chunk and
// that chunk would import each other.
//
// "Needs" is Rollup's own notion after tree-shaking (`Module.getDependenciesToBeIncluded`, what
// its default splitting uses), not the import statements: a barrel such as the messages'
// `_index.js` or `$lib/shared/model/index.ts` imports everything, but a page needs only what it
// uses. Rollup gives plugins no public access to it, so the plugin takes the graph's module table
// from the `getModuleIds` the `manualChunks` function receives. Should a Rollup update change
// that, the build warns and keeps Rollup's default splitting; `tests/e2e/route-closure.test.ts`
// then fails on the number of first-paint chunks.
import path from 'node:path';
import { buildPlugin } from './module-map.mjs';

/**
 * @typedef {{ name: string, route: string, scope?: RegExp, also?: string[], anchor?: string }} Layer
 *   route: the layer's route component (relative to the project root); scope: the route
 *   components of the pages that load this layer (default: just `route`); also: more modules
 *   loaded before the first paint (dynamic entries such as block views); anchor: a module whose
 *   lazy needers (chunks loaded by import()) may load this layer's chunk wherever they are.
 */

/**
 * @param {{ layers: Layer[], report?: (lines: string[]) => void }} options
 * @returns {import('vite').Plugin}
 */
export function firstPaintChunks({ layers, report }) {
  return buildPlugin('mutual-first-paint-chunks', (build) => ({
    outputOptions(options) {
      if (build.ssr) return null;
      /** @type {Map<string, string> | null} */
      let assignment = null;
      /** @type {import('rollup').GetManualChunk} */
      const manualChunks = (id, api) => {
        if (!assignment) {
          const modules = moduleTable(api);
          try {
            if (!modules) throw new Error('Rollup did not expose its module table');
            const result = assign(modules, layers, (/** @type {string} */ id) => rel(build.root, id));
            assignment = result.assignment;
            report?.(result.lines);
          } catch (error) {
            // Rollup's internals changed: its own splitting still makes a working app.
            console.warn(`[first-paint-chunks] ${error instanceof Error ? error.message : error}; keeping Rollup's default chunks`);
            assignment = new Map();
          }
        }
        return assignment.get(id) ?? null;
      };
      // Only the modules named go to a layer's chunk: by default Rollup would pull in every module
      // they import, used or not (the messages' barrel imports all 1,300 messages).
      return { ...options, manualChunks, onlyExplicitManualChunks: true };
    }
  }));
}

/** @param {string} root @param {string} id */
function rel(root, id) {
  return path.relative(root, id.replace(/^\0/, '')).split(path.sep).join('/');
}

/**
 * Rollup's module table (id → its Module), taken while `getModuleIds()` reads its keys.
 * @param {import('rollup').ManualChunkMeta} api
 * @returns {Map<string, any> | null}
 */
function moduleTable(api) {
  const keys = Map.prototype.keys;
  /** @type {Map<string, any> | null} */
  let table = null;
  Map.prototype.keys = function () {
    table ??= this;
    return keys.call(this);
  };
  try {
    api.getModuleIds();
  } finally {
    Map.prototype.keys = keys;
  }
  if (!table) return null;
  const some = [.../** @type {Map<string, any>} */ (table).values()].find((m) => m && typeof m.getDependenciesToBeIncluded === 'function');
  return some ? table : null;
}

/**
 * @param {Map<string, any>} table Rollup's modules by id
 * @param {Layer[]} layers outermost first
 * @param {(id: string) => string} relId
 */
function assign(table, layers, relId) {
  /** @type {any[]} */
  const modules = [...table.values()].filter((m) => typeof m.getDependenciesToBeIncluded === 'function');
  const isModule = (/** @type {any} */ m) => m && typeof m.getDependenciesToBeIncluded === 'function';
  /** @type {Map<any, any[]>} */
  const depsCache = new Map();
  const deps = (/** @type {any} */ m) => {
    let d = depsCache.get(m);
    if (!d) depsCache.set(m, (d = [...m.getDependenciesToBeIncluded()].filter(isModule)));
    return d;
  };
  const dynamicTargets = (/** @type {any} */ m) =>
    m.dynamicImports.map((/** @type {any} */ d) => d.node?.resolution).filter((/** @type {any} */ r) => isModule(r) && r.includedDynamicImporters.length > 0);
  /** The static closure (what must be loaded with it). @param {any[]} roots */
  const closure = (roots) => {
    const seen = new Set(roots);
    for (const m of seen) for (const d of deps(m)) seen.add(d);
    return seen;
  };
  /** @type {Map<any, Set<any>>} */
  const closureOf = new Map();
  const closureOfEntry = (/** @type {any} */ e) => {
    let c = closureOf.get(e);
    if (!c) closureOf.set(e, (c = closure([e])));
    return c;
  };

  const staticEntries = modules.filter((m) => m.info.isEntry);
  const staticSet = new Set(staticEntries);
  // SvelteKit's route nodes (`generated/client-optimized/nodes/N.js`) by the route component they load.
  /** @type {Map<any, string>} */
  const routeOfNode = new Map();
  for (const e of staticEntries) {
    if (!/\/nodes\/\d+\.js$/.test(e.id)) continue;
    const component = e.info.importedIds.map(relId).find((/** @type {string} */ id) => /^src\/routes\/.*\+(page|layout|error)\.svelte$/.test(id));
    routeOfNode.set(e, component ?? relId(e.id));
  }
  const nodeOfRoute = (/** @type {string} */ route) => [...routeOfNode].find(([, r]) => r === route)?.[0];

  // Where each lazy chunk can be loaded from: the static entries that reach it through imports
  // and import()s (without going through another static entry: the app's table of routes).
  /** @type {Map<any, Set<any>>} */
  const origins = new Map();
  for (const entry of staticEntries) {
    const seen = new Set([entry]);
    for (const m of seen) {
      for (const d of deps(m)) if (!staticSet.has(d)) seen.add(d);
      for (const t of dynamicTargets(m)) {
        if (staticSet.has(t)) continue;
        if (!origins.has(t)) origins.set(t, new Set());
        /** @type {Set<any>} */ (origins.get(t)).add(entry);
        seen.add(t);
      }
    }
  }
  const allEntries = [...staticEntries, ...origins.keys()];
  /** @type {Map<any, Set<any>>} which entries need each module before they run */
  const needers = new Map();
  for (const e of allEntries) {
    for (const m of closureOfEntry(e)) {
      if (!needers.has(m)) needers.set(m, new Set());
      /** @type {Set<any>} */ (needers.get(m)).add(e);
    }
  }

  /** @type {Map<string, string>} */
  const assignment = new Map();
  /** @type {string[]} */
  const lines = [];
  const taken = new Set();
  /** @type {{ name: string, mayLoad: (e: any) => boolean }[]} the layers done, outermost first */
  const outer = [];
  for (const layer of layers) {
    const node = nodeOfRoute(layer.route);
    if (!node) {
      lines.push(`${layer.name}: no route node loads ${layer.route}; skipped`);
      continue;
    }
    const scope = layer.scope ?? new RegExp(`^${layer.route.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
    const anchor = layer.anchor ? modules.find((m) => relId(m.id) === layer.anchor || relId(m.id).endsWith(`/${layer.anchor}`)) : undefined;
    // The pages that load this layer.
    const scopeNodes = new Set([...routeOfNode].filter(([, r]) => scope.test(r)).map(([n]) => n));
    // The boot layer: SvelteKit's own entries (start, app) load with every page.
    const isBoot = outer.length === 0;
    if (isBoot) for (const e of staticEntries) if (!routeOfNode.has(e)) scopeNodes.add(e);
    const extra = (layer.also ?? []).map((id) => modules.find((m) => relId(m.id) === id)).filter(Boolean);
    const roots = isBoot ? [...scopeNodes].filter((n) => !routeOfNode.has(n) || n === node) : [node];
    const wanted = closure([...roots, ...extra]);
    /** May `e` (a page, or a chunk loaded by import()) load this layer's chunk? */
    const mayLoad = (/** @type {any} */ e) => {
      if (isBoot || scopeNodes.has(e)) return true;
      // A lazy chunk that needs the anchor anyway (a version's view needs Lexical). Not a page: a
      // page that needs Lexical for one function (creating a document) would carry the editor's page.
      if (anchor && !staticSet.has(e) && closureOfEntry(e).has(anchor)) return true;
      const from = origins.get(e);
      return Boolean(from && from.size && [...from].every((o) => scopeNodes.has(o)));
    };
    /** @type {Map<string, number>} */
    const counts = new Map();
    /** @type {Map<string, number>} */
    const left = new Map();
    for (const m of wanted) {
      if (taken.has(m) || (staticSet.has(m) && !roots.includes(m))) continue;
      const users = [.../** @type {Set<any>} */ (needers.get(m) ?? new Set())];
      // The innermost layer every entry needing it may load: this one, or an outer one (a module
      // the document page shares with other workspace pages goes to the workspace's chunk). Never
      // the boot layer for a module found here: the pages outside the workspace would carry it.
      const home = [...outer.slice(1), { name: layer.name, mayLoad }].reverse().find((l) => users.every((e) => l.mayLoad(e)));
      if (!home) {
        const key = users.filter((e) => !mayLoad(e)).map((e) => routeOfNode.get(e) ?? relId(e.id)).sort().join(', ');
        left.set(key, (left.get(key) ?? 0) + 1);
        continue;
      }
      taken.add(m);
      assignment.set(m.id, home.name);
      counts.set(home.name, (counts.get(home.name) ?? 0) + 1);
    }
    outer.push({ name: layer.name, mayLoad });
    lines.push(`${layer.name}: ${[...counts].map(([name, n]) => `${n} modules to ${name}`).join(', ')}`);
    for (const [who, n] of [...left].sort((a, b) => b[1] - a[1]).slice(0, 12)) lines.push(`  ${n} left to Rollup (also needed by ${who})`);
  }
  return { assignment, lines };
}

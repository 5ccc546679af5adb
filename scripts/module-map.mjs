// A Vite plugin that records, for the client build, which modules went into which chunk and how
// the chunks import each other (Rollup's own bundle description). `scripts/route-closure.mjs`
// reads it to tell what the document page loads before its first paint and where those bytes
// come from (issue 25); `tests/e2e/route-closure.test.ts` fails when a named heavy module
// enters that closure. Written beside SvelteKit's intermediate files, never into the served
// client folder.
import fs from 'node:fs';
import path from 'node:path';

/** SvelteKit's intermediate folder for this build (the same rule as svelte.config.js). */
export function kitOutDir(buildDir = process.env.BUILD_DIR || 'build') {
  return buildDir === 'build' ? '.svelte-kit' : `.svelte-kit-${buildDir.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

/** Where the client build's module map is written. */
export function moduleMapPath(buildDir = process.env.BUILD_DIR || 'build') {
  return path.join(kitOutDir(buildDir), 'output', 'client-module-map.json');
}

/**
 * A Vite plugin that runs only in builds, with `hooks` told (once the config is read) whether
 * this build is the server's and where the project's root is.
 * @param {string} name
 * @param {(build: { ssr: boolean, root: string }) => Omit<import('vite').Plugin, 'name'>} hooks
 * @returns {import('vite').Plugin}
 */
export function buildPlugin(name, hooks) {
  const build = { ssr: false, root: process.cwd() };
  return {
    name,
    apply: 'build',
    configResolved(config) {
      build.ssr = Boolean(config.build.ssr);
      build.root = config.root;
    },
    ...hooks(build)
  };
}

/** @returns {import('vite').Plugin} */
export function moduleMap() {
  return buildPlugin('mutual-module-map', (build) => ({
    generateBundle(_options, bundle) {
      if (build.ssr) return;
      const root = build.root;
      // A package is named from its `node_modules/`, also when that folder is a link to another
      // checkout's (a git worktree's): the names tests/e2e/route-closure.test.ts lists stay valid.
      const rel = (/** @type {string} */ id) => {
        const name = path.relative(root, id.replace(/^\0/, '')).split(path.sep).join('/');
        return name.startsWith('../') && name.includes('/node_modules/') ? name.slice(name.indexOf('/node_modules/') + 1) : name;
      };
      const chunks = [];
      for (const out of Object.values(bundle)) {
        if (out.type !== 'chunk') continue;
        chunks.push({
          file: out.fileName,
          isEntry: out.isEntry,
          // The module this file is the entry of (SvelteKit's route nodes load by file name: a
          // node whose code went to a shared chunk leaves a file that only re-exports it).
          facade: out.facadeModuleId ? rel(out.facadeModuleId) : null,
          imports: out.imports,
          dynamicImports: out.dynamicImports,
          modules: Object.fromEntries(Object.entries(out.modules).map(([id, m]) => [rel(id), m.renderedLength])),
          // What the bundle kept of each module (the rest was tree-shaken): the exports to look for
          // when asking which importer brought a module in.
          exports: Object.fromEntries(Object.entries(out.modules).filter(([, m]) => m.renderedLength > 0).map(([id, m]) => [rel(id), m.renderedExports]))
        });
      }
      // Each module's static imports, to answer "why is this module on the first paint?" (--why).
      /** @type {Record<string, string[]>} */
      const imports = {};
      for (const id of this.getModuleIds()) {
        const info = this.getModuleInfo(id);
        if (info?.importedIds.length) imports[rel(id)] = info.importedIds.map(rel);
      }
      const file = moduleMapPath();
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, JSON.stringify({ chunks, imports }));
    }
  }));
}


/**
 * Marks the app's pure modules as free of side effects, as a package's `"sideEffects": false`
 * does for a library. Otherwise Rollup keeps every module a barrel re-exports
 * (`$lib/shared/model/index.ts`) as a dependency of whoever imports one name from the barrel,
 * so the pulse, secret ballots or the needs board came with the document page's first paint
 * whenever another page used them (issue 25). The shared model is pure by design (no DOM, no
 * module-level effects: DESIGN.md), and so are the compiled messages.
 * @param {RegExp[]} patterns ids (relative to the project root) of modules without side effects
 * @returns {import('vite').Plugin}
 */
export function pureModules(patterns) {
  let root = process.cwd();
  return {
    name: 'mutual-pure-modules',
    apply: 'build',
    enforce: 'post',
    configResolved(config) {
      root = config.root;
    },
    transform(code, id) {
      const rel = path.relative(root, id).split(path.sep).join('/');
      return patterns.some((p) => p.test(rel)) ? { code, map: null, moduleSideEffects: false } : null;
    }
  };
}

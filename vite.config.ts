import { sveltekit } from '@sveltejs/kit/vite';
import { execFileSync } from 'node:child_process';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';
import { mutualDevServer } from './server/dev-plugin.ts';
import { lazyClipboard } from './scripts/lazy-clipboard.mjs';
import { moduleMap, pureModules } from './scripts/module-map.mjs';
import { firstPaintChunks } from './scripts/first-paint-chunks.mjs';
import { preloadClosure } from './scripts/preload-closure.mjs';
import { DOCUMENT_ROUTE, VIEW_MODULES } from './scripts/route-closure.mjs';

/**
 * The route layers whose first-paint modules each go to one chunk (scripts/first-paint-chunks.mjs,
 * issue 25): the root layout with SvelteKit's start, the workspace layout, and the document page
 * with the block views of the kinds most documents show (loaded before the first paint by design).
 * The editor's sandbox page loads the document's chunk too, and so may lazy chunks that need Lexical.
 * BUILD_DEFAULT_CHUNKS=1 builds with Rollup's own splitting (to compare); BUILD_CHUNKS_REPORT=1
 * prints how many modules went to each layer and which pages kept the others out.
 */
const FIRST_PAINT_LAYERS = [
  { name: 'boot', route: DOCUMENT_ROUTE[0] },
  { name: 'workspace', route: DOCUMENT_ROUTE[1], scope: /^src\/routes\/w\// },
  {
    name: 'document',
    route: DOCUMENT_ROUTE[2],
    scope: /^src\/routes\/(w\/\[workspaceId\]\/d\/\[docId\]|dev\/editor)\/\+page\.svelte$/,
    also: [VIEW_MODULES.task, VIEW_MODULES.proposal, VIEW_MODULES.need],
    anchor: 'node_modules/lexical/dist/Lexical.prod.js'
  }
];

export default defineConfig({
  plugins: [compileMessages(), lazyClipboard(), sveltekit(), mutualDevServer(), moduleMap(), pureModules([/^src\/lib\/shared\/.*\.ts$/, /^src\/lib\/paraglide\/messages\//]), preloadClosure(), ...(process.env.BUILD_DEFAULT_CHUNKS ? [] : [firstPaintChunks({ layers: FIRST_PAINT_LAYERS, report: process.env.BUILD_CHUNKS_REPORT ? (lines: string[]) => console.log(lines.join('\n')) : undefined })])],
  resolve: {
    // One copy of yjs and lexical in the bundle: two copies break instanceof checks
    // ("Yjs was already imported") between @lexical/yjs, y-websocket and app code.
    dedupe: ['yjs', 'lexical', 'y-protocols', 'lib0']
  },
  optimizeDeps: {
    // Pre-bundle these together so Vite's dev optimiser never splits yjs across chunks.
    include: ['yjs', 'y-protocols/sync', 'y-protocols/awareness', 'y-websocket', 'lexical', '@lexical/yjs', 'lib0/encoding', 'lib0/decoding', 'idb']
  },
  build: {
    target: 'es2022',
    sourcemap: false,
    // Side-effect-free chunks under 1.5 KB (raw) are merged into a chunk loaded with them: code
    // splitting left ≈ 50 chunks of one or two messages each on the editor's first paint, each a
    // request and a gzip stream of its own (issue 25, docs/performance.md).
    rollupOptions: { output: { experimentalMinChunkSize: 1500 } },
    // terser with two compress passes: 3.2% less first-paint JavaScript than esbuild's minifier
    // (281.3 → 272.4 KB gzipped), for ≈ 25 s more build time (docs/performance.md, fifth pass).
    // Not `pure_getters`: Svelte reads getters for their effect (tracking), and it saved 0.3 KB.
    // A profiling build (BUILD_PROFILE, below) keeps esbuild's, which keeps the names.
    minify: process.env.BUILD_PROFILE ? 'esbuild' : 'terser',
    terserOptions: { compress: { passes: 2 } }
  },
  // BUILD_PROFILE=1: keep function names in the minified bundle, so Chromium traces of the
  // client bench (`--trace`) read as the source does (bench/client/trace-summary.ts).
  ...(process.env.BUILD_PROFILE ? { esbuild: { minifyIdentifiers: false, keepNames: true } } : {}),
  server: { host: process.env.HOST ?? '0.0.0.0' },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'server/**/*.test.ts'],
          environment: 'node'
        }
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts', 'tests/attacks/**/*.test.ts', 'tests/fuzz/**/*.test.ts', 'tests/chaos/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000
        }
      },
      {
        extends: true,
        test: {
          // The shipped deployment files and the production install (slow: a real `npm ci --omit=dev`).
          name: 'deploy',
          include: ['tests/deploy/**/*.test.ts'],
          environment: 'node',
          // After the other projects: its install compiles better-sqlite3, which would take CPU
          // from the browser tests running beside it.
          sequence: { groupOrder: 1 },
          testTimeout: 120_000,
          hookTimeout: 600_000
        }
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false
        }
      }
    ]
  }
});

/**
 * Compiles messages/*.json into src/lib/paraglide (Paraglide JS) before anything reads it, for
 * build, dev and vitest alike. In a child process rather than Paraglide's own Vite plugin: the
 * inlang SDK leaves timers running, which kept vitest and `vite build` from exiting.
 */
function compileMessages(): Plugin {
  let done = false;
  return {
    name: 'mutual-compile-messages',
    enforce: 'pre',
    buildStart() {
      if (done) return;
      execFileSync(process.execPath, ['scripts/paraglide-compile.mjs'], { stdio: 'inherit' });
      done = true;
    }
  };
}

import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * The CSP sources of app.html's own inline scripts (the colour theme, run before the first
 * paint): each one's SHA-256, as the browser hashes the text between its tags.
 */
const templateScripts = [...readFileSync(new URL('./src/app.html', import.meta.url), 'utf8').matchAll(/<script>([\s\S]*?)<\/script>/g)].map(
  ([, text]) => `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`
);

// BUILD_DIR lets several builds live side by side (e.g. parallel test runs): the app goes
// to BUILD_DIR and SvelteKit's intermediate files to a matching .svelte-kit-* folder.
const buildDir = process.env.BUILD_DIR || 'build';
const outDir = buildDir === 'build' ? '.svelte-kit' : `.svelte-kit-${buildDir.replace(/[^A-Za-z0-9_-]/g, '_')}`;

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  kit: {
    adapter: adapter({ out: buildDir, precompress: true }),
    outDir,
    // Root-relative asset paths (/_app/…): every route is the same client-rendered shell, so
    // the service worker can serve one cached copy at any depth. Relative paths (the default)
    // made the shell carry `./_app` or `../../../_app` from whichever page it was fetched at,
    // and reloading a page at another depth offline loaded no script (a blank page).
    paths: { relative: false },
    // A strict Content-Security-Policy: SvelteKit adds hashes/nonces for its own inline
    // bootstrap script, app.html's scripts are allowed by their hashes, and no 'unsafe-inline'
    // script is ever allowed. Document content can never run script even if a hostile peer
    // writes HTML-looking text into a document.
    csp: {
      mode: 'auto',
      directives: {
        'default-src': ['self'],
        'script-src': ['self', ...templateScripts],
        'style-src': ['self', 'unsafe-inline'],
        'img-src': ['self', 'data:', 'blob:'],
        'font-src': ['self'],
        'connect-src': ['self', 'ws:', 'wss:'],
        'worker-src': ['self'],
        'manifest-src': ['self'],
        'object-src': ['none'],
        'base-uri': ['self'],
        'form-action': ['self'],
        'frame-ancestors': ['none']
      }
    },
    serviceWorker: { register: false }
  }
};

export default config;

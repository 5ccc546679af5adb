/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
/**
 * The offline app shell. Every page is client-rendered from the same shell (ssr = false,
 * root-relative asset paths: svelte.config.js), so caching the built assets plus ONE copy
 * of the shell lets a device open any page at any depth with no network — pages it never
 * visited too — and read its documents from IndexedDB.
 *
 * Strategy: built assets are immutable (hashed names) → cache-first. Navigations → network
 * first (fresh app after a deploy), falling back to the shell. The shell is fetched once, at
 * install, with the assets of the same version; a navigation's response is never stored as
 * the shell (a page fetched after a deploy may name assets this worker does not hold).
 * API calls and the sync websocket are never cached.
 */
import { build, files, version } from '$service-worker';

const sw = self as unknown as ServiceWorkerGlobalScope;
const CACHE = `mutual-${version}`;
/** The URL the shell is fetched from and stored under. Any route would do; this one is public. */
const SHELL = '/';
const ASSETS = [...build, ...files];
const OFFLINE_NOTICE = 'Mutual is offline and this device has not opened it before.';

sw.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await cache.addAll(ASSETS);
      // Without its shell this worker could not open anything offline: fail the install
      // (the browser keeps the previous worker and tries again on the next visit).
      const shell = await fetch(SHELL, { cache: 'reload' });
      if (!shell.ok) throw new Error(`The app shell could not be fetched (HTTP ${shell.status}).`);
      await cache.put(SHELL, shell);
      await sw.skipWaiting();
    })()
  );
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
      await sw.clients.claim();
    })()
  );
});

/** The cached shell, whatever page was asked for. */
async function shell(): Promise<Response> {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(SHELL);
  return hit ?? new Response(OFFLINE_NOTICE, { status: 503, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}

sw.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== sw.location.origin) return;
  if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/sync/') || url.pathname === '/healthz') return;

  if (ASSETS.includes(url.pathname)) {
    event.respondWith(caches.open(CACHE).then((cache) => cache.match(url.pathname)).then((hit) => hit ?? fetch(req)));
    return;
  }
  if (req.mode === 'navigate') {
    // Network first; no network (or no server) → the one shell, for every route.
    event.respondWith(fetch(req).catch(() => shell()));
  }
});

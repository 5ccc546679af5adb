/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
/**
 * The offline app shell. Every page is client-rendered from the same shell, so caching
 * the built assets plus one copy of the shell lets a device reload any page with no
 * network (or with the relay down) and open its documents from IndexedDB.
 *
 * Strategy: built assets are immutable (hashed names) → cache-first. Navigations →
 * network first (fresh app after a deploy), falling back to the cached shell. API calls and
 * the sync websocket are never cached.
 */
import { build, files, version } from '$service-worker';

const sw = self as unknown as ServiceWorkerGlobalScope;
const CACHE = `mutual-${version}`;
const SHELL = '/';
const ASSETS = [...build, ...files];

sw.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await cache.addAll(ASSETS);
      // The shell: any route serves the same client-rendered page.
      const shell = await fetch(SHELL, { cache: 'reload' });
      if (shell.ok) await cache.put(SHELL, shell);
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

sw.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== sw.location.origin) return;
  if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/sync/') || url.pathname === '/healthz') return;

  if (ASSETS.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname).then((hit) => hit ?? fetch(req)));
    return;
  }
  if (req.mode === 'navigate') {
    event.respondWith(
      (async () => {
        try {
          const res = await fetch(req);
          if (res.ok) {
            const cache = await caches.open(CACHE);
            await cache.put(SHELL, res.clone());
          }
          return res;
        } catch {
          const shell = await caches.match(SHELL);
          return shell ?? new Response('Mutual is offline and this device has not opened it before.', { status: 503, headers: { 'content-type': 'text/plain; charset=utf-8' } });
        }
      })()
    );
  }
});

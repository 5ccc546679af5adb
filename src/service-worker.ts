/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
/**
 * The offline app shell. Every page is client-rendered from the same shell (ssr = false,
 * root-relative asset paths: svelte.config.js), so caching the built assets plus the home
 * page's shell lets a device open any page at any depth with no network — pages it never
 * visited too — and read its documents from IndexedDB. Each page of a workspace (a document,
 * the workspace, my work…) also has a shell of its own, which names its first-paint scripts
 * (src/lib/session/shells.ts).
 *
 * Strategy: built assets are immutable (hashed names) → cache-first (the hashed ones by the
 * browser's static routes where it has them, addStaticRoutes). Navigations → the device's own
 * shell, at once: it is this worker's version, fetched at install with its assets, so a page
 * opens without a round trip to the server — on a phone with bad signal that round trip was
 * most of the wait (issue 25). Only without a stored shell does a navigation go to the network.
 * A navigation's response is never stored as the shell (a page fetched after a deploy may name
 * assets this worker does not hold).
 *
 * After a deploy: the browser checks this script on every navigation, so the first open after
 * a deploy runs the previous version while the new worker installs. The new worker then takes
 * over the open pages and keeps the previous version's cache (pruneCaches), so a page of the
 * previous version still finds the views and parts it loads later; it tells those pages a new
 * version is here (announceVersion), and they offer to reload. Two deploys back is deleted.
 * API calls and the sync websocket are never cached.
 */
import { build, files, version } from '$service-worker';
import { m } from '$lib/paraglide/messages.js';
import { baseLocale, locales } from '$lib/paraglide/runtime.js';
import { announcement, asksVersion } from '$lib/session/app-version';
import { HOME_SHELL, ROUTE_SHELLS, shellFor } from '$lib/session/shells';

const sw = self as unknown as ServiceWorkerGlobalScope;
const CACHE = `mutual-${version}`;
const ASSETS = [...build, ...files];
/** Where the build's hashed files live: a name is never reused for other contents. */
const IMMUTABLE = '/_app/immutable/';
/** Every version's cache name starts so (this worker's is CACHE). */
const PREFIX = 'mutual-';
const IS_ASSET = new Set(ASSETS);
/**
 * This version's cache, opened once per life of the worker: a page's first paint asks for ≈ 30
 * scripts at once, and opening the cache for each one kept the worker's thread busy (issue 25).
 */
let opened: Promise<Cache> | null = null;
const assetCache = (): Promise<Cache> => (opened ??= caches.open(CACHE).catch((error: unknown) => {
  opened = null;
  throw error;
}));
/** The browser's first language Mutual speaks (the worker cannot read the page's choice). */
const workerLocale = (): (typeof locales)[number] => {
  for (const tag of sw.navigator.languages ?? []) {
    const base = tag.toLowerCase().split('-')[0];
    const found = locales.find((l) => l === base);
    if (found) return found;
  }
  return baseLocale;
};

/**
 * Chromium's static routes (`InstallEvent.addRoutes`): the hashed files are answered from the
 * caches by the browser itself, without waking the fetch handler. A first paint asks for
 * ≈ 30 scripts at once, and through the handler they arrived over ≈ 260 ms (issue 25,
 * docs/performance.md "Seventh pass"). A file missing from the cache goes to the network, as
 * the handler would send it. Browsers without static routes use the handler below.
 */
function addStaticRoutes(event: ExtendableEvent): void {
  const { addRoutes } = event as ExtendableEvent & { addRoutes?: (rules: unknown[]) => Promise<void> };
  const { URLPattern } = globalThis as unknown as { URLPattern?: new (init: { pathname: string }) => unknown };
  if (typeof addRoutes !== 'function' || typeof URLPattern !== 'function') return;
  // Any cache of this origin ('cache'): this version's, and the previous version's while its pages may still be open.
  const rules = [{ condition: { urlPattern: new URLPattern({ pathname: `${IMMUTABLE}*` }) }, source: 'cache' }];
  event.waitUntil(addRoutes.call(event, rules).catch(() => undefined));
}

sw.addEventListener('install', (event) => {
  addStaticRoutes(event);
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // The hashed files may come from the browser's HTTP cache (a name never holds other
      // contents); the static ones (favicon, manifest) keep their names across versions and are
      // served without Cache-Control, so a copy the browser kept could be the previous version's.
      await cache.addAll([...build, ...files.map((file) => new Request(file, { cache: 'reload' }))]);
      // Without its shell this worker could not open anything offline: fail the install
      // (the browser keeps the previous worker and tries again on the next visit).
      const shell = await fetch(HOME_SHELL, { cache: 'reload' });
      if (!shell.ok) throw new Error(`The app shell could not be fetched (HTTP ${shell.status}).`);
      await cache.put(HOME_SHELL, shell);
      // The workspace pages' own shells only make their first paint sooner
      // (src/lib/session/shells.ts): one that cannot be fetched now leaves those pages to the home shell.
      await Promise.all(ROUTE_SHELLS.map((url) => storeShell(cache, url)));
      await sw.skipWaiting();
    })()
  );
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      await pruneCaches();
      await sw.clients.claim();
      await announceVersion();
    })()
  );
});

/**
 * Delete the caches of versions before the previous one. The previous version's stays: pages
 * opened from its shell (the first open after a deploy) load its views and parts later, and the
 * server no longer has them. Cache names are listed in the order they were made.
 */
async function pruneCaches(): Promise<void> {
  const older = (await caches.keys()).filter((key) => key.startsWith(PREFIX) && key !== CACHE);
  for (const key of older.slice(0, -1)) await caches.delete(key);
}

/** Tell the open pages which version now serves them; a page of another version offers to reload (UpdateNotice). */
async function announceVersion(): Promise<void> {
  for (const client of await sw.clients.matchAll({ type: 'window' })) client.postMessage(announcement(version));
}

// A page asks as it starts (it may have missed the announcement while loading).
sw.addEventListener('message', (event) => {
  if (asksVersion(event.data)) event.source?.postMessage(announcement(version));
});

/** `path` from this version's cache; undefined when it holds none (or the cache cannot be opened). */
const fromAssetCache = (path: string): Promise<Response | undefined> => assetCache().then((cache) => cache.match(path), () => undefined);

/** No shell and no network: say so in the browser's language. */
const offlineNotice = (): Response =>
  new Response(m.sw_offline_notice({}, { locale: workerLocale() }), { status: 503, headers: { 'content-type': 'text/plain; charset=utf-8' } });

/** Fetch and store the shell served at `url`; nothing when the server cannot answer now. */
async function storeShell(cache: Cache, url: string): Promise<void> {
  try {
    const response = await fetch(url, { cache: 'reload' });
    if (response.ok) await cache.put(url, response);
  } catch {
    // offline during the install: the home shell answers this kind of page
  }
}

/**
 * A navigation: the device's shell at once — the page's own kind's, which names its first-paint
 * scripts, else the home page's — and the network's page only when the device has no shell.
 */
async function shellFirst(req: Request): Promise<Response> {
  const own = shellFor(new URL(req.url).pathname);
  const stored = (own !== HOME_SHELL ? await fromAssetCache(own) : undefined) ?? (await fromAssetCache(HOME_SHELL));
  return stored ?? fetch(req).catch(offlineNotice);
}

/**
 * A hashed file: from any version's cache (a page of the previous version asks for its own),
 * else the network. Browsers with static routes never ask the handler for these.
 */
async function immutableFile(req: Request, path: string): Promise<Response> {
  const hit = await caches.match(path).catch(() => undefined);
  return hit ?? fetch(req);
}

sw.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== sw.location.origin) return;
  if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/sync/') || url.pathname === '/healthz' || url.pathname === '/metrics') return;

  if (url.pathname.startsWith(IMMUTABLE)) event.respondWith(immutableFile(req, url.pathname));
  else if (IS_ASSET.has(url.pathname)) event.respondWith(fromAssetCache(url.pathname).then((hit) => hit ?? fetch(req)));
  else if (req.mode === 'navigate') event.respondWith(shellFirst(req));
});

/**
 * Push (issue 19): the relay sends `{title, body, url, tag}` (encrypted; the browser decrypts
 * it). The tag makes a notification delivered twice (a resend after a crash) show once.
 */
interface PushPayload {
  title?: unknown;
  body?: unknown;
  url?: unknown;
  tag?: unknown;
}

function readPush(event: PushEvent): { title: string; body: string; url: string; tag?: string } {
  let data: PushPayload = {};
  try {
    data = (event.data?.json() ?? {}) as PushPayload;
  } catch {
    // Not JSON: show the generic text below rather than nothing (browsers penalise silent pushes).
  }
  const text = (v: unknown, fallback: string) => (typeof v === 'string' && v.length > 0 ? v.slice(0, 300) : fallback);
  // Only paths of this app: a payload never sends the member elsewhere.
  const url = typeof data.url === 'string' && data.url.startsWith('/') && !data.url.startsWith('//') ? data.url : '/';
  return { title: text(data.title, 'Mutual'), body: text(data.body, 'Something needs you.'), url, ...(typeof data.tag === 'string' ? { tag: data.tag } : {}) };
}

sw.addEventListener('push', (event) => {
  const { title, body, url, tag } = readPush(event);
  event.waitUntil(sw.registration.showNotification(title, { body, tag, data: { url }, icon: '/favicon.svg' }));
});

sw.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const path = typeof event.notification.data?.url === 'string' ? (event.notification.data.url as string) : '/';
  const target = new URL(path, sw.location.origin).href;
  event.waitUntil(
    (async () => {
      // An open window of the app: take it to the document (and bring it forward); else open one.
      const windows = await sw.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const open = windows.find((w) => new URL(w.url).origin === sw.location.origin);
      if (open) {
        await open.focus().catch(() => undefined);
        // navigate() only works on a window this worker controls; otherwise open a new one.
        if (await open.navigate(target).catch(() => null)) return;
      }
      await sw.clients.openWindow(target);
    })()
  );
});

/**
 * The browser replaced this device's push subscription (it expired or was revoked by the push
 * service): subscribe again if the browser did not, and tell the server, which moves every
 * workspace's subscription at the old endpoint to the new one. The worker holds no token; it
 * proves the old subscription with its auth secret (docs/protocol.md, "push-change").
 * Without the old subscription (some browsers give none) the app subscribes again the next
 * time notifications are turned on.
 */
interface SubscriptionChange extends ExtendableEvent {
  oldSubscription?: PushSubscription | null;
  newSubscription?: PushSubscription | null;
}

const base64url = (buf: ArrayBuffer) => btoa(String.fromCharCode(...new Uint8Array(buf))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

async function renewSubscription(old: PushSubscription | null, fresh: PushSubscription | null): Promise<void> {
  const auth = old?.getKey('auth');
  if (!old || !auth) return;
  const key = old.options?.applicationServerKey;
  const next = fresh ?? (key ? await sw.registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key }) : null);
  if (!next) return;
  await fetch('/api/notifications/push-change', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ old: { endpoint: old.endpoint, auth: base64url(auth) }, subscription: next.toJSON() })
  });
}

sw.addEventListener('pushsubscriptionchange', (event) => {
  const change = event as SubscriptionChange;
  change.waitUntil(renewSubscription(change.oldSubscription ?? null, change.newSubscription ?? null).catch(() => undefined));
});

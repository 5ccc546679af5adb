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
 * Strategy: built assets are immutable (hashed names) → cache-first (the hashed ones by the
 * browser's static routes where it has them, addStaticRoutes). Navigations → network
 * first (fresh app after a deploy), falling back to the shell when there is no network or it
 * has not answered in NAVIGATION_WAIT_MS (a phone on bad signal opens its documents from the
 * device instead of waiting for a page the device already has). The shell is fetched once, at
 * install, with the assets of the same version; a navigation's response is never stored as
 * the shell (a page fetched after a deploy may name assets this worker does not hold).
 * API calls and the sync websocket are never cached.
 */
import { build, files, version } from '$service-worker';
import { m } from '$lib/paraglide/messages.js';
import { baseLocale, locales } from '$lib/paraglide/runtime.js';

const sw = self as unknown as ServiceWorkerGlobalScope;
const CACHE = `mutual-${version}`;
/** The URL the shell is fetched from and stored under. Any route would do; this one is public. */
const SHELL = '/';
const ASSETS = [...build, ...files];
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
 * Chromium's static routes (`InstallEvent.addRoutes`): this version's hashed files are answered
 * from its cache by the browser itself, without waking the fetch handler. A first paint asks for
 * ≈ 30 scripts at once, and through the handler they arrived over ≈ 260 ms (issue 25,
 * docs/performance.md "Seventh pass"). A file missing from the cache goes to the network, as
 * the handler would send it. Browsers without static routes use the handler below.
 */
function addStaticRoutes(event: ExtendableEvent): void {
  const { addRoutes } = event as ExtendableEvent & { addRoutes?: (rules: unknown[]) => Promise<void> };
  const { URLPattern } = globalThis as unknown as { URLPattern?: new (init: { pathname: string }) => unknown };
  if (typeof addRoutes !== 'function' || typeof URLPattern !== 'function') return;
  const rules = [{ condition: { urlPattern: new URLPattern({ pathname: '/_app/immutable/*' }) }, source: { cacheName: CACHE } }];
  event.waitUntil(addRoutes.call(event, rules).catch(() => undefined));
}

sw.addEventListener('install', (event) => {
  addStaticRoutes(event);
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

/**
 * How long a navigation waits for the network before the device's shell opens the page. The
 * shell is this version's own, so opening from it is never wrong; what waiting buys is a newer
 * app after a deploy, which a network this slow would not deliver soon anyway.
 */
const NAVIGATION_WAIT_MS = 1500;

/** The cached shell, whatever page was asked for. */
async function shell(): Promise<Response> {
  const cache = await assetCache();
  const hit = await cache.match(SHELL);
  return hit ?? new Response(m.sw_offline_notice({}, { locale: workerLocale() }), { status: 503, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}

sw.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== sw.location.origin) return;
  if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/sync/') || url.pathname === '/healthz' || url.pathname === '/metrics') return;

  if (IS_ASSET.has(url.pathname)) {
    event.respondWith(assetCache().then((cache) => cache.match(url.pathname), () => undefined).then((hit) => hit ?? fetch(req)));
    return;
  }
  if (req.mode === 'navigate') event.respondWith(networkOrShell(req));
});

/**
 * A navigation: the network's page, unless there is no network, no server, or no answer within
 * NAVIGATION_WAIT_MS — then the one shell, for every route. A late answer is dropped.
 */
function networkOrShell(req: Request): Promise<Response> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), NAVIGATION_WAIT_MS)));
  const network = fetch(req).catch(() => null);
  return Promise.race([network, late]).then((answer) => {
    clearTimeout(timer);
    return answer ?? shell();
  });
}

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

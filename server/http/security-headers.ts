import type { ServerResponse } from 'node:http';

/**
 * Headers on every response of the web app (pages, scripts, styles, images). The
 * Content-Security-Policy itself comes from SvelteKit (svelte.config.js `kit.csp`), which
 * knows the nonces/hashes of its own inline bootstrap; these are the rest of the usual set.
 * The API sets its own stricter set (http/respond.ts).
 */
export const APP_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  // Old browsers ignore CSP frame-ancestors; this says the same for them.
  'x-frame-options': 'DENY',
  // Nothing in Mutual needs these powerful features; a hostile document cannot ask for them.
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin'
});

/** Set the app's security headers on `res` before a handler writes it (handlers may still override). */
export function applyAppSecurityHeaders(res: ServerResponse): void {
  for (const [name, value] of Object.entries(APP_SECURITY_HEADERS)) res.setHeader(name, value);
}

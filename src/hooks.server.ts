/**
 * The server-rendered shell says which language it is in: `<html lang>` follows this device's
 * choice (the cookie the profile's language picker sets) or else the browser's
 * Accept-Language, as the client-side locale does (src/lib/i18n/locale.ts).
 */
import type { Handle } from '@sveltejs/kit';
import { extractLocaleFromRequest } from '$lib/paraglide/runtime.js';

export const handle: Handle = ({ event, resolve }) => {
  const lang = extractLocaleFromRequest(event.request);
  // Caches must not hand one person's language to another.
  event.setHeaders({ vary: 'Accept-Language, Cookie' });
  return resolve(event, { transformPageChunk: ({ html }) => html.replace('%lang%', lang) });
};

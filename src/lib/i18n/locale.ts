/**
 * The language Mutual speaks on this device. Paraglide picks it (scripts/paraglide-options.mjs):
 * this device's choice in the profile panel, else the browser's languages, else English. The
 * choice is per device (localStorage, and a cookie so the server-rendered shell agrees); it is
 * not part of the member's profile, so a shared computer and a personal phone can differ.
 * Member-written content is never translated: only Mutual's own words change.
 */
import { getLocale, locales, setLocale } from '../paraglide/runtime.js';

export type Locale = (typeof locales)[number];
export { getLocale, locales };

/** Put the chosen language on the page (`<html lang>`), for screen readers, hyphenation and spelling. */
export function applyLocale(root: HTMLElement = document.documentElement): void {
  root.lang = getLocale();
}

/** A language's name in that language ("English", "Español"), as a language picker shows it. */
export function languageName(locale: string): string {
  let name = locale;
  try {
    name = new Intl.DisplayNames([locale], { type: 'language' }).of(locale) ?? locale;
  } catch {
    // An engine without Intl.DisplayNames shows the code.
  }
  return name.charAt(0).toLocaleUpperCase(locale) + name.slice(1);
}

/**
 * Switch this device to `locale`. The page reloads so every word (and every date) is in the new
 * language; offline too, since the service worker serves the shell.
 */
export function chooseLocale(locale: Locale): void {
  if (locale !== getLocale()) setLocale(locale);
}

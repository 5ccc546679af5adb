// Paraglide's compiler options, shared by the Vite plugin (build, dev, vitest) and
// scripts/paraglide-compile.mjs (`npm run check`, which runs without Vite).
// The locale comes from this device's choice (localStorage, set in the profile panel), then a
// cookie the same choice sets (so the server-rendered shell's <html lang> agrees), then the
// browser's languages (navigator.languages / Accept-Language), then English.
/** @type {{ project: string, outdir: string, strategy: ('localStorage' | 'cookie' | 'preferredLanguage' | 'baseLocale')[], localStorageKey: string, cookieName: string, emitTsDeclarations: boolean }} */
export const paraglideOptions = {
  project: './project.inlang',
  outdir: './src/lib/paraglide',
  strategy: ['localStorage', 'cookie', 'preferredLanguage', 'baseLocale'],
  localStorageKey: 'mutual-locale',
  cookieName: 'mutual-locale',
  emitTsDeclarations: true
};

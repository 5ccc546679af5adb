// See https://svelte.dev/docs/kit/types#app.d.ts
declare global {
  namespace App {}
  interface Window {
    /** The colour theme of this device (the inline script in src/app.html). */
    mutualTheme?: { get(): 'system' | 'light' | 'dark'; set(pref: 'system' | 'light' | 'dark'): void };
  }
}
export {};

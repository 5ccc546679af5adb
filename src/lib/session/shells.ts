/**
 * The app shells a device stores (src/service-worker.ts). Every page is the same
 * client-rendered shell, but the server's copy for a route names that route's first-paint
 * scripts (`Link: rel=modulepreload`, scripts/preload-closure.mjs) and its stylesheets. Opened
 * from the home page's shell, a document named only the home page's scripts: the browser found
 * the document's 27 scripts and 3 stylesheets only once SvelteKit had started and matched the
 * route, ≈ 150 ms into the open (issue 25). So the worker stores a shell per kind of page a
 * person opens most — a document, a workspace — and answers each navigation with its own.
 */

/** The home page's shell: every other page opens from it when the device holds no shell of its kind. */
export const HOME_SHELL = '/';

/** The shells of particular routes: where each is fetched from (and stored under), and the paths it answers. */
export const ROUTE_SHELLS: readonly { url: string; path: RegExp }[] = [
  { url: '/w/shell/d/shell', path: /^\/w\/[^/]+\/d\/[^/]+\/?$/ },
  { url: '/w/shell', path: /^\/w\/[^/]+\/?$/ }
];

/** The shell a navigation to `pathname` opens from. */
export function shellFor(pathname: string): string {
  return ROUTE_SHELLS.find((shell) => shell.path.test(pathname))?.url ?? HOME_SHELL;
}

/**
 * The app shells a device stores (src/service-worker.ts). Every page is the same
 * client-rendered shell, but the server's copy for a route names that route's first-paint
 * scripts (`Link: rel=modulepreload`, scripts/preload-closure.mjs) and its stylesheets. Opened
 * from the home page's shell, a document named only the home page's scripts: the browser found
 * the document's 27 scripts and 3 stylesheets only once SvelteKit had started and matched the
 * route, ≈ 150 ms into the open (issue 25). So the worker also stores a shell for each page of a
 * workspace and answers each navigation with its own.
 */

/** The home page's shell: every other page opens from it, and any page whose own the device does not hold. */
export const HOME_SHELL = '/';

/** A workspace's pages, as their path after `/w/<workspace>` (a document's id as `shell`). */
const WORKSPACE_PAGES = ['', '/d/shell', '/d/shell/minutes', '/decisions', '/me', '/tasks', '/work'];

/** Where each page's own shell is fetched from and stored under (any workspace and document id would do). */
export const ROUTE_SHELLS: readonly string[] = WORKSPACE_PAGES.map((page) => `/w/shell${page}`);

/** The shell a navigation to `pathname` opens from. */
export function shellFor(pathname: string): string {
  const shell = pathname
    .replace(/^\/w\/[^/]+/, '/w/shell')
    .replace(/^\/w\/shell\/d\/[^/]+/, '/w/shell/d/shell')
    .replace(/(.)\/$/, '$1');
  return ROUTE_SHELLS.includes(shell) ? shell : HOME_SHELL;
}

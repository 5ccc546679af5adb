/**
 * The dashboards' library of per-document summaries (library.svelte.ts) of a workspace
 * session: made by the first page or panel that reads it and disposed with the session. Here
 * rather than in the session so that the library's code comes with the dashboards, search and
 * the work check, and after the document page's first paint (issue 25: the page starts it at
 * its first idle moment with a dynamic import).
 */
import type { SearchHost } from '$lib/search/workspace-search.svelte';
import { WorkspaceLibrary } from './library.svelte';
import type { WorkspaceSession } from './workspace.svelte';

/** The session's library (made on first use). */
export function libraryOf(session: WorkspaceSession): WorkspaceLibrary {
  session.libraryHeld ??= new WorkspaceLibrary(session);
  return session.libraryHeld;
}

const hosts = new WeakMap<WorkspaceSession, SearchHost>();

/** What search reads of a session: its catalogue and its library (one host per session). */
export function searchHostOf(session: WorkspaceSession): SearchHost {
  let host = hosts.get(session);
  if (!host) {
    host = {
      get documents() {
        return session.documents;
      },
      get archived() {
        return session.archived;
      },
      library: () => libraryOf(session)
    };
    hosts.set(session, host);
  }
  return host;
}

/**
 * Search over a workspace, kept up to date while the page lives.
 *
 * The dashboards' library (session/library.svelte.ts) already reads every document of the
 * workspace through the Repo and, when one changes (typed here or synced in the background),
 * reads that one again; it hands each document's search entries over with its summary. This
 * class feeds those to a {@link SearchIndex}, one document at a time, so nothing is ever
 * indexed twice and nothing is re-indexed because something else changed. Titles come from
 * the catalogue and are compared on each query (cheap: one string per document).
 *
 * This module and MiniSearch are loaded only when search is first opened (the workspace layout
 * imports the search dialog on demand), so no page's first JavaScript grows.
 */
import { boardDocIdOf, type CatalogueEntry } from '$lib/shared/model';
import type { SearchEntry } from '$lib/shared/search';
import { SearchIndex, type SearchGroup } from './search-index';

/** What search needs of the library (an interface keeps imports one-way). */
export interface SearchSource {
  readonly loaded: boolean;
  onDocuments(listener: (docIds: string[]) => void): () => void;
  readIds(): string[];
  searchEntries(docId: string): SearchEntry[] | undefined;
}

/** What search needs of the workspace session. */
export interface SearchHost {
  readonly documents: CatalogueEntry[];
  readonly archived: CatalogueEntry[];
  library(): SearchSource;
}

/** A result group with what the dialog shows of its document. */
export interface DocumentResults extends SearchGroup {
  title: string;
  archived: boolean;
}

export class WorkspaceSearch {
  /** Bumped whenever the index changed: read it in `$derived` to search again. */
  version = $state(0);
  readonly index = new SearchIndex();
  private readonly source: SearchSource;
  private readonly titles = new Map<string, string>();
  private readonly stop: () => void;

  constructor(private readonly host: SearchHost) {
    this.source = host.library();
    this.stop = this.source.onDocuments((ids) => this.update(ids));
    this.update(this.source.readIds());
  }

  /** Documents indexed so far, of how many in the catalogue (the library reads them a few at a time). */
  get progress(): { indexed: number; total: number; done: boolean } {
    void this.version;
    return { indexed: this.index.documentCount, total: this.catalogue().length, done: this.source.loaded };
  }

  /** Results for a query, grouped by document, best first. */
  search(query: string): DocumentResults[] {
    const entries = new Map(this.catalogue().map((e) => [e.id, e]));
    this.refreshTitles(entries);
    return this.index.search(query).flatMap((group) => {
      const entry = entries.get(group.docId);
      return entry ? [{ ...group, title: entry.title || 'Untitled', archived: entry.archived }] : [];
    });
  }

  dispose(): void {
    this.stop();
  }

  /**
   * What may be searched: the catalogue's documents, never a board's private document (contact
   * details), even if a peer wrote such an id into the catalogue.
   */
  private catalogue(): CatalogueEntry[] {
    return [...this.host.documents, ...this.host.archived].filter((e) => boardDocIdOf(e.id) === null);
  }

  /** Index `ids` as they are now; `notify` false when called where state must not be written (a `$derived`). */
  private update(ids: readonly string[], notify = true): void {
    const entries = new Map(this.catalogue().map((e) => [e.id, e]));
    for (const id of ids) {
      const found = this.source.searchEntries(id);
      const entry = entries.get(id);
      if (!found || !entry) {
        this.index.removeDocument(id);
        this.titles.delete(id);
        continue;
      }
      this.index.setDocument(id, entry.title, found);
      this.titles.set(id, entry.title);
    }
    if (notify) this.version++;
  }

  /** Re-index the title of documents renamed since (their text entries are untouched). */
  private refreshTitles(entries: Map<string, CatalogueEntry>): void {
    const renamed = [...this.titles].filter(([id, title]) => entries.get(id)?.title !== title).map(([id]) => id);
    if (renamed.length > 0) this.update(renamed, false);
  }
}

const searches = new WeakMap<SearchHost, WorkspaceSearch>();

/** The search of a workspace session (made on first use, kept while the session lives). */
export function searchOf(host: SearchHost): WorkspaceSearch {
  let search = searches.get(host);
  if (!search) {
    search = new WorkspaceSearch(host);
    searches.set(host, search);
  }
  return search;
}

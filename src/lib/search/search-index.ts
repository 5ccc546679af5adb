/**
 * The workspace's full-text index on this device (MiniSearch, in memory).
 *
 * Documents come and go one at a time: {@link SearchIndex.setDocument} compares a document's
 * new entries with what is indexed and replaces only the entries whose text changed (MiniSearch
 * `discard` + `add`; it vacuums the discarded ones in the background), so typing a word in one
 * paragraph re-indexes that paragraph, never the workspace. Nothing is persisted: the index is
 * built from the device's copy when search is first opened in the workspace, and kept with the
 * workspace's session across page moves (a reload builds it again; bench: 1,000 documents
 * of ~2 KB in well under the 2 s goal, see docs/performance.md), offline as online.
 *
 * Prefix and fuzzy matching, accent-insensitive (terms are folded, see shared/search/fold.ts),
 * every query word required. Results are grouped by document, best first.
 */
import MiniSearch, { type SearchResult } from 'minisearch';
import { foldText, snippetOf, wordList, type SearchEntry, type SearchEntryKind, type SearchPlace, type SnippetPart } from '../shared/search/index.ts';

/** A document's title is searched too; it is an entry of its own kind. */
export type HitKind = SearchEntryKind | 'title';

/** One indexed row: an entry of a document. */
interface Row {
  id: string;
  docId: string;
  at: SearchPlace | '';
  kind: HitKind;
  text: string;
}

/** One matching entry, ready to show. */
export interface SearchHit {
  at: SearchPlace | '';
  kind: HitKind;
  snippet: SnippetPart[];
  score: number;
}

/** The matches of one document. */
export interface SearchGroup {
  docId: string;
  /** The document's best score (groups are sorted by it). */
  score: number;
  /** Its matching entries, best first (at most `hitsPerDocument`). */
  hits: SearchHit[];
  /** How many of its entries matched in all. */
  total: number;
}

/** Options of {@link SearchIndex.search}. */
export interface SearchOptions {
  /** Documents returned at most (default 20). */
  documents?: number;
  /** Entries shown per document at most (default 3). */
  hitsPerDocument?: number;
}

const TITLE_BOOST = 3;
const HEADING_BOOST = 1.5;

/** Fuzzy matching only for words long enough that one typo still means the word. */
function fuzziness(term: string): number {
  return term.length >= 5 ? 0.2 : term.length >= 4 ? 1 : 0;
}

const rowId = (docId: string, at: string): string => `${docId}\u0000${at}`;

export class SearchIndex {
  private readonly mini = new MiniSearch<Row>({
    fields: ['text'],
    tokenize: wordList,
    processTerm: (term) => foldText(term),
    searchOptions: {
      prefix: true,
      fuzzy: fuzziness,
      combineWith: 'AND'
    }
  });
  /** What is indexed, per document: row id → row (to compare and to make snippets). */
  private readonly docs = new Map<string, Map<string, Row>>();
  /** Entries indexed since the index was made (a title or text indexed again counts again): what the tests count. */
  rowsIndexed = 0;

  /** Documents indexed. */
  get documentCount(): number {
    return this.docs.size;
  }

  /** Entries indexed. */
  get entryCount(): number {
    return this.mini.documentCount;
  }

  /** Whether a document is indexed. */
  has(docId: string): boolean {
    return this.docs.has(docId);
  }

  /** Index a document as it is now (its title and entries); only entries that changed are replaced. */
  setDocument(docId: string, title: string, entries: readonly SearchEntry[]): void {
    const old = this.docs.get(docId) ?? new Map<string, Row>();
    const next = new Map<string, Row>();
    const rows: Row[] = [{ id: rowId(docId, ''), docId, at: '', kind: 'title', text: title }, ...entries.map((e) => ({ id: rowId(docId, e.at), docId, at: e.at, kind: e.kind, text: e.text }))];
    for (const row of rows) if (row.text.trim() && !next.has(row.id)) next.set(row.id, row);
    for (const [id, row] of old) {
      const now = next.get(id);
      if (now && now.text === row.text && now.kind === row.kind) continue;
      this.mini.discard(id);
      old.delete(id);
    }
    const added = [...next.values()].filter((row) => !old.has(row.id));
    this.mini.addAll(added);
    this.rowsIndexed += added.length;
    this.docs.set(docId, next);
  }

  /** Forget a document (archived documents stay; a document gone from the catalogue goes). */
  removeDocument(docId: string): void {
    const rows = this.docs.get(docId);
    if (!rows) return;
    for (const id of rows.keys()) this.mini.discard(id);
    this.docs.delete(docId);
  }

  /** Search; results grouped by document, best document first. */
  search(query: string, options: SearchOptions = {}): SearchGroup[] {
    if (!query.trim()) return [];
    const perDoc = options.hitsPerDocument ?? 3;
    const groups = new Map<string, { docId: string; score: number; total: number; best: { row: Row; result: SearchResult }[] }>();
    // Rows live in `docs`, not in MiniSearch's stored fields (no second copy of the text).
    for (const result of this.mini.search(query, { boostDocument: (id) => this.boostOf(String(id)) })) {
      const row = this.rowOf(String(result.id));
      if (!row) continue;
      let group = groups.get(row.docId);
      if (!group) groups.set(row.docId, (group = { docId: row.docId, score: result.score, total: 0, best: [] }));
      group.total++;
      if (group.best.length < perDoc) group.best.push({ row, result });
    }
    // Snippets only for what is shown: a common word matches most entries of a workspace.
    return [...groups.values()]
      .sort((a, b) => b.score - a.score)
      .slice(0, options.documents ?? 20)
      .map(({ docId, score, total, best }) => ({
        docId,
        score,
        total,
        hits: best.map(({ row, result }) => ({ at: row.at, kind: row.kind, snippet: snippetOf(row.text, result.terms), score: result.score }))
      }));
  }

  private boostOf(id: string): number {
    const kind = this.rowOf(id)?.kind;
    return kind === 'title' ? TITLE_BOOST : kind === 'heading' ? HEADING_BOOST : 1;
  }

  private rowOf(id: string): Row | undefined {
    const docId = id.slice(0, id.indexOf('\u0000'));
    return this.docs.get(docId)?.get(id);
  }
}

/** Search: what a document offers to search (entries), how words compare (fold), result snippets. */
export { foldText, termsOf, wordList, wordsOf } from './fold.ts';
export { searchEntriesOf, MAX_ENTRY_TEXT, type SearchEntry, type SearchEntryKind, type SearchPlace } from './entries.ts';
export { snippetOf, type SnippetPart } from './snippet.ts';

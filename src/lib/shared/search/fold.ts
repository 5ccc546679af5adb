/**
 * Words as search compares them: lower case, accents and other marks removed, so "reunion"
 * finds "Reunión", "nino" finds "niño" and "cafe" finds "café" (English and Spanish alike).
 * The index and the query go through the same functions, so they always agree.
 */

const ASCII = /^[\x00-\x7f]*$/;

/** Lower case, marks removed (NFD, then every combining mark dropped). */
export function foldText(text: string): string {
  // Most words are plain ASCII: skip the normalisation (index build time, bench "search").
  return ASCII.test(text) ? text.toLowerCase() : text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** A word: letters (any script), digits, and marks that belong to them. */
const WORD = /[\p{L}\p{N}][\p{L}\p{N}\p{M}]*/gu;

/** The words of a text, unfolded, with where each starts. */
export function wordsOf(text: string): { word: string; start: number }[] {
  return [...text.matchAll(WORD)].map((m) => ({ word: m[0], start: m.index }));
}

/** The words of a text, unfolded (what the index splits text into). */
export function wordList(text: string): string[] {
  return text.match(WORD) ?? [];
}

/** The words of a text as the index stores them (folded). */
export function termsOf(text: string): string[] {
  return wordsOf(text).map((w) => foldText(w.word));
}

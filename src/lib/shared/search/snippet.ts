/**
 * The piece of an entry's text a result shows, with the words that matched marked. Matching
 * compares folded words (see fold.ts), so a query "reunion" marks "Reunión" in the text.
 */
import { foldText, wordsOf } from './fold.ts';

/** A run of a snippet: marked when it is a word that matched. */
export interface SnippetPart {
  text: string;
  hit: boolean;
}

/** Whether a word of the text matches one of the terms (a term may be a prefix of it). */
function matches(folded: string, terms: readonly string[]): boolean {
  return terms.some((t) => t !== '' && folded.startsWith(t));
}

/** Start of a window of `width` characters around `at`, moved back to a word start. */
function windowStart(text: string, at: number, width: number): number {
  if (text.length <= width || at < width / 3) return 0;
  const start = Math.min(at - Math.floor(width / 3), text.length - width);
  const space = text.lastIndexOf(' ', start);
  return space > 0 && start - space < 20 ? space + 1 : Math.max(0, start);
}

/**
 * At most `width` characters of `text` around its first matching word, on one line, with
 * "…" where it was cut, and every matching word in it marked. `terms`: folded words (the
 * terms the index matched, and the query's own words for prefixes).
 */
export function snippetOf(text: string, terms: readonly string[], width = 140): SnippetPart[] {
  const flat = text.replace(/\s+/g, ' ');
  const words = wordsOf(flat);
  const first = words.find((w) => matches(foldText(w.word), terms));
  const start = windowStart(flat, first?.start ?? 0, width);
  let end = Math.min(flat.length, start + width);
  if (end < flat.length) {
    const space = flat.lastIndexOf(' ', end);
    if (space > start + width / 2) end = space;
  }
  const parts: SnippetPart[] = [];
  const push = (s: string, hit: boolean) => {
    if (!s) return;
    const last = parts[parts.length - 1];
    if (last && last.hit === hit) last.text += s;
    else parts.push({ text: s, hit });
  };
  if (start > 0) push('…', false);
  let cursor = start;
  for (const w of words) {
    if (w.start < start || w.start + w.word.length > end) continue;
    if (!matches(foldText(w.word), terms)) continue;
    push(flat.slice(cursor, w.start), false);
    push(w.word, true);
    cursor = w.start + w.word.length;
  }
  push(flat.slice(cursor, end), false);
  if (end < flat.length) push('…', false);
  return parts;
}

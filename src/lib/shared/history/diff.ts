/**
 * "What changed since": a word-level diff of two plain texts, for the history panel.
 *
 * Myers' O(ND) algorithm over tokens (words, runs of spaces, line breaks), so a one-word
 * change in a long document costs little. Pure: no DOM, no Yjs.
 */

/** One run of the diff: text present in both, only in the new text, or only in the old one. */
export interface DiffPart {
  type: 'same' | 'added' | 'removed';
  text: string;
}

/** Split into words, whitespace runs and punctuation, keeping every character (join = input). */
export function tokenize(text: string): string[] {
  return text.match(/\n|[^\S\n]+|[\p{L}\p{N}_'’-]+|[^\s\p{L}\p{N}_'’-]/gu) ?? [];
}

/**
 * Beyond this many edit steps (memory grows with steps × text length: ~8 MB at the cap) the diff gives up on precision and reports the old text as
 * removed and the new as added: a cheap phone must not freeze on two unrelated long texts.
 */
const MAX_EDIT_STEPS = 1000;

/**
 * The word diff of `before` → `after`. Joining the `same` and `removed` parts gives
 * `before`; joining `same` and `added` gives `after`. Adjacent parts of one type are merged.
 */
export function diffWords(before: string, after: string): DiffPart[] {
  const a = tokenize(before);
  const b = tokenize(after);
  // Common prefix and suffix first: most edits touch a small part of a document.
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const parts: DiffPart[] = [];
  push(parts, 'same', a.slice(0, start).join(''));
  for (const part of myers(a.slice(start, endA), b.slice(start, endB))) push(parts, part.type, part.text);
  push(parts, 'same', a.slice(endA).join(''));
  return parts;
}

function push(parts: DiffPart[], type: DiffPart['type'], text: string): void {
  if (text === '') return;
  const last = parts[parts.length - 1];
  if (last && last.type === type) last.text += text;
  else parts.push({ type, text });
}

/** Myers' greedy diff with a trace for backtracking. */
function myers(a: string[], b: string[]): DiffPart[] {
  const n = a.length;
  const m = b.length;
  if (n === 0 && m === 0) return [];
  if (n === 0) return [{ type: 'added', text: b.join('') }];
  if (m === 0) return [{ type: 'removed', text: a.join('') }];
  const max = Math.min(n + m, MAX_EDIT_STEPS);
  const offset = max + 1;
  let v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = false;
  outer: for (let d = 0; d <= max; d++) {
    trace.push(v.slice());
    const next = v.slice();
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      next[offset + k] = x;
      if (x >= n && y >= m) {
        v = next;
        trace.push(v.slice());
        found = true;
        break outer;
      }
    }
    v = next;
  }
  if (!found) return [{ type: 'removed', text: a.join('') }, { type: 'added', text: b.join('') }];

  // Walk back through the trace: trace[d + 1] holds the furthest x per diagonal after d edits.
  const out: DiffPart[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 2; d > 0; d--) {
    const prev = trace[d];
    const k = x - y;
    const prevK = k === -d || (k !== d && prev[offset + k - 1] < prev[offset + k + 1]) ? k + 1 : k - 1;
    const prevX = prev[offset + prevK];
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) out.push({ type: 'same', text: a[--x] } as DiffPart) && y--;
    if (x === prevX) out.push({ type: 'added', text: b[--y] });
    else out.push({ type: 'removed', text: a[--x] });
  }
  while (x > 0 && y > 0) {
    x--;
    y--;
    out.push({ type: 'same', text: a[x] });
  }
  const merged: DiffPart[] = [];
  for (let i = out.length - 1; i >= 0; i--) push(merged, out[i].type, out[i].text);
  return merged;
}

/** Counts of changed words, for a one-line summary ("12 words added, 3 removed"). */
export function diffStats(parts: readonly DiffPart[]): { added: number; removed: number } {
  const words = (t: string) => tokenize(t).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
  let added = 0;
  let removed = 0;
  for (const p of parts) {
    if (p.type === 'added') added += words(p.text);
    else if (p.type === 'removed') removed += words(p.text);
  }
  return { added, removed };
}

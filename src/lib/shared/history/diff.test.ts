import { describe, expect, it } from 'vitest';
import { diffStats, diffWords, tokenize, type DiffPart } from './diff';

const side = (parts: DiffPart[], keep: 'added' | 'removed') => parts.filter((p) => p.type === 'same' || p.type === keep).map((p) => p.text).join('');

/** Seeded pseudo-random words, so a failure replays. */
function words(seed: number, count: number): string {
  let s = seed;
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    out.push(['food', 'rent', 'bus', 'meet', 'vote', 'task', 'need', 'offer'][s % 8]);
    if (s % 11 === 0) out.push('\n');
  }
  return out.join(' ');
}

describe('diffWords', () => {
  it('tokenize keeps every character', () => {
    const text = 'Hello, world!\n  Rent — due 3rd. it’s fine';
    expect(tokenize(text).join('')).toBe(text);
  });

  it('identical texts are one same part; empty texts give nothing', () => {
    expect(diffWords('a b c', 'a b c')).toEqual([{ type: 'same', text: 'a b c' }]);
    expect(diffWords('', '')).toEqual([]);
  });

  it('a changed word shows as removed then added, the rest as same', () => {
    expect(diffWords('We meet on Monday at noon', 'We meet on Tuesday at noon')).toEqual([
      { type: 'same', text: 'We meet on ' },
      { type: 'removed', text: 'Monday' },
      { type: 'added', text: 'Tuesday' },
      { type: 'same', text: ' at noon' }
    ]);
  });

  it('insertions and deletions in the middle', () => {
    const parts = diffWords('one two three four', 'one three four five');
    expect(parts.filter((p) => p.type === 'removed').map((p) => p.text.trim())).toEqual(['two']);
    expect(parts.filter((p) => p.type === 'added').map((p) => p.text.trim())).toEqual(['five']);
    expect(diffStats(parts)).toEqual({ added: 1, removed: 1 });
  });

  it('everything new / everything gone', () => {
    expect(diffWords('', 'new text')).toEqual([{ type: 'added', text: 'new text' }]);
    expect(diffWords('old text', '')).toEqual([{ type: 'removed', text: 'old text' }]);
  });

  it('both sides reconstruct for random edits (seeded)', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const before = words(seed, 60);
      const after = words(seed * 7 + 3, 50) + ' ' + before.slice(0, 40);
      const parts = diffWords(before, after);
      expect(side(parts, 'removed')).toBe(before);
      expect(side(parts, 'added')).toBe(after);
      for (let i = 1; i < parts.length; i++) expect(parts[i].type).not.toBe(parts[i - 1].type);
    }
  });

  it('minimal: one inserted word in a long text is the only change', () => {
    const before = words(5, 500);
    const list = before.split(' ');
    const after = [...list.slice(0, 300), 'INSERTED', ...list.slice(300)].join(' ');
    const parts = diffWords(before, after);
    // The space may slide to either side of the word; the change is that one word.
    expect(parts.filter((p) => p.type === 'added').map((p) => p.text.trim())).toEqual(['INSERTED']);
    expect(parts.some((p) => p.type === 'removed')).toBe(false);
  });

  // (How long it takes is a figure for the bench, not a threshold here: a hang fails by the test's timeout.)
  it('unrelated huge texts fall back to removed + added without hanging', () => {
    const a = Array.from({ length: 6000 }, (_, i) => `a${i}`).join(' ');
    const b = Array.from({ length: 6000 }, (_, i) => `b${i}`).join(' ');
    const parts = diffWords(a, b);
    expect(side(parts, 'removed')).toBe(a);
    expect(side(parts, 'added')).toBe(b);
  });
});

/**
 * Search (issue 22): the device's full-text index over a workspace of N documents of ~2 KB
 * of text each, in Node (the same code the browser runs: entries read from Y.Docs, then
 * MiniSearch). Measures the index build (reading every document's entries, then indexing
 * them), warm query latency (p50/p95 over a mix of prefixes, typos, accent-free Spanish and
 * two-word queries), re-indexing one changed document, and the index's memory (heap after GC
 * with and without it). The text: made-up words from a vocabulary of 8,000, a few common and
 * most rare, with the searched words 1 in 30. Reference in the same run: a linear scan of every entry's folded text
 * for every query word (what search would cost without an index).
 * Goals (docs/performance.md): build < 2 s for 1,000 documents, query p95 < 30 ms.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import * as Y from 'yjs';
import { SearchIndex } from '../../src/lib/search/search-index.ts';
import { foldText, searchEntriesOf, termsOf, type SearchEntry } from '../../src/lib/shared/search/index.ts';
import type { ScenarioResult } from '../lib/results.ts';

export interface SearchParams {
  docs: number;
  /** Approximate characters of text per document. */
  bytes: number;
  queries: number;
}

const WORDS = ['pantry', 'freezer', 'rice', 'beans', 'volunteer', 'shift', 'saturday', 'meeting', 'rota', 'delivery', 'bicycle', 'trailer', 'kitchen', 'reunión', 'sábado', 'despensa', 'congelador', 'comida', 'niños', 'vecinos', 'mañana', 'entrega', 'bolsa', 'café', 'leche', 'transport', 'childcare', 'medicine', 'rent', 'garden'];
const QUERIES = ['pant', 'freezr', 'reunion', 'sabado', 'despensa congel', 'volunteer shift', 'ninos', 'cafe', 'deliv', 'manana entrega', 'garden', 'bicylce'];

/** A seeded random source (mulberry32), so every run indexes the same text. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'te', 'vo', 'pi', 'da', 'gor', 'lin', 'mar', 'tes', 'vel', 'cha', 'bri', 'don', 'fal', 'quin'];

/** A vocabulary of `size` made-up words (text of many distinct words, as people write). */
function vocabulary(rand: () => number, size: number): string[] {
  const words = new Set<string>();
  while (words.size < size) words.add(Array.from({ length: 2 + Math.floor(rand() * 3) }, () => SYLLABLES[Math.floor(rand() * SYLLABLES.length)]).join(''));
  return [...words];
}

/**
 * A document of paragraphs: words drawn log-uniformly from the vocabulary (a few words very
 * common, most rare, as in real text), and 1 word in 30 one of the words people search for.
 */
function documentOf(rand: () => number, vocab: string[], bytes: number, n: number): Y.Doc {
  const doc = new Y.Doc();
  const root = doc.get('root', Y.XmlText);
  const word = () => (rand() < 1 / 30 ? WORDS[Math.floor(rand() * WORDS.length)]! : vocab[Math.floor(Math.exp(rand() * Math.log(vocab.length)))]!);
  let written = 0;
  while (written < bytes) {
    const text = `${n} ${Array.from({ length: 12 + Math.floor(rand() * 20) }, word).join(' ')}.`;
    const p = new Y.XmlText();
    root.insertEmbed(root.length, p);
    p.setAttribute('__type', 'paragraph');
    p.insert(0, text);
    written += text.length;
  }
  return doc;
}

const gc = (() => {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
})();

function heapAfterGc(): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function timeQueries(run: (q: string) => unknown, queries: number): { p50: number; p95: number } {
  const times: number[] = [];
  for (let i = 0; i < queries; i++) {
    const q = QUERIES[i % QUERIES.length]!;
    const t0 = performance.now();
    run(q);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95) };
}

/** The reference: every entry's folded text scanned for every query word (prefix of a word). */
function linearScan(all: Map<string, SearchEntry[]>): (q: string) => number {
  const folded = [...all.values()].flat().map((e) => termsOf(e.text));
  return (q) => {
    const terms = termsOf(q);
    return folded.filter((words) => terms.every((t) => words.some((w) => w.startsWith(foldText(t))))).length;
  };
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

export async function runSearch(params: SearchParams, log: (line: string) => void): Promise<ScenarioResult> {
  const rand = random(22);
  const vocab = vocabulary(rand, 8000);
  const docs = Array.from({ length: params.docs }, (_, i) => documentOf(rand, vocab, params.bytes, i));
  const textBytes = docs.reduce((sum, d) => sum + searchEntriesOf(d).reduce((s, e) => s + e.text.length, 0), 0);

  const t0 = performance.now();
  const entries = new Map(docs.map((doc, i) => [`doc${i}`, searchEntriesOf(doc)]));
  const readMs = performance.now() - t0;
  const before = heapAfterGc();
  const t1 = performance.now();
  const index = new SearchIndex();
  for (const [docId, list] of entries) index.setDocument(docId, `Document ${docId}`, list);
  const indexMs = performance.now() - t1;
  const after = heapAfterGc();
  log(`search: ${params.docs} documents read in ${round(readMs, 0)} ms, indexed in ${round(indexMs, 0)} ms`);

  timeQueries((q) => index.search(q), 50); // warm up
  const warm = timeQueries((q) => index.search(q), params.queries);
  const scan = linearScan(entries);
  const reference = timeQueries(scan, Math.min(params.queries, 120));

  // One document changed (a paragraph typed into): what a keystroke burst costs the index.
  const updates: number[] = [];
  for (let i = 0; i < 100; i++) {
    const docId = `doc${i}`;
    const list = entries.get(docId)!.map((e, k) => (k === 0 ? { ...e, text: `${e.text} edit${i}` } : e));
    const t = performance.now();
    index.setDocument(docId, `Document ${docId}`, list);
    updates.push(performance.now() - t);
  }
  updates.sort((a, b) => a - b);
  log(`search: query p50 ${round(warm.p50)} ms, p95 ${round(warm.p95)} ms (linear scan p95 ${round(reference.p95)} ms)`);

  return {
    name: 'search',
    system: 'mutual',
    params: { docs: params.docs, bytesPerDoc: params.bytes, queries: params.queries },
    metrics: {
      textKb: round(textBytes / 1024, 0),
      entries: index.entryCount,
      readEntriesMs: round(readMs, 0),
      indexBuildMs: round(indexMs, 0),
      buildMs: round(readMs + indexMs, 0),
      queryP50Ms: round(warm.p50),
      queryP95Ms: round(warm.p95),
      linearScanP50Ms: round(reference.p50),
      linearScanP95Ms: round(reference.p95),
      p95VsLinearScan: round(warm.p95 / reference.p95),
      updateOneDocP95Ms: round(percentile(updates, 95)),
      indexHeapMb: round((after - before) / 1024 / 1024, 1),
      meetsGoals: readMs + indexMs < 2000 && warm.p95 < 30
    }
  };
}

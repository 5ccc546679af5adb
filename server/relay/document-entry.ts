/**
 * One document's slot in the document manager: its lifecycle state (document-lifecycle.ts),
 * the loaded document, what waits for the load, the unload timer, and a short history of
 * transitions so that `describe` can explain a stuck or refused document.
 */
import { errorMessage } from '../log.ts';
import type { DocKey } from '../store/types.ts';
import type { LifecycleEvent, LifecycleState } from './document-lifecycle.ts';
import type { LiveDocument } from './live-document.ts';

/** Transitions kept per document for diagnostics. */
const HISTORY = 12;

export interface Entry {
  readonly key: DocKey;
  life: LifecycleState;
  /** When `life` last changed (ms since the epoch). */
  since: number;
  doc: LiveDocument | null;
  /** Settles once: with the document when it is served, with the load error when not. */
  readonly loaded: Promise<LiveDocument>;
  readonly resolveLoad: (doc: LiveDocument) => void;
  readonly rejectLoad: (err: unknown) => void;
  /** Frames other instances published while this document was loading: applied once served. */
  early: Uint8Array[];
  unloadTimer: ReturnType<typeof setTimeout> | null;
  /** Why the document stopped being served (load, storage or apply error). */
  error: unknown;
  /** The last transitions, oldest first. */
  readonly history: { at: number; event: string; to: string }[];
}

/** A new slot, in `gone` until its first acquire. */
export function createEntry(key: DocKey, now: number): Entry {
  let resolveLoad!: (doc: LiveDocument) => void;
  let rejectLoad!: (err: unknown) => void;
  const loaded = new Promise<LiveDocument>((resolve, reject) => {
    resolveLoad = resolve;
    rejectLoad = reject;
  });
  // Every waiter awaits it; this only keeps a rejection nobody waits for from being reported.
  loaded.catch(() => {});
  return { key, life: { kind: 'gone' }, since: now, doc: null, loaded, resolveLoad, rejectLoad, early: [], unloadTimer: null, error: null, history: [] };
}

/** Put the entry in `to` (after `event`), remembering the transition. */
export function moveTo(entry: Entry, event: LifecycleEvent, to: LifecycleState, now: number): void {
  if (to.kind !== entry.life.kind) entry.since = now;
  entry.life = to;
  entry.history.push({ at: now, event: event.type === 'graceOver' ? `graceOver(${event.busy ? 'busy' : 'quiet'})` : event.type, to: label(to) });
  if (entry.history.length > HISTORY) entry.history.shift();
}

/** A document's relay-side state, as `DocumentManager.describe` reports it (plain JSON). */
export interface DocumentDiagnosis {
  key: string;
  /** `loading(2)`, `ready(3)`, `idle`, `unloading`, `failed(storage)`, `gone`. */
  state: string;
  msInState: number;
  error?: string;
  /** Open sockets on it, and its write pipeline (batch in flight, updates waiting for it). */
  peers?: number;
  writing?: { inflight: boolean; pending: number; flushed: number; durable: number };
  /** Recent transitions: `<event> → <state>, <n> ms ago`. */
  history: string[];
}

/** What diagnosing needs of an entry (a document that left memory keeps only this). */
export type EntryRecord = Pick<Entry, 'key' | 'life' | 'since' | 'error' | 'doc' | 'history'>;

/** What is left of an entry once it left memory: no document, a copy of its history. */
export function recordOf(entry: Entry): EntryRecord {
  return { key: entry.key, life: entry.life, since: entry.since, error: entry.error, doc: null, history: [...entry.history] };
}

export function diagnose(entry: EntryRecord, now: number): DocumentDiagnosis {
  const d = entry.doc;
  return {
    key: entry.key,
    state: label(entry.life),
    msInState: now - entry.since,
    ...(entry.error ? { error: errorMessage(entry.error) } : {}),
    ...(d ? { peers: d.peers.size, writing: { inflight: d.inflight, pending: d.pending.length, flushed: d.flushSeq, durable: d.durableSeq } } : {}),
    history: entry.history.map((h) => `${h.event} → ${h.to}, ${now - h.at} ms ago`)
  };
}

function label(s: LifecycleState): string {
  switch (s.kind) {
    case 'loading':
      return `loading(${s.waiters})`;
    case 'ready':
      return `ready(${s.refs})`;
    case 'failed':
      return `failed(${s.cause})`;
    default:
      return s.kind;
  }
}

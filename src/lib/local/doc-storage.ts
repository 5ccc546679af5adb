/**
 * Documents on the device, over any {@link LocalStore}: validates stored Yjs
 * updates, skips and reports damaged ones, compacts in the background, and
 * turns storage failures into problems the UI can list. Nothing here throws at
 * the UI: a broken record or a full disk is a message, never a blank page.
 */
import * as Y from 'yjs';
import { LocalStoreError, toLocalStoreError } from './errors.ts';
import { writable, type Readable } from './observable.ts';
import type { DocMeta, LocalStore, RawUpdateRecord } from './store.ts';
import { pageJournal, type Journal } from './journal.ts';
import { m } from '../paraglide/messages.js';

/** Something about local data the person should know, in plain words. */
export interface LocalProblem {
  /** Stable per (kind, document): a repeat replaces the earlier entry. */
  id: string;
  kind: 'corrupt' | 'quota' | 'unavailable' | 'io';
  message: string;
  workspaceId?: string;
  docId?: string;
  at: number;
}

/** Result of loading a document from the device. */
export interface LoadedDoc {
  /**
   * The readable records, oldest first (apply them in one transaction: merging them first
   * decoded and re-encoded the whole document once more on every open; issue 25).
   */
  updates: Uint8Array[];
  /** Everything readable, merged into one update (computed when first read); null when nothing is stored. */
  readonly update: Uint8Array | null;
  /** Number of readable records. */
  records: number;
  /** Number of damaged records skipped (reported as a problem). */
  corrupt: number;
  /** Set when the store itself failed (reported as a problem). */
  error?: LocalStoreError;
}

/** Thresholds and hooks of {@link DocStorage}. */
export interface DocStorageOptions {
  /**
   * Compact a document once it has this many records. Default 200. A large document waits
   * until the records added since its last merge are also a quarter of it (GROWTH_SHARE).
   */
  compactAfterCount?: number;
  /** …or once this many bytes were added since its last merge. Default 1 MiB. */
  compactAfterBytes?: number;
  /** Human name of a document for messages (e.g. its title from the index). Default: its id. */
  describeDoc?: (workspaceId: string, docId: string) => string;
  now?: () => number;
  /** Where edits not yet committed go when the page goes away. Default: this page's localStorage journal. */
  journal?: Journal;
}

interface Counters {
  count: number;
  bytes: number;
  /** Bytes of the merged record the others were added to (the last compaction's; 0 when none). */
  base: number;
}

/**
 * A large document is merged again only once the records added since its last merge are at
 * least this share of it: merging costs as much as the whole document (a 400 KB document took
 * 100–300 ms of the page's thread), so it is paid once per this share of growth, not once per
 * `compactAfterCount` keystrokes (issue 25). Small documents reach it within those records.
 */
const GROWTH_SHARE = 0.25;

const key = (workspaceId: string, docId: string): string => `${workspaceId}/${docId}`;

/** True when `value` is stored bytes, the form every update is written in (not yet decoded). */
function isStoredBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && value.byteLength > 0;
}

/**
 * True when `value` is a Yjs update this build can read. Y.decodeUpdate throws
 * on truncated or garbage bytes; an empty array is never written by us.
 */
export function isValidUpdate(value: unknown): value is Uint8Array {
  if (!isStoredBytes(value)) return false;
  try {
    Y.decodeUpdate(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * Merge valid updates into one; falls back to a scratch doc if mergeUpdates rejects a
 * combination. A record that then fails to apply is left out and `onUnusable` is told (the
 * caller keeps the stored record and says so).
 */
export function mergeValidUpdates(updates: Uint8Array[], onUnusable: (error: unknown) => void = () => {}): Uint8Array {
  if (updates.length === 1) return updates[0];
  try {
    return Y.mergeUpdates(updates);
  } catch {
    const scratch = new Y.Doc();
    for (const update of updates) {
      try {
        Y.applyUpdate(scratch, update);
      } catch (error) {
        onUnusable(error);
      }
    }
    const merged = Y.encodeStateAsUpdate(scratch);
    scratch.destroy();
    return merged;
  }
}

/** Bytes of the readable records among `raw`. */
function sizeOf(raw: readonly { update: unknown }[]): number {
  let bytes = 0;
  for (const record of raw) if (isValidUpdate(record.update)) bytes += record.update.byteLength;
  return bytes;
}

/** Document persistence with validation, compaction and problem reporting. */
export class DocStorage {
  private readonly problemList = writable<LocalProblem[]>([]);
  /** Problems to show (damaged records, full storage). Svelte-store compatible. */
  readonly problems: Readable<LocalProblem[]> = this.problemList;
  private readonly counters = new Map<string, Counters>();
  /** Per-document chain: compactions of one document never overlap. */
  private readonly chains = new Map<string, Promise<unknown>>();
  /** Updates a failed write could not store (quota): retried with the next write. */
  private readonly unsaved = new Map<string, Uint8Array[]>();
  private readonly compactAfterCount: number;
  private readonly compactAfterBytes: number;
  private readonly describeDoc: (workspaceId: string, docId: string) => string;
  private readonly now: () => number;
  private readonly changeListeners = new Set<(workspaceId: string, docId: string, update: Uint8Array) => void>();
  /** A read begun before anything asked for the document ({@link readAhead}); one at a time. */
  private ahead: { key: string; read: Promise<RawUpdateRecord[]> } | null = null;

  /** The unload journal (journal.ts), shared by the documents' persistence. */
  readonly journal: Journal;

  constructor(readonly store: LocalStore, options: DocStorageOptions = {}) {
    this.journal = options.journal ?? pageJournal();
    this.compactAfterCount = options.compactAfterCount ?? 200;
    this.compactAfterBytes = options.compactAfterBytes ?? 1024 * 1024;
    this.describeDoc = options.describeDoc ?? ((_w, docId) => docId);
    this.now = options.now ?? Date.now;
  }

  /**
   * Start reading a document's records now, while the page that shows it is still starting
   * (issue 25: the read no longer waits for the app and the workspace session); the next
   * {@link load} of the document takes this read instead of starting its own. One read is kept
   * at a time, and a write to the document meanwhile (append, compaction) drops it.
   */
  readAhead(workspaceId: string, docId: string): void {
    const k = key(workspaceId, docId);
    if (this.ahead?.key === k) return;
    const read = this.store.loadUpdates(workspaceId, docId);
    read.catch(() => undefined); // reported by the load that takes it
    this.ahead = { key: k, read };
  }

  /** The read begun ahead for this document, taken (once), else a new one. */
  private readRecords(workspaceId: string, docId: string): Promise<RawUpdateRecord[]> {
    const ahead = this.takeAhead(key(workspaceId, docId));
    return ahead ?? this.store.loadUpdates(workspaceId, docId);
  }

  private takeAhead(k: string): Promise<RawUpdateRecord[]> | null {
    if (this.ahead?.key !== k) return null;
    const { read } = this.ahead;
    this.ahead = null;
    return read;
  }

  /**
   * Load a document: valid records merged, damaged ones skipped, reported and queued for removal.
   *
   * `check: 'bytes'` (the document handle's open) leaves the decoding to the caller, which
   * applies every record anyway: telling a damaged record from a good one took a full decode
   * of each, a second decode of the whole document on every open (≈ 8% of opening a 1,000-block
   * page; issue 25). Only records that are not bytes are skipped; the caller says which of the
   * others failed to decode with {@link damaged}.
   */
  async load(workspaceId: string, docId: string, options: { check?: 'decode' | 'bytes' } = {}): Promise<LoadedDoc> {
    let raw;
    try {
      raw = await this.readRecords(workspaceId, docId);
    } catch (error) {
      const storeError = this.report(error, workspaceId, docId);
      return { updates: [], update: null, records: 0, corrupt: 0, error: storeError };
    }
    const readable = options.check === 'bytes' ? isStoredBytes : isValidUpdate;
    const valid: Uint8Array[] = [];
    let bytes = 0;
    let base = 0;
    for (const record of raw) {
      if (readable(record.update)) {
        valid.push(record.update);
        bytes += record.update.byteLength;
        base = Math.max(base, record.update.byteLength); // the merged record is the largest
      }
    }
    const corrupt = raw.length - valid.length;
    this.counters.set(key(workspaceId, docId), { count: raw.length, bytes, base });
    if (corrupt > 0) await this.damaged(workspaceId, docId);
    else if (this.overThreshold(workspaceId, docId)) this.compactInBackground(workspaceId, docId);
    let merged: Uint8Array | null | undefined;
    const unusable = (): void => void this.unusable(workspaceId, docId);
    return {
      updates: valid,
      get update() {
        merged ??= valid.length > 0 ? mergeValidUpdates(valid, unusable) : null;
        return merged;
      },
      records: valid.length,
      corrupt
    };
  }

  /**
   * Some records of the document cannot be read: the person is told, the relay is asked for
   * everything again, and compaction drops them (it keeps only records that decode).
   */
  async damaged(workspaceId: string, docId: string): Promise<void> {
    this.addProblem({
      kind: 'corrupt',
      workspaceId,
      docId,
      message: m.doc_storage_corrupt({ title: this.describeDoc(workspaceId, docId) })
    });
    // Dropping the damaged records (compaction) must not lose the flag: the relay resends everything on next sync.
    await this.updateMeta(workspaceId, docId, { needsRefetch: true });
    this.compactInBackground(workspaceId, docId);
  }

  /**
   * A readable record of the document could not be applied: kept in the store (compaction
   * keeps it too), the person is told, and the relay fills in what it has.
   */
  async unusable(workspaceId: string, docId: string): Promise<void> {
    this.addProblem({
      kind: 'corrupt',
      workspaceId,
      docId,
      message: `A saved change of “${this.describeDoc(workspaceId, docId)}” could not be applied on this device. It is kept as it was (nothing was deleted), and the document is fetched from the server again.`
    });
    await this.updateMeta(workspaceId, docId, { needsRefetch: true });
  }

  /**
   * Append an update. Resolves true when stored; false when the store failed
   * (the failure is reported, and the bytes are retried with the next write so
   * a freed-up disk loses nothing). Never rejects.
   */
  async append(workspaceId: string, docId: string, update: Uint8Array): Promise<boolean> {
    const k = key(workspaceId, docId);
    this.takeAhead(k); // a read begun earlier would miss this record
    const earlier = this.unsaved.get(k) ?? [];
    const toWrite = earlier.length > 0 ? mergeValidUpdates([...earlier, update]) : update;
    try {
      await this.store.appendUpdate(workspaceId, docId, toWrite);
    } catch (error) {
      this.unsaved.set(k, [toWrite]);
      const storeError = this.report(error, workspaceId, docId);
      // Compaction can free space (merged updates are smaller than many small ones).
      if (storeError.kind === 'quota') this.compactInBackground(workspaceId, docId);
      return false;
    }
    this.unsaved.delete(k);
    this.resolveProblem('quota');
    for (const listener of this.changeListeners) {
      try {
        listener(workspaceId, docId, toWrite);
      } catch {
        // A failing listener (a dashboard) must never break persistence.
      }
    }
    const counters = this.counters.get(k) ?? { count: 0, bytes: 0, base: 0 };
    counters.count += 1;
    counters.bytes += toWrite.byteLength;
    this.counters.set(k, counters);
    if (this.overThreshold(workspaceId, docId)) this.compactInBackground(workspaceId, docId);
    return true;
  }

  /** Whether a failed write of this document still waits to be retried. */
  hasUnsaved(workspaceId: string, docId: string): boolean {
    return (this.unsaved.get(key(workspaceId, docId))?.length ?? 0) > 0;
  }

  /**
   * Listen to every update stored on this device (typed here, synced by the replicator,
   * or from another tab's editor via the relay). Dashboards use it to stay live without
   * opening a connection per document. Returns the unsubscribe function.
   */
  onChange(listener: (workspaceId: string, docId: string, update: Uint8Array) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /**
   * Merge every readable record of a document into one (damaged records are
   * dropped). Atomic in the store. Resolves the record counts, or null when
   * there was nothing to do or the store failed (reported).
   */
  compact(workspaceId: string, docId: string): Promise<{ before: number; after: number } | null> {
    return this.serialise(workspaceId, docId, () => this.compactNow(workspaceId, docId));
  }

  /** Resolves when every background compaction started so far has finished. */
  async whenIdle(): Promise<void> {
    while (this.chains.size > 0) await Promise.all([...this.chains.values()]);
  }

  /**
   * Read a document's meta; a fresh default when none (or the store failed, reported).
   * Sees every {@link updateMeta} issued before it (they are queued per document).
   */
  async getMeta(workspaceId: string, docId: string): Promise<DocMeta> {
    await this.chains.get(key(workspaceId, docId));
    try {
      return (await this.store.getDocMeta(workspaceId, docId)) ?? { workspaceId, docId, unsynced: false };
    } catch (error) {
      this.report(error, workspaceId, docId);
      return { workspaceId, docId, unsynced: false };
    }
  }

  /** Every meta record of a workspace; empty (reported) when the store failed. */
  async listMeta(workspaceId: string): Promise<DocMeta[]> {
    await Promise.all([...this.chains.values()]);
    try {
      return await this.store.listDocMeta(workspaceId);
    } catch (error) {
      this.report(error, workspaceId);
      return [];
    }
  }

  /** Merge fields into a document's meta. Resolves false (reported) when the store failed. */
  updateMeta(workspaceId: string, docId: string, patch: Partial<Omit<DocMeta, 'workspaceId' | 'docId'>>): Promise<boolean> {
    // Serialised with compaction so read-modify-write cycles of one document never interleave.
    return this.serialise(workspaceId, docId, async () => {
      try {
        const current = (await this.store.getDocMeta(workspaceId, docId)) ?? { workspaceId, docId, unsynced: false };
        await this.store.putDocMeta({ ...current, ...patch, workspaceId, docId });
        return true;
      } catch (error) {
        this.report(error, workspaceId, docId);
        return false;
      }
    });
  }

  /**
   * Leave a workspace: delete its catalogue entry and every record and meta of
   * its documents. Rejects with a LocalStoreError (the caller shows it: leaving
   * is an explicit action, so a failure must not look like success).
   */
  async deleteWorkspace(workspaceId: string): Promise<void> {
    await this.whenIdle();
    await this.store.deleteWorkspace(workspaceId);
    this.journal.dropWorkspace(workspaceId);
    const prefix = `${workspaceId}/`;
    if (this.ahead?.key.startsWith(prefix)) this.ahead = null;
    for (const k of [...this.counters.keys()]) if (k.startsWith(prefix)) this.counters.delete(k);
    for (const k of [...this.unsaved.keys()]) if (k.startsWith(prefix)) this.unsaved.delete(k);
    this.problemList.update((list) => list.filter((p) => p.workspaceId !== workspaceId));
  }

  /** Forget a problem the person dismissed. */
  dismissProblem(id: string): void {
    this.problemList.update((list) => list.filter((p) => p.id !== id));
  }

  /** Record a store failure as a problem; returns it as a typed error. */
  report(error: unknown, workspaceId?: string, docId?: string): LocalStoreError {
    const storeError = toLocalStoreError(error);
    // Quota and unavailable are device-wide: one entry, not one per document.
    const scoped = storeError.kind === 'io';
    this.addProblem({
      kind: storeError.kind,
      message: storeError.message,
      workspaceId: scoped ? workspaceId : undefined,
      docId: scoped ? docId : undefined
    });
    return storeError;
  }

  private async compactNow(workspaceId: string, docId: string): Promise<{ before: number; after: number } | null> {
    this.takeAhead(key(workspaceId, docId)); // its records are about to be replaced
    try {
      const raw = await this.store.loadUpdates(workspaceId, docId);
      if (raw.length <= 1 && raw.every((r) => isValidUpdate(r.update))) {
        // One record is merged already: what is added next is measured against it.
        const counters = this.counters.get(key(workspaceId, docId));
        if (counters && raw.length === 1 && counters.count <= 1) counters.base = sizeOf(raw);
        return null;
      }
      const merged = this.mergeForCompaction(workspaceId, docId, raw);
      if (!merged) return null;
      const upToSeq = raw[raw.length - 1].seq;
      await this.store.replaceUpdates(workspaceId, docId, merged, upToSeq);
      const k = key(workspaceId, docId);
      const counters = this.counters.get(k);
      // Appends that landed during compaction stay counted on top of the one merged record.
      const appendedMeanwhile = counters ? Math.max(0, counters.count - raw.length) : 0;
      const bytesMeanwhile = counters ? Math.max(0, counters.bytes - sizeOf(raw)) : 0;
      this.counters.set(k, { count: 1 + appendedMeanwhile, bytes: merged.byteLength + bytesMeanwhile, base: merged.byteLength });
      const current = (await this.store.getDocMeta(workspaceId, docId)) ?? { workspaceId, docId, unsynced: false };
      await this.store.putDocMeta({ ...current, compactedAt: this.now() });
      return { before: raw.length, after: 1 };
    } catch (error) {
      this.report(error, workspaceId, docId);
      return null;
    }
  }

  /**
   * Every readable record merged into one, through a scratch doc (rather than mergeUpdates) so
   * deleted content is garbage-collected and the record is as small as the document allows.
   * Undecodable records are dropped (they were reported and marked for re-fetch when loaded).
   * A record that decodes but does not apply is another matter: it may hold words that exist
   * nowhere else, so compaction stops, keeps every record, and says so. Null then.
   */
  private mergeForCompaction(workspaceId: string, docId: string, raw: readonly { update: unknown }[]): Uint8Array | null {
    const scratch = new Y.Doc();
    try {
      for (const record of raw) {
        if (!isValidUpdate(record.update)) continue;
        try {
          Y.applyUpdate(scratch, record.update);
        } catch {
          this.addProblem({
            kind: 'corrupt',
            workspaceId,
            docId,
            message: `A saved change of “${this.describeDoc(workspaceId, docId)}” could not be applied on this device. It is kept as it was (nothing was deleted), and the document is fetched from the server again.`
          });
          void this.updateMeta(workspaceId, docId, { needsRefetch: true });
          return null;
        }
      }
      return Y.encodeStateAsUpdate(scratch);
    } finally {
      scratch.destroy();
    }
  }

  private compactInBackground(workspaceId: string, docId: string): void {
    // compact() never rejects (failures are reported), so nothing is left unhandled here.
    void this.compact(workspaceId, docId);
  }

  private overThreshold(workspaceId: string, docId: string): boolean {
    const counters = this.counters.get(key(workspaceId, docId));
    if (!counters) return false;
    // What was added since the last merge (a merged record larger than the byte limit must
    // not be merged again on every keystroke).
    const added = counters.bytes - counters.base;
    if (added >= this.compactAfterBytes) return true;
    return counters.count >= this.compactAfterCount && added >= counters.base * GROWTH_SHARE;
  }

  private serialise<T>(workspaceId: string, docId: string, task: () => Promise<T>): Promise<T> {
    const k = key(workspaceId, docId);
    const previous = this.chains.get(k) ?? Promise.resolve();
    const next = previous.then(task, task);
    const tracked = next.then(
      () => undefined,
      () => undefined
    );
    this.chains.set(k, tracked);
    void tracked.then(() => {
      if (this.chains.get(k) === tracked) this.chains.delete(k);
    });
    return next;
  }

  private addProblem(problem: Omit<LocalProblem, 'id' | 'at'>): void {
    const id = [problem.kind, problem.workspaceId ?? '', problem.docId ?? ''].join(':');
    const entry: LocalProblem = { ...problem, id, at: this.now() };
    this.problemList.update((list) => [...list.filter((p) => p.id !== id), entry]);
  }

  private resolveProblem(kind: LocalProblem['kind']): void {
    if (this.problemList.get().some((p) => p.kind === kind)) {
      this.problemList.update((list) => list.filter((p) => p.kind !== kind));
    }
  }
}

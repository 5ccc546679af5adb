/**
 * In-memory {@link LocalStore}: for tests, and as the fallback when a browser
 * refuses IndexedDB (the app still works online; nothing survives a reload).
 */
import { LocalStoreError } from './errors.ts';
import {
  copyBytes,
  type DocMeta,
  type LocalStore,
  type RawUpdateRecord,
  type WorkspaceRecord
} from './store.ts';

const docKey = (workspaceId: string, docId: string): string => `${workspaceId}\u0000${docId}`;

/** Options of the memory store. */
export interface MemoryLocalStoreOptions {
  /** Simulated storage quota in bytes of update data; appends beyond it fail with kind 'quota'. */
  quotaBytes?: number;
}

/** A {@link LocalStore} kept in maps. Values are copied in and out like IndexedDB's structured clone. */
export class MemoryLocalStore implements LocalStore {
  readonly kind = 'memory' as const;
  /** Simulated quota; tests may lower it to provoke a quota error. */
  quotaBytes: number;
  private readonly workspaces = new Map<string, WorkspaceRecord>();
  private readonly updates = new Map<string, Map<number, unknown>>();
  private readonly meta = new Map<string, DocMeta>();

  constructor(options: MemoryLocalStoreOptions = {}) {
    this.quotaBytes = options.quotaBytes ?? Number.POSITIVE_INFINITY;
  }

  async listWorkspaces(): Promise<WorkspaceRecord[]> {
    return [...this.workspaces.values()].map((w) => structuredClone(w)).sort((a, b) => a.workspaceId.localeCompare(b.workspaceId));
  }

  async getWorkspace(workspaceId: string): Promise<WorkspaceRecord | undefined> {
    const record = this.workspaces.get(workspaceId);
    return record ? structuredClone(record) : undefined;
  }

  async putWorkspace(record: WorkspaceRecord): Promise<void> {
    this.workspaces.set(record.workspaceId, structuredClone(record));
  }

  async deleteWorkspace(workspaceId: string): Promise<void> {
    this.workspaces.delete(workspaceId);
    const prefix = `${workspaceId}\u0000`;
    for (const key of [...this.updates.keys()]) if (key.startsWith(prefix)) this.updates.delete(key);
    for (const key of [...this.meta.keys()]) if (key.startsWith(prefix)) this.meta.delete(key);
  }

  async appendUpdate(workspaceId: string, docId: string, update: Uint8Array): Promise<number> {
    if (this.usedBytes() + update.byteLength > this.quotaBytes) throw new LocalStoreError('quota');
    const key = docKey(workspaceId, docId);
    let records = this.updates.get(key);
    if (!records) this.updates.set(key, (records = new Map()));
    const seq = Math.max(0, ...records.keys()) + 1;
    records.set(seq, copyBytes(update));
    return seq;
  }

  async loadUpdates(workspaceId: string, docId: string): Promise<RawUpdateRecord[]> {
    const records = this.updates.get(docKey(workspaceId, docId));
    if (!records) return [];
    return [...records.entries()]
      .sort(([a], [b]) => a - b)
      .map(([seq, update]) => ({ seq, update: update instanceof Uint8Array ? copyBytes(update) : update }));
  }

  async replaceUpdates(workspaceId: string, docId: string, merged: Uint8Array, upToSeq: number): Promise<void> {
    const records = this.updates.get(docKey(workspaceId, docId));
    if (!records) throw new LocalStoreError('io', { message: 'Cannot compact a document with no stored records.' });
    records.set(upToSeq, copyBytes(merged));
    for (const seq of [...records.keys()]) if (seq < upToSeq) records.delete(seq);
  }

  async deleteDocument(workspaceId: string, docId: string): Promise<void> {
    this.updates.delete(docKey(workspaceId, docId));
    this.meta.delete(docKey(workspaceId, docId));
  }

  async listDocuments(workspaceId: string): Promise<string[]> {
    const prefix = `${workspaceId}\u0000`;
    return [...this.updates.entries()]
      .filter(([key, records]) => key.startsWith(prefix) && records.size > 0)
      .map(([key]) => key.slice(prefix.length))
      .sort();
  }

  async getDocMeta(workspaceId: string, docId: string): Promise<DocMeta | undefined> {
    const meta = this.meta.get(docKey(workspaceId, docId));
    return meta ? structuredClone(meta) : undefined;
  }

  async putDocMeta(meta: DocMeta): Promise<void> {
    this.meta.set(docKey(meta.workspaceId, meta.docId), structuredClone(meta));
  }

  async listDocMeta(workspaceId: string): Promise<DocMeta[]> {
    return [...this.meta.values()].filter((m) => m.workspaceId === workspaceId).map((m) => structuredClone(m));
  }

  close(): void {}

  /** Test hook: store an arbitrary value as a record, as a damaged database would hold it. */
  writeRaw(workspaceId: string, docId: string, seq: number, value: unknown): void {
    const key = docKey(workspaceId, docId);
    let records = this.updates.get(key);
    if (!records) this.updates.set(key, (records = new Map()));
    records.set(seq, value);
  }

  private usedBytes(): number {
    let total = 0;
    for (const records of this.updates.values()) {
      for (const value of records.values()) if (value instanceof Uint8Array) total += value.byteLength;
    }
    return total;
  }
}

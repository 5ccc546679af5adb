/**
 * The document store acceptance suite: every DocumentStore implementation runs it
 * (like automerge-repo's runStorageAdapterTests), so a PostgreSQL store later proves
 * itself against the same behaviour the relay relies on.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { docKey, type DocKey, type DocumentStore } from './types.ts';

/** What a store under test provides. */
export interface StoreFixture {
  store: DocumentStore;
  /** Close the store and open a new one over the same data (a process restart). */
  reopen(): Promise<DocumentStore>;
  /** Make `key`'s stored data unreadable, if the backend can (corrupt row). */
  corrupt?(key: DocKey): Promise<void>;
  teardown(): Promise<void>;
}

const A = docKey('ws1', 'docA');
const B = docKey('ws1', 'docB');

/** Rebuild a Y.Doc from what a store returns, as the relay does. */
function materialise(loaded: { snapshot: Uint8Array | null; updates: Uint8Array[] }): Y.Doc {
  const doc = new Y.Doc();
  if (loaded.snapshot) Y.applyUpdate(doc, loaded.snapshot);
  for (const u of loaded.updates) Y.applyUpdate(doc, u);
  return doc;
}

/** Produce `n` real Yjs updates appending "0", "1", … to text `t`, plus the final doc. */
function edits(n: number): { updates: Uint8Array[]; doc: Y.Doc } {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  for (let i = 0; i < n; i++) doc.getText('t').insert(doc.getText('t').length, String(i % 10));
  return { updates, doc };
}

/** Run the acceptance suite for one store implementation. */
export function runDocumentStoreTests(
  name: string,
  setup: () => Promise<StoreFixture>,
  /** `corruptible`: the backend can damage a stored row (the fixture has `corrupt`). */
  capabilities: { corruptible?: boolean } = {}
): void {
  describe(`DocumentStore acceptance: ${name}`, () => {
    let fx: StoreFixture;
    beforeEach(async () => {
      fx = await setup();
    });
    afterEach(async () => {
      await fx.teardown();
    });

    it('loads an unknown document as empty', async () => {
      expect(await fx.store.load(A)).toEqual({ snapshot: null, updates: [], updateBytes: 0 });
    });

    it('returns appended updates in order, byte for byte', async () => {
      const { updates } = edits(5);
      for (const u of updates) await fx.store.append(A, u);
      const loaded = await fx.store.load(A);
      expect(loaded.snapshot).toBeNull();
      expect(loaded.updates.map((u) => Array.from(u))).toEqual(updates.map((u) => Array.from(u)));
      expect(loaded.updateBytes).toBe(updates.reduce((n, u) => n + u.byteLength, 0));
    });

    it('keeps order for appends issued without awaiting (one turn)', async () => {
      const { updates, doc } = edits(50);
      await Promise.all(updates.map((u) => fx.store.append(A, u)));
      expect(materialise(await fx.store.load(A)).getText('t').toString()).toBe(doc.getText('t').toString());
    });

    it('a load sees appends that were called but not yet awaited', async () => {
      const { updates, doc } = edits(3);
      const pending = updates.map((u) => fx.store.append(A, u));
      const loaded = await fx.store.load(A);
      await Promise.all(pending);
      expect(materialise(loaded).getText('t').toString()).toBe(doc.getText('t').toString());
    });

    it('compaction replaces the log with a snapshot; later appends form the tail', async () => {
      const { updates, doc } = edits(20);
      for (const u of updates.slice(0, 10)) void fx.store.append(A, u);
      const partial = materialise({ snapshot: null, updates: updates.slice(0, 10) });
      await fx.store.compact(A, Y.encodeStateAsUpdate(partial));
      for (const u of updates.slice(10)) await fx.store.append(A, u);
      const loaded = await fx.store.load(A);
      expect(loaded.snapshot).not.toBeNull();
      expect(loaded.updates).toHaveLength(10);
      expect(materialise(loaded).getText('t').toString()).toBe(doc.getText('t').toString());
    });

    it('compaction covers only appends called before it (same turn)', async () => {
      const { updates, doc } = edits(2);
      const first = materialise({ snapshot: null, updates: [updates[0]] });
      const ops = [fx.store.append(A, updates[0]), fx.store.compact(A, Y.encodeStateAsUpdate(first)), fx.store.append(A, updates[1])];
      await Promise.all(ops);
      const loaded = await fx.store.load(A);
      expect(loaded.updates).toHaveLength(1);
      expect(materialise(loaded).getText('t').toString()).toBe(doc.getText('t').toString());
    });

    it('keeps documents apart and deletes one without touching the other', async () => {
      const a = edits(2);
      const b = edits(3);
      for (const u of a.updates) await fx.store.append(A, u);
      for (const u of b.updates) await fx.store.append(B, u);
      await fx.store.compact(B, Y.encodeStateAsUpdate(b.doc));
      await fx.store.delete(A);
      expect(await fx.store.load(A)).toEqual({ snapshot: null, updates: [], updateBytes: 0 });
      expect(materialise(await fx.store.load(B)).getText('t').toString()).toBe(b.doc.getText('t').toString());
    });

    it('lists a workspace’s documents, sorted, and only its own', async () => {
      const u = edits(1).updates[0];
      await fx.store.append(docKey('w_1', 'b'), u);
      void fx.store.append(docKey('w_1', 'a'), u); // called, not awaited: listed all the same
      expect(await fx.store.listDocuments('w_1')).toEqual(['a', 'b']);
      await fx.store.append(docKey('wx1', 'c'), u); // `_` is no wildcard
      await fx.store.append(docKey('w_10', 'd'), u);
      await fx.store.compact(docKey('w_1', 'snap'), Y.encodeStateAsUpdate(edits(1).doc));
      await fx.store.delete(docKey('w_1', 'b'));
      expect(await fx.store.listDocuments('w_1')).toEqual(['a', 'snap']);
      expect(await fx.store.listDocuments('nobody')).toEqual([]);
    });

    it('stored bytes are not aliased to the caller’s buffers', async () => {
      const { updates, doc } = edits(1);
      const copy = updates[0].slice();
      await fx.store.append(A, copy);
      copy.fill(0);
      expect(materialise(await fx.store.load(A)).getText('t').toString()).toBe(doc.getText('t').toString());
    });

    it('stores a large update (1 MiB of text)', async () => {
      const doc = new Y.Doc();
      doc.getText('t').insert(0, 'x'.repeat(1024 * 1024));
      await fx.store.append(A, Y.encodeStateAsUpdate(doc));
      expect(materialise(await fx.store.load(A)).getText('t').length).toBe(1024 * 1024);
    });

    it('everything survives a close and reopen (restart), including un-awaited appends', async () => {
      const { updates, doc } = edits(30);
      for (const u of updates.slice(0, 15)) await fx.store.append(A, u);
      await fx.store.compact(A, Y.encodeStateAsUpdate(materialise({ snapshot: null, updates: updates.slice(0, 15) })));
      for (const u of updates.slice(15)) void fx.store.append(A, u).catch(() => {});
      const reopened = await fx.reopen();
      expect(materialise(await reopened.load(A)).getText('t').toString()).toBe(doc.getText('t').toString());
    });

    // Registered only for backends that can be corrupted: a memory store has no bytes to damage,
    // and a skipped test must never be counted as passing.
    if (capabilities.corruptible) it('a corrupt document rejects its load instead of reading as empty', async () => {
      if (!fx.corrupt) throw new Error(`${name} says it is corruptible but its fixture has no corrupt()`);
      const { updates } = edits(3);
      for (const u of updates) await fx.store.append(A, u);
      await fx.corrupt(A);
      await expect(fx.store.load(A)).rejects.toThrow(/could not load/);
    });

    it('rejects use after close', async () => {
      await fx.store.close();
      await expect(fx.store.append(A, new Uint8Array([0, 0]))).rejects.toThrow(/closed/);
      await expect(fx.store.load(A)).rejects.toThrow(/closed/);
    });
  });
}

/**
 * The acceptance suite every {@link LocalStore} passes (memory and IndexedDB),
 * in the manner of automerge-repo's `runStorageAdapterTests`. It checks the
 * adapter contract and, through {@link DocStorage}, the behaviour people rely
 * on: compaction keeps content, damaged records are skipped and reported,
 * a full disk is reported in plain words, leaving deletes everything.
 *
 * Test-only: imports vitest. Not re-exported from index.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DocStorage } from './doc-storage.ts';
import { DocPersistence } from './handle/persistence.ts';
import type { LocalStore, WorkspaceRecord } from './store.ts';

/** What a test setup provides for one fresh, empty store. */
export interface LocalStoreFixture {
  store: LocalStore;
  /** Write an arbitrary value as the record [workspaceId, docId, seq] (simulates damage). */
  writeRaw(workspaceId: string, docId: string, seq: number, value: unknown): Promise<void> | void;
  /** Make every further write fail the way a full disk does; returns a function that frees space again. */
  fillQuota(): () => void;
  teardown?(): Promise<void> | void;
}

const workspace = (workspaceId: string): WorkspaceRecord => ({
  workspaceId,
  name: `Workspace ${workspaceId}`,
  memberId: 'm1',
  token: 'secret-token',
  role: 'admin',
  memberName: 'Ana',
  colour: '#cc3366',
  joinedAt: 1_700_000_000_000
});

/** An update that inserts `text` into the document's text `t` (on top of `base`). */
function edit(doc: Y.Doc, text: string): Uint8Array {
  let captured: Uint8Array | null = null;
  const capture = (update: Uint8Array): void => {
    captured = update;
  };
  doc.on('update', capture);
  doc.getText('t').insert(doc.getText('t').length, text);
  doc.off('update', capture);
  if (!captured) throw new Error('no update produced');
  return captured;
}

async function contentOf(storage: DocStorage, workspaceId: string, docId: string): Promise<string> {
  const loaded = await storage.load(workspaceId, docId);
  const doc = new Y.Doc();
  if (loaded.update) Y.applyUpdate(doc, loaded.update);
  return doc.getText('t').toString();
}

/** Run the LocalStore acceptance suite against the stores `setup` creates. */
export function runLocalStoreTests(name: string, setup: () => Promise<LocalStoreFixture>): void {
  describe(`LocalStore acceptance: ${name}`, () => {
    let fixture: LocalStoreFixture;
    let store: LocalStore;
    beforeEach(async () => {
      fixture = await setup();
      store = fixture.store;
    });
    afterEach(async () => {
      await fixture.teardown?.();
    });
    const ctx: SuiteContext = {
      get store() {
        return store;
      },
      get fixture() {
        return fixture;
      }
    };
    recordTests(ctx);
    metaTests(ctx);
    storageTests(ctx);
    persistenceTests(ctx);
  });
}

/** What each group of tests reads: the fresh store and fixture of the running test. */
interface SuiteContext {
  readonly store: LocalStore;
  readonly fixture: LocalStoreFixture;
}


/** The adapter contract: catalogue, records, sequence numbers, copies. */
function recordTests(ctx: SuiteContext): void {
  it('keeps the catalogue of joined workspaces', async () => {
    expect(await ctx.store.listWorkspaces()).toEqual([]);
    await ctx.store.putWorkspace(workspace('b'));
    await ctx.store.putWorkspace(workspace('a'));
    expect((await ctx.store.listWorkspaces()).map((w) => w.workspaceId).sort()).toEqual(['a', 'b']);
    await ctx.store.putWorkspace({ ...workspace('a'), memberName: 'Ana B', revoked: { code: 4401, reason: 'gone' } });
    expect(await ctx.store.getWorkspace('a')).toMatchObject({ memberName: 'Ana B', revoked: { code: 4401 } });
    expect(await ctx.store.getWorkspace('nope')).toBeUndefined();
  });

  it('appends updates with increasing sequence numbers per document', async () => {
    expect(await ctx.store.appendUpdate('w', 'd1', new Uint8Array([1]))).toBe(1);
    expect(await ctx.store.appendUpdate('w', 'd1', new Uint8Array([2]))).toBe(2);
    expect(await ctx.store.appendUpdate('w', 'd2', new Uint8Array([3]))).toBe(1);
    expect(await ctx.store.appendUpdate('w', 'd1', new Uint8Array([4, 5]))).toBe(3);
    const records = await ctx.store.loadUpdates('w', 'd1');
    expect(records.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(records.map((r) => Array.from(r.update as Uint8Array))).toEqual([[1], [2], [4, 5]]);
    expect(await ctx.store.loadUpdates('w', 'none')).toEqual([]);
    expect(await ctx.store.listDocuments('w')).toEqual(['d1', 'd2']);
    expect(await ctx.store.listDocuments('other')).toEqual([]);
  });

  it('copies bytes in and out (callers cannot mutate stored records)', async () => {
    const bytes = new Uint8Array([9, 9]);
    await ctx.store.appendUpdate('w', 'd', bytes);
    bytes[0] = 0;
    const [record] = await ctx.store.loadUpdates('w', 'd');
    expect(Array.from(record.update as Uint8Array)).toEqual([9, 9]);
  });

  it('replaces records up to a sequence number and keeps later ones', async () => {
    for (let i = 1; i <= 5; i++) await ctx.store.appendUpdate('w', 'd', new Uint8Array([i]));
    await ctx.store.replaceUpdates('w', 'd', new Uint8Array([42]), 4);
    const records = await ctx.store.loadUpdates('w', 'd');
    expect(records.map((r) => [r.seq, Array.from(r.update as Uint8Array)])).toEqual([
      [4, [42]],
      [5, [5]]
    ]);
    expect(await ctx.store.appendUpdate('w', 'd', new Uint8Array([6]))).toBe(6);
  });

}

/** Meta records, deleting a document, leaving a workspace. */
function metaTests(ctx: SuiteContext): void {
  it('keeps per-document meta', async () => {
    expect(await ctx.store.getDocMeta('w', 'd')).toBeUndefined();
    const sv = new Uint8Array([1, 2, 3]);
    await ctx.store.putDocMeta({ workspaceId: 'w', docId: 'd', unsynced: true, syncedStateVector: sv, lastSyncedAt: 5 });
    const meta = await ctx.store.getDocMeta('w', 'd');
    expect(meta).toMatchObject({ unsynced: true, lastSyncedAt: 5 });
    expect(Array.from(meta?.syncedStateVector ?? [])).toEqual([1, 2, 3]);
  });

  it('reads its own meta writes: a read sees every update issued before it', async () => {
    const storage = new DocStorage(ctx.store);
    // Not awaited, as the sync status writes them: the read must still see both, in order.
    void storage.updateMeta('w', 'd', { unsynced: false, lastSyncedAt: 1 });
    void storage.updateMeta('w', 'd', { unsynced: true });
    expect(await storage.getMeta('w', 'd')).toMatchObject({ unsynced: true, lastSyncedAt: 1 });
  });

  it('deletes one document', async () => {
    await ctx.store.appendUpdate('w', 'd', new Uint8Array([1]));
    await ctx.store.appendUpdate('w', 'e', new Uint8Array([1]));
    await ctx.store.putDocMeta({ workspaceId: 'w', docId: 'd', unsynced: false });
    await ctx.store.deleteDocument('w', 'd');
    expect(await ctx.store.loadUpdates('w', 'd')).toEqual([]);
    expect(await ctx.store.getDocMeta('w', 'd')).toBeUndefined();
    expect(await ctx.store.listDocuments('w')).toEqual(['e']);
  });

  it('leaving a workspace deletes all its records and nothing else', async () => {
    const storage = new DocStorage(ctx.store);
    await ctx.store.putWorkspace(workspace('w'));
    await ctx.store.putWorkspace(workspace('w2'));
    // 'w-x' shares a prefix with 'w': range deletes must not catch it.
    await ctx.store.putWorkspace(workspace('w-x'));
    for (const ws of ['w', 'w2', 'w-x']) {
      const doc = new Y.Doc();
      await storage.append(ws, 'index', edit(doc, 'hello'));
      await storage.append(ws, 'notes', edit(doc, ' world'));
      await storage.updateMeta(ws, 'notes', { unsynced: true });
    }
    await storage.deleteWorkspace('w');
    expect(await ctx.store.getWorkspace('w')).toBeUndefined();
    expect(await ctx.store.listDocuments('w')).toEqual([]);
    expect(await ctx.store.loadUpdates('w', 'notes')).toEqual([]);
    expect(await ctx.store.getDocMeta('w', 'notes')).toBeUndefined();
    for (const ws of ['w2', 'w-x']) {
      expect(await ctx.store.getWorkspace(ws)).toBeDefined();
      expect(await ctx.store.listDocuments(ws)).toEqual(['index', 'notes']);
      expect(await ctx.store.getDocMeta(ws, 'notes')).toMatchObject({ unsynced: true });
    }
  });

}

/** Through DocStorage: compaction, damaged records, a full disk, listing meta, persistence. */
function storageTests(ctx: SuiteContext): void {
  it('compaction keeps the content identical and drops the record count', async () => {
    const storage = new DocStorage(ctx.store, { compactAfterCount: 1_000_000 });
    const doc = new Y.Doc();
    for (let i = 0; i < 30; i++) await storage.append('w', 'd', edit(doc, `line ${i}\n`));
    doc.getText('t').delete(0, 7); // deletions must survive compaction too
    const deleteUpdate = Y.encodeStateAsUpdate(doc);
    await storage.append('w', 'd', deleteUpdate);
    const before = await contentOf(storage, 'w', 'd');
    expect(before).toBe(doc.getText('t').toString());
    expect((await ctx.store.loadUpdates('w', 'd')).length).toBe(31);

    expect(await storage.compact('w', 'd')).toEqual({ before: 31, after: 1 });
    expect((await ctx.store.loadUpdates('w', 'd')).length).toBe(1);
    expect(await contentOf(storage, 'w', 'd')).toBe(before);
    expect((await ctx.store.getDocMeta('w', 'd'))?.compactedAt).toBeTypeOf('number');
  });

  it('compacts in the background past the count threshold', async () => {
    const storage = new DocStorage(ctx.store, { compactAfterCount: 10 });
    const doc = new Y.Doc();
    for (let i = 0; i < 25; i++) await storage.append('w', 'd', edit(doc, `${i},`));
    await storage.whenIdle();
    expect((await ctx.store.loadUpdates('w', 'd')).length).toBeLessThan(10);
    expect(await contentOf(storage, 'w', 'd')).toBe(doc.getText('t').toString());
  });

  it('skips a damaged record, reports it in plain words and marks the document for re-fetch', async () => {
    const storage = new DocStorage(ctx.store, { describeDoc: () => 'Tuesday agenda' });
    const doc = new Y.Doc();
    await storage.append('w', 'd', edit(doc, 'kept '));
    await ctx.fixture.writeRaw('w', 'd', 2, new Uint8Array([255, 255, 255, 1, 2]));
    await ctx.fixture.writeRaw('w', 'd', 3, 'not bytes at all');
    await ctx.store.appendUpdate('w', 'd', edit(doc, 'also kept'));

    const loaded = await storage.load('w', 'd');
    expect(loaded).toMatchObject({ records: 2, corrupt: 2 });
    const copy = new Y.Doc();
    Y.applyUpdate(copy, loaded.update as Uint8Array);
    expect(copy.getText('t').toString()).toBe('kept also kept');

    const problems = storage.problems.get();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ kind: 'corrupt', workspaceId: 'w', docId: 'd' });
    expect(problems[0].message).toBe(
      'Some local changes of “Tuesday agenda” could not be read; reloading it from the server.'
    );
    expect((await ctx.store.getDocMeta('w', 'd'))?.needsRefetch).toBe(true);
    // The damaged records are compacted away, so the next load is clean.
    await storage.whenIdle();
    expect(await storage.load('w', 'd')).toMatchObject({ records: 1, corrupt: 0 });
  });

  it('reports a full disk in plain words and saves the change once space frees up', async () => {
    const storage = new DocStorage(ctx.store, { compactAfterCount: 1_000_000 });
    const doc = new Y.Doc();
    expect(await storage.append('w', 'd', edit(doc, 'before '))).toBe(true);
    const restore = ctx.fixture.fillQuota();
    expect(await storage.append('w', 'd', edit(doc, 'during '))).toBe(false);
    const [problem] = storage.problems.get();
    expect(problem.kind).toBe('quota');
    expect(problem.message).toMatch(/out of storage space/);
    restore();
    expect(await storage.append('w', 'd', edit(doc, 'after'))).toBe(true);
    expect(storage.problems.get()).toEqual([]);
    expect(await contentOf(storage, 'w', 'd')).toBe('before during after');
  });
}

/** Listing meta records, and a document's persistence over the store. */
function persistenceTests(ctx: SuiteContext): void {
  it('lists a workspace\'s meta records in one read', async () => {
    await ctx.store.putDocMeta({ workspaceId: 'w', docId: 'a', unsynced: false, digest: 'abc' });
    await ctx.store.putDocMeta({ workspaceId: 'w', docId: 'b', unsynced: true });
    await ctx.store.putDocMeta({ workspaceId: 'w2', docId: 'a', unsynced: false });
    const metas = (await ctx.store.listDocMeta('w')).sort((x, y) => x.docId.localeCompare(y.docId));
    expect(metas).toEqual([
      { workspaceId: 'w', docId: 'a', unsynced: false, digest: 'abc' },
      { workspaceId: 'w', docId: 'b', unsynced: true }
    ]);
    expect(await ctx.store.listDocMeta('nowhere')).toEqual([]);
  });

  it('a document\'s persistence writes changes in one batch per tick and reloads them', async () => {
    const storage = new DocStorage(ctx.store);
    const doc = new Y.Doc();
    const first = new DocPersistence(storage, 'w', 'd', doc);
    await first.load();
    doc.getMap('meta').set('title', 'Food bank rota');
    doc.getText('t').insert(0, 'Saturday');
    doc.getText('t').insert(8, ' 10am');
    await first.stop();
    // One tick, one batch: both edits landed in a single record.
    expect((await ctx.store.loadUpdates('w', 'd')).length).toBe(1);

    const again = new Y.Doc();
    const second = new DocPersistence(storage, 'w', 'd', again);
    expect(await second.load()).toMatchObject({ records: 1, corrupt: 0 });
    expect(again.getText('t').toString()).toBe('Saturday 10am');
    expect(again.getMap('meta').get('title')).toBe('Food bank rota');
    // Loading wrote nothing back.
    await second.flush();
    expect((await ctx.store.loadUpdates('w', 'd')).length).toBe(1);
    await second.stop();
  });
}

/**
 * When compaction runs (issue 25): merging a document's records costs as much as the whole
 * document, so a large document is merged only once the records since the last merge are a
 * fair share of it — not every 200 keystrokes, which made a 400 KB document stall the page
 * for a few hundred milliseconds every few seconds while ten people typed. A small document
 * is still merged every `compactAfterCount` records.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DocStorage } from './doc-storage.ts';
import { MemoryLocalStore } from './store-memory.ts';

/** One typed character as its own record, like a keystroke. */
function typeOne(doc: Y.Doc, text: Y.Text): Uint8Array {
  let out: Uint8Array | null = null;
  const listener = (u: Uint8Array) => (out = u);
  doc.on('update', listener);
  text.insert(text.length, 'x');
  doc.off('update', listener);
  return out!;
}

async function records(store: MemoryLocalStore): Promise<number> {
  return (await store.loadUpdates('w', 'd')).length;
}

describe('compaction threshold', () => {
  it('merges a small document every compactAfterCount records', async () => {
    const store = new MemoryLocalStore();
    const storage = new DocStorage(store, { compactAfterCount: 20 });
    const doc = new Y.Doc();
    const text = doc.getText('t');
    for (let i = 0; i < 45; i++) {
      await storage.append('w', 'd', typeOne(doc, text));
      await storage.whenIdle();
    }
    expect(await records(store)).toBeLessThan(20);
  });

  it('merges a large document again only once the new records add up to a share of it', async () => {
    const store = new MemoryLocalStore();
    const storage = new DocStorage(store, { compactAfterCount: 20 });
    const doc = new Y.Doc();
    const text = doc.getText('t');
    // A large first record (a 40 KB document), then keystrokes.
    text.insert(0, 'a'.repeat(40_000));
    await storage.append('w', 'd', Y.encodeStateAsUpdate(doc));
    await storage.compact('w', 'd');
    for (let i = 0; i < 200; i++) {
      await storage.append('w', 'd', typeOne(doc, text));
      await storage.whenIdle();
    }
    // 200 keystrokes (a few KB) are not worth merging 40 KB again.
    expect(await records(store)).toBe(201);
    const copy = new Y.Doc();
    Y.applyUpdate(copy, (await storage.load('w', 'd')).update!);
    expect(copy.getText('t').length).toBe(40_200);
  });

  it('merges a large document once enough has been added, and keeps every word', async () => {
    const store = new MemoryLocalStore();
    const storage = new DocStorage(store, { compactAfterCount: 20 });
    const doc = new Y.Doc();
    const text = doc.getText('t');
    text.insert(0, 'a'.repeat(4_000));
    await storage.append('w', 'd', Y.encodeStateAsUpdate(doc));
    await storage.compact('w', 'd');
    let most = 0;
    for (let i = 0; i < 400; i++) {
      await storage.append('w', 'd', typeOne(doc, text));
      await storage.whenIdle();
      most = Math.max(most, await records(store));
    }
    expect(most).toBeLessThan(400);
    const copy = new Y.Doc();
    Y.applyUpdate(copy, (await storage.load('w', 'd')).update!);
    expect(copy.getText('t').toString()).toBe(text.toString());
  });

  it('does not merge a document larger than compactAfterBytes again on every record', async () => {
    const store = new MemoryLocalStore();
    const storage = new DocStorage(store, { compactAfterCount: 1_000, compactAfterBytes: 10_000 });
    const doc = new Y.Doc();
    const text = doc.getText('t');
    text.insert(0, 'a'.repeat(20_000));
    await storage.append('w', 'd', Y.encodeStateAsUpdate(doc));
    await storage.compact('w', 'd');
    for (let i = 0; i < 10; i++) {
      await storage.append('w', 'd', typeOne(doc, text));
      await storage.whenIdle();
    }
    expect(await records(store)).toBe(11);
  });
});

/**
 * The dashboards' library: one summary per document, read through the device's Repo (no
 * second Y.Doc, nothing kept in memory), and only the document that changed is summarised
 * again — when a view reads the library or the document is released, not per keystroke.
 */
import { describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { DocStorage, MemoryLocalStore, Repo, manualNetwork } from '$lib/local';
import { createTask, type CatalogueEntry } from '$lib/shared/model';
import { WorkspaceLibrary } from './library.svelte';

const summarised: string[] = [];
vi.mock('$lib/shared/model', async (importOriginal) => {
  const actual = await importOriginal<typeof import('$lib/shared/model')>();
  return {
    ...actual,
    summariseDocument(docId: string, doc: Y.Doc) {
      summarised.push(docId);
      return actual.summariseDocument(docId, doc);
    }
  };
});

const access = { workspaceId: 'w', token: 't', relayUrl: 'ws://127.0.0.1:1/sync' };
const entry = (id: string): CatalogueEntry => ({ id, kind: 'page', title: id.toUpperCase(), archived: false, created: 0, createdBy: 'ana' }) as CatalogueEntry;

async function waitUntil(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 1));
}

describe('WorkspaceLibrary', () => {
  it('summarises every document once through the Repo and keeps none of them; then only the one that changed', async () => {
    const storage = new DocStorage(new MemoryLocalStore());
    for (const id of ['a', 'b', 'c', 'd']) {
      const doc = new Y.Doc();
      doc.getText('t').insert(0, `document ${id}`);
      await storage.append('w', id, Y.encodeStateAsUpdate(doc));
    }
    const repo = new Repo({ storage, network: manualNetwork(false) });
    const library = new WorkspaceLibrary({ repo, access, documents: ['a', 'b', 'c', 'd'].map(entry), archived: [] });
    await waitUntil(() => library.loaded);
    await repo.whenReleased();
    expect(summarised.sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(repo.size).toBe(0); // summaries only: every document was released
    expect(library.entries().map((e) => e.title)).toEqual(['A', 'B', 'C', 'D']);

    // An editor holds "b"; typing there summarises nothing until a view reads the library.
    summarised.length = 0;
    const editor = repo.find(access, 'b', { sync: true });
    await editor.handle.whenLoaded;
    for (let i = 0; i < 20; i++) editor.doc.getText('t').insert(0, 'x');
    createTask(editor.doc, { title: 'Bring chairs' }, { memberId: 'ana' });
    expect(summarised).toEqual([]);
    expect(library.get('b')?.tasks.map((t) => t.title)).toEqual([]); // the task is not in the text: views leave it out
    expect(summarised).toEqual(['b']);
    library.entries();
    expect(summarised).toEqual(['b']); // nothing changed since

    // Released after another change: summarised then, while its Y.Doc is still there.
    editor.doc.getText('t').insert(0, 'y');
    await editor.release();
    expect(summarised).toEqual(['b', 'b']);
    expect(repo.size).toBe(0);
    library.dispose();
    await repo.close();
  });
});

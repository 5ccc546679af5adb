/**
 * Search fed by the dashboards' library: every document read once through the Repo, then
 * only the document that changed is indexed again, from the Repo's change events.
 */
import { describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { DocStorage, MemoryLocalStore, Repo, manualNetwork } from '$lib/local';
import type { CatalogueEntry, Member } from '$lib/shared/model';
import { WorkspaceLibrary } from '$lib/session/library.svelte';
import { searchOf, WorkspaceSearch } from './workspace-search.svelte';

const access = { workspaceId: 'w', token: 't', relayUrl: 'ws://127.0.0.1:1/sync' };
const entry = (id: string, title: string): CatalogueEntry => ({ id, kind: 'page', title, archived: false, created: 0, createdBy: 'ana' }) as CatalogueEntry;

function paragraph(doc: Y.Doc, text: string): Y.XmlText {
  const root = doc.get('root', Y.XmlText);
  const p = new Y.XmlText();
  root.insertEmbed(root.length, p);
  p.setAttribute('__type', 'paragraph');
  p.insert(0, text);
  return p;
}

/** A paragraph "Ask @<name> about <topic>" whose mention is bound to `memberId`, written as `name`. */
function paragraphMentioning(doc: Y.Doc, memberId: string, name: string, topic: string): void {
  const p = paragraph(doc, 'Ask ');
  const mention = new Y.XmlElement<Record<string, string | number>>('mention');
  p.insertEmbed(p.length, mention);
  mention.setAttribute('__type', 'mention');
  mention.setAttribute('__memberId', memberId);
  mention.setAttribute('__name', name);
  mention.setAttribute('__by', 'ana');
  mention.setAttribute('__at', 1);
  p.insert(p.length, ` about ${topic}`);
}

const member = (id: string, name: string): Member => ({ id, name, colour: '#000', role: 'editor', publicKey: null, joinedAt: 0 }) as Member;

async function waitUntil(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('WorkspaceSearch', () => {
  it('indexes every document once, then re-indexes only the one that changed, without a reload', async () => {
    const storage = new DocStorage(new MemoryLocalStore());
    const texts: Record<string, string> = { a: 'Bring rice to the pantry', b: 'La reunión es el sábado', c: 'Fix the bike trailer' };
    for (const [id, text] of Object.entries(texts)) {
      const doc = new Y.Doc();
      paragraph(doc, text);
      await storage.append('w', id, Y.encodeStateAsUpdate(doc));
    }
    const repo = new Repo({ storage, network: manualNetwork(false) });
    const host = { documents: [entry('a', 'Pantry'), entry('b', 'Agenda'), entry('c', 'Bikes')], archived: [] as CatalogueEntry[], lib: null as WorkspaceLibrary | null };
    const session = { ...host, library: () => (host.lib ??= new WorkspaceLibrary({ repo, access, documents: host.documents, archived: host.archived })) };
    const search = new WorkspaceSearch(session);
    await waitUntil(() => search.progress.done && search.progress.indexed === 3);
    expect(search.search('reunion').map((g) => g.title)).toEqual(['Agenda']);

    const setDocument = vi.spyOn(search.index, 'setDocument');
    const editor = repo.find(access, 'c', { sync: true });
    await editor.handle.whenLoaded;
    paragraph(editor.doc, 'Cargo bike available on Sundays');
    await waitUntil(() => search.search('sundays').length > 0);
    expect(search.search('sundays').map((g) => g.title)).toEqual(['Bikes']);
    expect(setDocument.mock.calls.map(([id]) => id)).toEqual(['c']);

    // A rename in the catalogue is found at the next query (titles are compared then).
    host.documents[0] = entry('a', 'Despensa');
    expect(search.search('despensa').map((g) => g.docId)).toEqual(['a']);
    // A document that left the catalogue is not shown.
    host.documents.splice(1, 1);
    expect(search.search('reunion')).toEqual([]);

    // A board's private document (contact details) is never searched, even when catalogued.
    const contacts = repo.find(access, 'private-board');
    await contacts.handle.whenLoaded;
    paragraph(contacts.doc, 'Phone of Maria 555 0199');
    const heard = new Set<string>();
    host.lib!.onDocuments((ids) => ids.forEach((id) => heard.add(id))); // after search's own listener
    host.documents.push(entry('private-board', 'Contacts'));
    await host.lib!.sync();
    await waitUntil(() => heard.has('private-board'));
    expect(search.search('maria')).toEqual([]);
    await contacts.release();

    await editor.release();
    search.dispose();
    host.lib?.dispose();
    await repo.close();
  });

  it('moving between pages of the workspace keeps the index: opening a document again indexes nothing', async () => {
    const storage = new DocStorage(new MemoryLocalStore());
    for (const [id, text] of Object.entries({ a: 'Bring rice to the pantry', b: 'Fix the bike trailer' })) {
      const doc = new Y.Doc();
      paragraph(doc, text);
      await storage.append('w', id, Y.encodeStateAsUpdate(doc));
    }
    const repo = new Repo({ storage, network: manualNetwork(false) });
    const host = { documents: [entry('a', 'Pantry'), entry('b', 'Bikes')], archived: [] as CatalogueEntry[], lib: null as WorkspaceLibrary | null };
    // The workspace's session lives across pages (session/workspace.svelte.ts keeps one per workspace).
    const session = { ...host, library: () => (host.lib ??= new WorkspaceLibrary({ repo, access, documents: host.documents, archived: host.archived })) };
    const first = searchOf(session); // search opened on the documents page
    await waitUntil(() => first.progress.done && first.progress.indexed === 2);
    const built = first.index.rowsIndexed;
    expect(built).toBe(4); // two titles, two paragraphs

    // To a document's page and back, twice (each page holds the document, then releases it),
    // then search opened on another page.
    for (let i = 0; i < 2; i++) {
      const page = repo.find(access, 'a', { sync: true });
      await page.handle.whenLoaded;
      await page.release();
    }
    const heard: string[] = [];
    host.lib!.onDocuments((ids) => heard.push(...ids));
    const again = repo.find(access, 'b', { sync: true });
    await again.handle.whenLoaded;
    paragraph(again.doc, 'Trailer fixed');
    await waitUntil(() => heard.includes('b'));
    const second = searchOf(session);
    expect(second).toBe(first);
    expect(second.search('trailer fixed').map((g) => g.title)).toEqual(['Bikes']);
    expect(second.index.rowsIndexed - built).toBe(1); // only the new paragraph
    await again.release();
    second.dispose();
    host.lib?.dispose();
    await repo.close();
  });

  it('finds an @mention under the member’s current name, and after a rename under the new one, not the old', async () => {
    const storage = new DocStorage(new MemoryLocalStore());
    const written = new Y.Doc();
    paragraphMentioning(written, 'ben1', 'Benny', 'the van'); // written before he changed his name
    await storage.append('w', 'rides', Y.encodeStateAsUpdate(written));
    const other = new Y.Doc();
    paragraph(other, 'Nothing about anyone');
    await storage.append('w', 'plain', Y.encodeStateAsUpdate(other));
    const repo = new Repo({ storage, network: manualNetwork(false) });
    const host = { repo, access, documents: [entry('rides', 'Rides'), entry('plain', 'Plain')], archived: [] as CatalogueEntry[], members: [member('ben1', 'Dario')], lib: null as WorkspaceLibrary | null };
    const session = { ...host, library: () => (host.lib ??= new WorkspaceLibrary(host)) };
    const search = new WorkspaceSearch(session);
    await waitUntil(() => search.progress.done && search.progress.indexed === 2);
    expect(search.search('dario').map((g) => g.title)).toEqual(['Rides']);
    expect(search.search('benny')).toEqual([]);

    const setDocument = vi.spyOn(search.index, 'setDocument');
    host.members = [member('ben1', 'Esteban')];
    host.lib!.membersChanged();
    await waitUntil(() => search.search('esteban').length > 0);
    expect(search.search('esteban').map((g) => g.title)).toEqual(['Rides']);
    expect(search.search('dario')).toEqual([]);
    expect(setDocument.mock.calls.map(([id]) => id)).toEqual(['rides']); // the other document is not read again

    // A member the directory did not name yet when the document was read (it came later).
    const later = repo.find(access, 'rides', { sync: true });
    await later.handle.whenLoaded;
    paragraphMentioning(later.doc, 'cam1', 'Cami', 'the keys');
    await waitUntil(() => search.search('cami').length > 0); // read with the name it was written with
    host.members = [member('ben1', 'Esteban'), member('cam1', 'Camila Ruiz')];
    host.lib!.membersChanged();
    await waitUntil(() => search.search('ruiz').length > 0);
    await later.release();
    search.dispose();
    host.lib?.dispose();
    await repo.close();
  });
});

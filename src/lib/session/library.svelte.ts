/**
 * Every document of a workspace as read-only Y.Docs loaded from this device, kept live
 * from the device store's change feed — for dashboards (my work, workload, open tasks,
 * decisions) that read across documents, offline too, without a connection per document.
 * Changes go through `WorkspaceSession.withDocument`, never into these copies.
 */
import * as Y from 'yjs';
import type { Device } from '$lib/local';
import type { CatalogueEntry } from '$lib/shared/model';

/** What the library needs of its workspace (a WorkspaceSession; an interface keeps imports one-way). */
export interface LibraryHost {
  readonly device: Device;
  readonly workspaceId: string;
  readonly documents: CatalogueEntry[];
  readonly archived: CatalogueEntry[];
}

/** Origin of updates copied in from the device store. */
const LIBRARY_ORIGIN = Symbol('mutual/library');

export class WorkspaceLibrary {
  /** Bumped on every change of any document: read it in `$derived` to recompute views. */
  version = $state(0);
  /** All catalogue documents have been read from the device. */
  loaded = $state(false);
  private readonly docs = new Map<string, Y.Doc>();
  private readonly loading = new Map<string, Promise<void>>();
  private readonly disposers: (() => void)[] = [];

  constructor(private readonly session: LibraryHost) {
    const storage = session.device.storage;
    this.disposers.push(
      storage.onChange((workspaceId, docId, update) => {
        if (workspaceId !== session.workspaceId) return;
        const doc = this.docs.get(docId);
        if (!doc) return;
        try {
          Y.applyUpdate(doc, update, LIBRARY_ORIGIN);
          this.version++;
        } catch {
          // The store only hands over validated updates; a failure here changes nothing shown.
        }
      })
    );
    void this.sync();
  }

  /** Load documents that joined the catalogue (call when the catalogue changes). */
  async sync(): Promise<void> {
    const ids = [...this.session.documents, ...this.session.archived].map((d) => d.id);
    await Promise.all(ids.map((id) => this.load(id)));
    this.loaded = true;
    this.version++;
  }

  private load(docId: string): Promise<void> {
    let pending = this.loading.get(docId);
    if (pending) return pending;
    const doc = new Y.Doc();
    this.docs.set(docId, doc);
    pending = this.session.device.storage
      .load(this.session.workspaceId, docId)
      .then((loaded) => {
        if (loaded.update) Y.applyUpdate(doc, loaded.update, LIBRARY_ORIGIN);
      })
      .catch(() => {
        // DocStorage reports its own failures as problems; the document just shows as empty.
      });
    this.loading.set(docId, pending);
    return pending;
  }

  /** The loaded copy of one document (undefined until loaded). */
  get(docId: string): Y.Doc | undefined {
    return this.docs.get(docId);
  }

  /** Every non-archived document with its catalogue entry. */
  entries(): { id: string; title: string; kind: string; doc: Y.Doc }[] {
    return this.session.documents.flatMap((entry) => {
      const doc = this.docs.get(entry.id);
      return doc ? [{ id: entry.id, title: entry.title, kind: entry.kind, doc }] : [];
    });
  }

  dispose(): void {
    for (const d of this.disposers.splice(0)) d();
    for (const doc of this.docs.values()) doc.destroy();
    this.docs.clear();
    this.loading.clear();
  }
}

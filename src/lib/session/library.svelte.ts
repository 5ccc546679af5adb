/**
 * What the workspace's dashboards read across documents (My work, Open tasks, Workload,
 * Decisions, the open proposals on the workspace page, the meeting bar's proposal picker, the
 * workload check before a claim): one summary per document (src/lib/shared/model/summary.ts),
 * kept live, offline too.
 *
 * Documents come from the device's {@link Repo}, like everything else: a document some page
 * already holds is summarised from that handle; any other is found (no socket), summarised and
 * released at once, so the library keeps plain summaries, never a second Y.Doc, and memory
 * stays bounded by what is open. When a document changes (typed here, or synced in the
 * background), only its summary is computed again; the views combine summaries, which is cheap.
 */
import type { DocHandle, DocRef, Repo, WorkspaceAccess } from '$lib/local';
import type { CatalogueEntry, DocSummary, Member } from '$lib/shared/model';
import type { SearchEntry } from '$lib/shared/search';

/** What the library needs of its workspace (a WorkspaceSession; an interface keeps imports one-way). */
export interface LibraryHost {
  readonly repo: Repo;
  readonly access: WorkspaceAccess;
  readonly documents: CatalogueEntry[];
  readonly archived: CatalogueEntry[];
  /** The member directory: @mentions are searched under members' current names. */
  readonly members?: readonly Member[];
}

type Reader = typeof import('./library-read');
/** The summarising code, loaded when the first library starts (not with the page). */
let reader: Reader | null = null;
const loadReader = async (): Promise<Reader> => (reader ??= await import('./library-read'));

/** Summaries read at once when the library starts or the catalogue grows. */
const CONCURRENCY = 3;
/** Views hear of changes at most this often (they then summarise what changed). */
const SETTLE_MS = 150;

export class WorkspaceLibrary {
  /** Bumped whenever a summary changed: read it in `$derived` to recompute views. */
  version = $state(0);
  /** Every catalogue document has been summarised once. */
  loaded = $state(false);
  /** Documents that could not be read on this device (the device's problem list says why). */
  unreadable = $state<string[]>([]);
  private readonly summaries = new Map<string, DocSummary>();
  /** What search finds in each document (read with the summary, from the same Y.Doc). */
  private readonly texts = new Map<string, SearchEntry[]>();
  /** Documents read or changed since listeners last heard (see {@link onDocuments}). */
  private readonly changed = new Set<string>();
  private readonly listeners = new Set<(docIds: string[]) => void>();
  private readonly dirty = new Set<string>();
  private readonly reading = new Map<string, Promise<void>>();
  private readonly disposers: (() => void)[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;
  /** Members' names as the documents were read with them. */
  private names: Map<string, string>;
  private readonly nameOf = (memberId: string): string | undefined => this.names.get(memberId);

  constructor(private readonly host: LibraryHost) {
    const { repo, access } = host;
    this.names = namesOf(host.members);
    const mine = (handle: DocHandle): boolean => handle.workspaceId === access.workspaceId && this.isCatalogued(handle.docId);
    this.disposers.push(
      repo.onChange((handle) => {
        if (!mine(handle)) return;
        this.dirty.add(handle.docId);
        this.settle(handle.docId);
      }),
      // A document about to be released (a background pass done with it): summarise what
      // changed now, while its Y.Doc is still there.
      repo.onLoaded((handle) => (mine(handle) ? () => this.summariseIfDirty(handle) : undefined))
    );
    void this.sync();
  }

  /** Summarise documents that joined the catalogue (call when the catalogue changes). */
  async sync(): Promise<void> {
    try {
      await loadReader();
    } catch {
      // The summarising code did not load: the page is being left (Firefox rejects imports a
      // navigation cuts short) or the network dropped mid-load. Nothing to show then; the next
      // catalogue change tries again. Never an unhandled rejection: callers do not await this.
      return;
    }
    const ids = [...this.host.documents, ...this.host.archived].map((d) => d.id).filter((id) => !this.summaries.has(id));
    for (let i = 0; i < ids.length; i += CONCURRENCY) {
      if (this.disposed) return;
      await Promise.all(ids.slice(i, i + CONCURRENCY).map((id) => this.read(id)));
    }
    this.loaded = true;
    this.version++;
  }

  /**
   * The member directory changed (call when it does): documents whose search entries show a
   * renamed member's @mention, or that mention a member the directory did not name when they
   * were read (it arrived after them), are read again, so search finds members' current names.
   */
  membersChanged(): void {
    const names = namesOf(this.host.members);
    const renamed = [...this.names].filter(([id, name]) => names.has(id) && names.get(id) !== name).map(([, name]) => `@${name}`);
    const named = new Set([...names.keys()].filter((id) => !this.names.has(id)));
    this.names = names;
    if (renamed.length === 0 && named.size === 0) return;
    for (const [docId, entries] of this.texts) {
      const stale = entries.some((e) => renamed.some((label) => e.text.includes(label))) || !!this.summaries.get(docId)?.mentions.some((m) => named.has(m.member));
      if (stale) this.readAgain(docId);
    }
  }

  private readAgain(docId: string): void {
    const handle = this.host.repo.peek(this.host.access.workspaceId, docId);
    if (handle?.loaded) this.store(docId, handle);
    else void this.read(docId);
  }

  /**
   * Hear which documents were read or changed (at most every {@link SETTLE_MS}); read them with
   * {@link searchEntries}. Search keeps its index up to date this way, one document at a time.
   */
  onDocuments(listener: (docIds: string[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Documents read so far. */
  readIds(): string[] {
    return [...this.summaries.keys()];
  }

  /** What search finds in a document now (undefined until read). */
  searchEntries(docId: string): SearchEntry[] | undefined {
    this.summariseChanged();
    return this.texts.get(docId);
  }

  /** The summary of one document (undefined until read). */
  get(docId: string): DocSummary | undefined {
    this.summariseChanged();
    return this.summaries.get(docId);
  }

  /** Summaries of the non-archived documents, with their catalogue titles. */
  entries(): (DocSummary & { title: string; kind: string })[] {
    this.summariseChanged();
    return this.host.documents.flatMap((entry) => {
      const summary = this.summaries.get(entry.id);
      return summary ? [{ ...summary, title: entry.title, kind: entry.kind }] : [];
    });
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    for (const dispose of this.disposers.splice(0)) dispose();
    this.summaries.clear();
    this.texts.clear();
    this.listeners.clear();
  }

  /** Tell views and listeners, once things settle, that `docId` changed. */
  private settle(docId: string): void {
    this.changed.add(docId);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.version++; // views read again, and summarise what changed
      const ids = [...this.changed];
      this.changed.clear();
      for (const listener of [...this.listeners]) listener(ids);
    }, SETTLE_MS);
  }

  private summarise(docId: string, doc: DocHandle['doc']): void {
    if (!reader) return;
    const { summary, texts } = reader.readDocument(docId, doc, this.nameOf);
    this.summaries.set(docId, summary);
    this.texts.set(docId, texts);
  }

  private isCatalogued(docId: string): boolean {
    return this.host.documents.some((d) => d.id === docId) || this.host.archived.some((d) => d.id === docId);
  }

  /** Summarise the documents that changed and are still held (called where views read; no state written). */
  private summariseChanged(): void {
    for (const docId of [...this.dirty]) {
      const handle = this.host.repo.peek(this.host.access.workspaceId, docId);
      if (handle?.loaded) this.summariseIfDirty(handle);
      else this.dirty.delete(docId); // released meanwhile, after summarising (onLoaded above)
    }
  }

  private summariseIfDirty(handle: DocHandle): void {
    // Before the reader has loaded, nothing is summarised yet: `sync` reads every document then.
    if (!reader || !this.dirty.delete(handle.docId) || this.disposed) return;
    this.summarise(handle.docId, handle.doc);
  }

  /** Read one document's summary: from the handle a page holds, or by finding it for a moment. */
  private read(docId: string): Promise<void> {
    let pending = this.reading.get(docId);
    if (pending) return pending;
    pending = (async () => {
      const ref: DocRef = this.host.repo.find(this.host.access, docId);
      try {
        const loaded = await ref.handle.whenLoaded;
        // A store failure is on the device's problem list already; the views say what is missing.
        if (loaded.error) this.unreadable = [...new Set([...this.unreadable, docId])];
        if (!this.disposed) this.store(docId, ref.handle);
      } finally {
        await ref.release();
        this.reading.delete(docId);
      }
    })();
    this.reading.set(docId, pending);
    return pending;
  }

  private store(docId: string, handle: DocHandle): void {
    this.summarise(docId, handle.doc);
    this.version++;
    this.settle(docId);
  }
}

function namesOf(members: readonly Member[] | undefined): Map<string, string> {
  return new Map((members ?? []).map((m) => [m.id, m.name]));
}

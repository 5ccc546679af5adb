/**
 * A workspace as the pages see it: its record on this device, the live index document
 * (catalogue, members, settings) as reactive state, the replication status, and the
 * actions people take on the workspace page. One per workspace per page load.
 */
import type * as Y from 'yjs';
import type { LiveSet } from '$lib/local/live-set';
import type { Device, DocHandle, DocRef, LeaveCheck, ReplicationStatus, WorkspaceAccess, WorkspaceRecord, WorkspaceReplication } from '$lib/local';
import {
  addCatalogueEntry,
  DEFAULT_SETTINGS,
  readCatalogue,
  readMembers,
  readSettings,
  renameCatalogueEntry,
  setArchived,
  type CatalogueEntry,
  type Member,
  type WorkspaceSettings
} from '$lib/shared/model';
import type { DocKind } from '$lib/shared/model/schema';
import { DecisionSupport } from './decisions.svelte';
import type { WorkspaceLibrary } from './library.svelte';
import { relayClock, serverNow } from './clock.svelte';
import type { HistoryTarget } from './history';
import { m } from '../paraglide/messages.js';
import { memberPrivateDocId } from '$lib/shared/model/private-answers';

/**
 * How long an action from a dashboard waits to bring its document up to date with the relay
 * before writing anyway (issue 26). The relay answers in a round trip; a copy not live yet
 * needs a socket and a handshake. Past this, the change is written on the copy as it is and
 * the fair order decides any race (and says so).
 */
export const FRESH_COPY_MS = 4000;

/** Whether a dashboard's change was made on a copy brought up to date with the relay first. */
export type Freshness = 'fresh' | 'offline' | 'refused' | 'timeout';

const sessions = new Map<string, WorkspaceSession>();

/** Random document id matching the contract's id pattern. */
export function newDocId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(9));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export class WorkspaceSession {
  record = $state<WorkspaceRecord>() as WorkspaceRecord;
  status = $state<ReplicationStatus>({ state: 'syncing', syncingCount: 0, unsyncedCount: 0 });
  documents = $state<CatalogueEntry[]>([]);
  archived = $state<CatalogueEntry[]>([]);
  members = $state<Member[]>([]);
  settings = $state<WorkspaceSettings>({ ...DEFAULT_SETTINGS });
  /** The index document has content from the device or the relay. */
  ready = $state(false);
  /** The index is live: the catalogue is what the relay has (opening an unknown id may create it). */
  indexLive = $state(false);

  /** The workspace's index document, held and live while the session lives. */
  readonly index: DocHandle;
  /** Background replication of the workspace (its index, digest passes). */
  readonly replication: WorkspaceReplication;
  /** Decisions glue (signing key, voters, proposal environments). */
  readonly decisions: DecisionSupport;
  private readonly disposers: (() => void)[] = [];
  /** The dashboards' library, made by the first page that reads it (`libraryOf`, library-of.ts). */
  libraryHeld: WorkspaceLibrary | null = null;
  /** The dashboards' live set, made by the first dashboard that asks (`liveSetOf`, live-set-of.ts). */
  liveSet: LiveSet | null = null;
  private known = 0;

  constructor(
    readonly device: Device,
    record: WorkspaceRecord
  ) {
    this.record = record;
    const replication = device.replicate(record);
    this.replication = replication;
    this.index = replication.index;
    // Claims are stamped with the relay's clock (issue 26): keep this device's offset fresh.
    this.disposers.push(relayClock.use());
    this.decisions = new DecisionSupport(this);
    this.disposers.push(replication.status.subscribe((s) => (this.status = s)));
    this.disposers.push(this.index.status.subscribe((s) => (this.indexLive = s.state === 'live')));
    const refresh = () => this.readIndex();
    this.index.doc.on('update', refresh);
    this.disposers.push(() => this.index.doc.off('update', refresh));
    this.readIndex();
    void this.index.whenLoaded.then(() => this.readIndex());
    this.disposers.push(
      device.workspaces.catalogue.subscribe((list) => {
        const mine = list.find((w) => w.workspaceId === record.workspaceId);
        if (mine) this.record = mine;
      })
    );
  }

  get workspaceId(): string {
    return this.record.workspaceId;
  }

  /** Which workspace, and the credentials to sync its documents. */
  get access(): WorkspaceAccess {
    const { workspaceId, token, relayUrl } = this.record;
    return { workspaceId, token, ...(relayUrl ? { relayUrl } : {}) };
  }

  /** The device's documents. */
  get repo() {
    return this.device.repo;
  }

  /** The member acting on this device, now (`serverAt`: the relay's clock as this device knows it). */
  get actor() {
    return { memberId: this.record.memberId, serverAt: serverNow() };
  }

  get me(): Member | undefined {
    return this.members.find((m) => m.id === this.record.memberId);
  }

  /** The role the server wrote in the directory (it follows role changes, e.g. `npm run admin -- make-admin`), else the one this device joined with. */
  get role(): WorkspaceRecord['role'] {
    return this.me?.role ?? this.record.role;
  }

  get isAdmin(): boolean {
    return this.role === 'admin';
  }

  get canEdit(): boolean {
    return this.role !== 'viewer';
  }

  /** Display name of the workspace: the live one from the index, else what this device remembers. */
  get name(): string {
    return this.settings.name || this.record.name;
  }

  private readIndex(): void {
    const doc = this.index.doc;
    const all = readCatalogue(doc, { includeArchived: true }).value;
    this.documents = all.filter((d) => !d.archived);
    this.archived = all.filter((d) => d.archived);
    this.members = readMembers(doc).value;
    this.settings = readSettings(doc).value;
    if (all.length > 0 || this.members.length > 0 || this.index.loaded) this.ready = true;
    if (this.libraryHeld && all.length !== this.known) void this.libraryHeld.sync();
    this.libraryHeld?.membersChanged();
    this.known = all.length;
  }

  /** Hold a document live for a page (release it when the page leaves). */
  open(docId: string): DocRef {
    return this.device.replicate(this.record).open(docId);
  }

  /**
   * Hold this member's own private document live (issue 24: private answers, secret ballots):
   * through the Repo like any document, so it opens offline and syncs when back. Null when the
   * member id cannot make a document id. Release it when the page leaves.
   */
  openOwnPrivate(): DocRef | null {
    const docId = memberPrivateDocId(this.record.memberId);
    return docId ? this.open(docId) : null;
  }

  /** Hold a document to read it, without a connection of its own (release it when done). */
  read(docId: string): DocRef {
    return this.repo.find(this.access, docId);
  }

  /** Where a document's versions go (session/history.ts). */
  historyTarget(docId: string): HistoryTarget {
    return { workspaceId: this.workspaceId, docId, token: () => this.record.token };
  }

  /**
   * Create a document: its Y.Doc set up once, here, then its catalogue entry — before anyone
   * else sees it. The ONLY place a document's first content is written: two devices opening
   * a document never both seed it (see editor/seed.ts). `id`: a chosen id (an unknown
   * document address someone opened); a new one by default.
   */
  async createDocument(kind: DocKind, title: string, setup: (doc: Y.Doc) => void, id = newDocId()): Promise<string> {
    const opened = this.open(id);
    try {
      await opened.handle.whenLoaded;
      setup(opened.doc);
      addCatalogueEntry(this.index.doc, { id, kind, title }, this.actor);
      await opened.handle.flush();
    } finally {
      await opened.release();
    }
    return id;
  }

  /**
   * Change a document that may not be open (from a dashboard): hold it live, bring it up to
   * date with the relay first when online (issue 26: a claim is judged on what the relay has,
   * not on what this device last heard; bounded by {@link FRESH_COPY_MS}), apply `change`
   * (model functions), store it, and keep the connection until the relay has it (or a few
   * seconds pass; the background replication sends it later otherwise).
   */
  async withDocument<T>(docId: string, change: (doc: Y.Doc) => T, options: { freshMs?: number } = {}): Promise<{ result: T; freshness: Freshness }> {
    const opened = this.open(docId);
    try {
      await opened.handle.whenLoaded;
      const freshness = await opened.handle.catchUp(options.freshMs ?? FRESH_COPY_MS);
      const result = change(opened.doc);
      await opened.handle.flush();
      void opened.handle.whenSynced(8000).finally(() => void opened.release());
      return { result, freshness };
    } catch (error) {
      void opened.release();
      throw error;
    }
  }

  rename(docId: string, title: string): void {
    renameCatalogueEntry(this.index.doc, docId, title, this.actor);
  }

  archive(docId: string, archived = true): void {
    setArchived(this.index.doc, docId, archived, this.actor);
  }

  /** Change my own name (and colour) in the member directory and on this device. */
  async updateProfile(changes: { name?: string; colour?: string }): Promise<void> {
    const patch: { name?: string; colour?: string } = {};
    if (changes.name?.trim()) patch.name = changes.name.trim();
    if (changes.colour) patch.colour = changes.colour;
    // The member directory is written by the server only (the relay refuses client writes to
    // it: it holds roles and ballot-signing keys), so the change goes through the API.
    // The admin calls (api.ts) load when one is made, not with the page (issue 25).
    const { patchMember } = await import('./api');
    await patchMember(this.record.token, this.workspaceId, this.record.memberId, patch);
    await this.device.workspaces.updateProfile(this.workspaceId, { memberName: patch.name, colour: patch.colour });
  }

  /**
   * Before leaving: write everything, try one sync pass, and list the documents whose
   * changes still have not reached the relay (leaving deletes this device's copy).
   */
  prepareToLeave(): Promise<LeaveCheck> {
    return this.device.checkBeforeLeaving(this.record);
  }

  /**
   * Leave the workspace: stop syncing and delete everything this device holds of it. Call
   * {@link prepareToLeave} first and let the person decide. Resolves with a problem in plain
   * words when something could not be removed (the workspace is left either way).
   */
  async leave(): Promise<string | null> {
    this.dispose();
    return this.device.leave(this.workspaceId);
  }

  /** A document's title from the catalogue (or "Untitled"). */
  titleOf(docId: string): string {
    return [...this.documents, ...this.archived].find((d) => d.id === docId)?.title || (docId === 'index' ? m.workspace_index_title() : m.document_list_untitled());
  }

  dispose(): void {
    for (const d of this.disposers.splice(0)) d();
    void this.liveSet?.dispose();
    this.liveSet = null;
    this.libraryHeld?.dispose();
    this.libraryHeld = null;
    sessions.delete(this.workspaceId);
  }
}

/** The session of a joined workspace (shared across pages), or null when this device hasn't joined it. */
export async function openWorkspace(device: Device, workspaceId: string): Promise<WorkspaceSession | null> {
  const existing = sessions.get(workspaceId);
  if (existing) return existing;
  const record = await device.workspaces.get(workspaceId);
  if (!record) return null;
  const session = new WorkspaceSession(device, record);
  sessions.set(workspaceId, session);
  return session;
}

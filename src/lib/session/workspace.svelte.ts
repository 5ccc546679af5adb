/**
 * A workspace as the pages see it: its record on this device, the live index document
 * (catalogue, members, settings) as reactive state, the replication status, and the
 * actions people take on the workspace page. One per workspace per page load.
 */
import type * as Y from 'yjs';
import type { Device, OpenDocument, ReplicationStatus, WorkspaceRecord } from '$lib/local';
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
import { WorkspaceLibrary } from './library.svelte';
import { patchMember } from './api';
import { forgetDeviceKeys } from '$lib/local/keys';
import { registerHistoryTarget } from './history';

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

  readonly index: OpenDocument;
  private readonly disposers: (() => void)[] = [];
  private lib: WorkspaceLibrary | null = null;

  constructor(
    readonly device: Device,
    record: WorkspaceRecord
  ) {
    this.record = record;
    const replicator = device.replicate(record);
    this.index = replicator.index;
    this.disposers.push(replicator.status.subscribe((s) => (this.status = s)));
    const refresh = () => this.readIndex();
    this.index.doc.on('update', refresh);
    this.disposers.push(() => this.index.doc.off('update', refresh));
    this.readIndex();
    void this.index.handle.whenLoaded.then(() => this.readIndex());
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

  /** The member acting on this device. */
  get actor() {
    return { memberId: this.record.memberId };
  }

  get me(): Member | undefined {
    return this.members.find((m) => m.id === this.record.memberId);
  }

  get isAdmin(): boolean {
    return this.record.role === 'admin';
  }

  get canEdit(): boolean {
    return this.record.role !== 'viewer';
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
    if (all.length > 0 || this.members.length > 0 || this.index.handle.loaded) this.ready = true;
    if (this.lib && all.length !== this.known) void this.lib.sync();
    this.known = all.length;
  }
  private known = 0;

  /** Every document of the workspace, read from this device and kept live (for dashboards). */
  library(): WorkspaceLibrary {
    this.lib ??= new WorkspaceLibrary(this);
    return this.lib;
  }

  /** Open a document of this workspace for the editor (close it when the page leaves). */
  open(docId: string): OpenDocument {
    const opened = this.device.replicate(this.record).open(docId);
    // So recordVersion(doc, …) knows where this Y.Doc's versions go (session/history.ts).
    registerHistoryTarget(opened.doc, { workspaceId: this.workspaceId, docId, token: () => this.record.token });
    return opened;
  }

  /** Create a document: catalogue entry + its Y.Doc set up once, here, before anyone else sees it. */
  async createDocument(kind: DocKind, title: string, setup: (doc: Y.Doc) => void): Promise<string> {
    const id = newDocId();
    const opened = this.open(id);
    try {
      await opened.handle.whenLoaded;
      setup(opened.doc);
      addCatalogueEntry(this.index.doc, { id, kind, title }, this.actor);
      await opened.handle.flush();
    } finally {
      await opened.close();
    }
    return id;
  }

  /**
   * Change a document that may not be open (from a dashboard): open it, apply `change`
   * (model functions), store it, and keep the connection until the relay has it (or a
   * few seconds pass; the background replication sends it later otherwise).
   */
  async withDocument<T>(docId: string, change: (doc: Y.Doc) => T): Promise<T> {
    const opened = this.open(docId);
    try {
      await opened.handle.whenLoaded;
      const result = change(opened.doc);
      await opened.handle.flush();
      void opened.sync.whenSynced(8000).finally(() => void opened.close());
      return result;
    } catch (error) {
      void opened.close();
      throw error;
    }
  }

  /** Put an existing document id (opened by link) into the catalogue. */
  ensureInCatalogue(docId: string, kind: DocKind, title: string): void {
    if (this.index.doc.getMap('catalogue').has(docId)) return;
    addCatalogueEntry(this.index.doc, { id: docId, kind, title }, this.actor);
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
    await patchMember(this.record.token, this.workspaceId, this.record.memberId, patch);
    await this.device.workspaces.updateProfile(this.workspaceId, { memberName: patch.name, colour: patch.colour });
  }

  /** Leave the workspace: stop syncing and delete everything this device holds of it. */
  async leave(): Promise<void> {
    this.dispose();
    await this.device.stopReplicating(this.workspaceId);
    await this.device.workspaces.leave(this.workspaceId);
    // The ballot-signing key of this membership is of no further use on this device.
    await forgetDeviceKeys(this.workspaceId).catch(() => {});
  }

  dispose(): void {
    for (const d of this.disposers.splice(0)) d();
    this.lib?.dispose();
    this.lib = null;
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

/**
 * The device's catalogue of joined workspaces: create one, join one with an
 * invite, list, leave (deleting its local data), and edit one's own name and
 * colour. Credentials stay in the device store; API failures become
 * {@link WorkspaceError}s with plain-words messages. Creating, joining and linking a device talk
 * to the server (workspace-join.ts, loaded when one of them starts: a document page never does).
 */
import { isValidId } from '#shared/protocol';
import type { DocStorage } from './doc-storage.ts';
import { WorkspaceError } from './errors.ts';
import { writable, type Readable } from './observable.ts';
import type { Refusal, WorkspaceRecord } from './store.ts';
import type { CreateInput, JoinInput, JoinServer, LinkInput } from './workspace-join.ts';

/** Options of {@link Workspaces}. */
export interface WorkspacesOptions {
  storage: DocStorage;
  /** Default: the global fetch. */
  fetch?: typeof fetch;
  /** API origin, e.g. `http://127.0.0.1:3000`. Default '' (this page's origin). */
  apiBase?: string;
  /** Relay base stored with new workspaces when it is not this page's origin. */
  relayUrl?: string;
  now?: () => number;
}

export { colourFor, MEMBER_COLOURS } from './colours.ts';

/**
 * Read an invite link `<origin>/join/<workspaceId>#<secret>` (or just its path
 * and fragment). Returns null when it is not one.
 */
export function parseInviteLink(link: string): { workspaceId: string; invite: string } | null {
  try {
    const url = new URL(link, 'http://invite.invalid');
    const match = /^\/join\/([^/]+)\/?$/.exec(url.pathname);
    const invite = decodeURIComponent(url.hash.replace(/^#/, ''));
    if (!match || !isValidId(match[1]) || invite.length === 0) return null;
    return { workspaceId: match[1], invite };
  } catch {
    return null;
  }
}

/** The workspaces this device joined. */
export class Workspaces {
  private readonly list = writable<WorkspaceRecord[]>([]);
  /** Joined workspaces, sorted by name; Svelte-store compatible. Call {@link Workspaces.refresh} first. */
  readonly catalogue: Readable<WorkspaceRecord[]> = this.list;
  private readonly fetch: typeof fetch;
  private readonly apiBase: string;
  private readonly now: () => number;

  constructor(private readonly options: WorkspacesOptions) {
    this.fetch = options.fetch ?? ((...args) => globalThis.fetch(...args));
    this.apiBase = (options.apiBase ?? '').replace(/\/+$/, '');
    this.now = options.now ?? Date.now;
  }

  /** Reload the catalogue from the device store. */
  async refresh(): Promise<WorkspaceRecord[]> {
    const all = await this.guardStore(() => this.options.storage.store.listWorkspaces());
    all.sort((a, b) => a.name.localeCompare(b.name) || a.workspaceId.localeCompare(b.workspaceId));
    this.list.set(all);
    return all;
  }

  /** One joined workspace, or undefined. */
  get(workspaceId: string): Promise<WorkspaceRecord | undefined> {
    return this.guardStore(() => this.options.storage.store.getWorkspace(workspaceId));
  }

  /** Create a workspace on the server; this device becomes its admin. */
  async create(input: CreateInput): Promise<WorkspaceRecord> {
    return (await import('./workspace-join.ts')).createWorkspace(this.server(), input);
  }

  /** Join with an invite secret (from {@link parseInviteLink}). */
  async join(input: JoinInput): Promise<WorkspaceRecord> {
    return (await import('./workspace-join.ts')).joinWorkspace(this.server(), input);
  }

  /**
   * Add this device to a member's devices with a one-time device link (issue 18): the same
   * member, name and role as on the device that made the link, with this device's own token.
   */
  async linkDevice(input: LinkInput): Promise<WorkspaceRecord> {
    return (await import('./workspace-join.ts')).linkDevice(this.server(), input);
  }

  /** Whether this server lets anyone create workspaces, asks for a creation code, or not at all ('open' when it cannot be asked). */
  async creationPolicy(): Promise<'open' | 'code' | 'closed'> {
    try {
      const response = await this.fetch(`${this.apiBase}/api/config`);
      const body: unknown = await response.json();
      const mode = isObject(body) ? body.workspaceCreation : undefined;
      return mode === 'code' || mode === 'closed' ? mode : 'open';
    } catch {
      return 'open';
    }
  }

  /** Leave: forget the credentials and delete every local record of the workspace. */
  async leave(workspaceId: string): Promise<void> {
    await this.guardStore(() => this.options.storage.deleteWorkspace(workspaceId));
    this.list.update((all) => all.filter((w) => w.workspaceId !== workspaceId));
  }

  /** Change one's own name or colour on this device (the member directory is updated by the model). */
  async updateProfile(workspaceId: string, changes: { memberName?: string; colour?: string }): Promise<WorkspaceRecord> {
    const record = await this.get(workspaceId);
    if (!record) throw new WorkspaceError('not-found');
    const memberName = changes.memberName?.trim();
    return this.save({
      ...record,
      ...(memberName ? { memberName } : {}),
      ...(changes.colour ? { colour: changes.colour } : {})
    });
  }

  /** Also called by sync on 4401: remember the refusal so the UI says why, instead of retrying. */
  async markRevoked(workspaceId: string, refusal: Refusal): Promise<void> {
    const record = await this.get(workspaceId);
    if (!record || record.revoked?.code === refusal.code) return;
    await this.save({ ...record, revoked: refusal });
  }

  /**
   * The relay let this device sync the workspace normally again: a removal remembered earlier
   * no longer holds (it may have come from a passing fault, or access was given back).
   */
  async clearRevoked(workspaceId: string): Promise<void> {
    const record = await this.get(workspaceId);
    if (!record?.revoked) return;
    const { revoked: _revoked, ...rest } = record;
    await this.save(rest);
  }

  /** What creating, joining and linking (workspace-join.ts) use of this catalogue. */
  private server(): JoinServer {
    return {
      fetch: this.fetch,
      apiBase: this.apiBase,
      now: this.now,
      ...(this.options.relayUrl ? { relayUrl: this.options.relayUrl } : {}),
      get: (workspaceId) => this.get(workspaceId),
      save: (record) => this.save(record)
    };
  }

  private async save(record: WorkspaceRecord): Promise<WorkspaceRecord> {
    await this.guardStore(() => this.options.storage.store.putWorkspace(record));
    this.list.update((all) =>
      [...all.filter((w) => w.workspaceId !== record.workspaceId), record].sort(
        (a, b) => a.name.localeCompare(b.name) || a.workspaceId.localeCompare(b.workspaceId)
      )
    );
    return record;
  }

  private async guardStore<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw new WorkspaceError('storage', { cause: error });
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

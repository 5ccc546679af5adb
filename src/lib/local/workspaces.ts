/**
 * The device's catalogue of joined workspaces: create one, join one with an
 * invite, list, leave (deleting its local data), and edit one's own name and
 * colour. Credentials stay in the device store; API failures become
 * {@link WorkspaceError}s with plain-words messages.
 */
import { isRole, isValidId } from '#shared/protocol';
import type { DocStorage } from './doc-storage.ts';
import { WorkspaceError, type WorkspaceErrorKind } from './errors.ts';
import { writable, type Readable } from './observable.ts';
import type { Refusal, WorkspaceRecord } from './store.ts';
import { serverErrorTextOf } from '../i18n/server-errors.ts';
import { m } from '../paraglide/messages.js';

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

/** Cursor and avatar colours with enough contrast on white and dark text. */
export const MEMBER_COLOURS = [
  '#d1495b', '#00798c', '#edae49', '#30638e', '#6a4c93', '#2a9d8f',
  '#e76f51', '#3d5a80', '#8ab17d', '#b5838d', '#457b9d', '#c1666b'
] as const;

/** A stable default colour for a member (the same on every device). */
export function colourFor(memberId: string): string {
  let hash = 0;
  for (const char of memberId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return MEMBER_COLOURS[hash % MEMBER_COLOURS.length];
}

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
  async create(input: { name: string; memberName: string; colour?: string; creationCode?: string; deviceName?: string }): Promise<WorkspaceRecord> {
    const code = input.creationCode?.trim();
    const body = await this.post(
      '/api/workspaces',
      { name: input.name.trim(), memberName: input.memberName.trim(), ...(code ? { creationCode: code } : {}), ...deviceNameField(input.deviceName) },
      'create'
    );
    const workspaceId = body.workspaceId;
    if (!isValidId(workspaceId)) throw malformed();
    const record = this.toRecord(workspaceId, input.name.trim(), input.memberName.trim(), input.colour, body);
    const invites = body.invites as { editor?: unknown; viewer?: unknown } | undefined;
    if (invites && typeof invites.editor === 'string' && typeof invites.viewer === 'string') {
      record.invites = { editor: invites.editor, viewer: invites.viewer };
      if (typeof body.invitesAt === 'number') record.invitesAt = body.invitesAt;
    }
    return this.save(record);
  }

  /** Join with an invite secret (from {@link parseInviteLink}). */
  async join(input: { workspaceId: string; invite: string; name: string; colour?: string; workspaceName?: string; deviceName?: string }): Promise<WorkspaceRecord> {
    if (!isValidId(input.workspaceId)) throw new WorkspaceError('invite-invalid');
    const body = await this.post(
      `/api/workspaces/${encodeURIComponent(input.workspaceId)}/join`,
      { invite: input.invite, name: input.name.trim(), ...deviceNameField(input.deviceName) },
      'join'
    );
    const existing = await this.get(input.workspaceId).catch(() => undefined);
    // The real workspace name lives in the index document; until it syncs, show what we know.
    const name = input.workspaceName ?? existing?.name ?? input.workspaceId;
    return this.save(this.toRecord(input.workspaceId, name, input.name.trim(), input.colour, body));
  }

  /**
   * Add this device to a member's devices with a one-time device link (issue 18): the same
   * member, name and role as on the device that made the link, with this device's own token.
   */
  async linkDevice(input: { workspaceId: string; secret: string; deviceName: string; colour?: string }): Promise<WorkspaceRecord> {
    if (!isValidId(input.workspaceId)) throw new WorkspaceError('invite-invalid');
    const body = await this.post(`/api/workspaces/${encodeURIComponent(input.workspaceId)}/device-links/redeem`, { secret: input.secret, deviceName: input.deviceName }, 'link');
    const name = typeof body.workspaceName === 'string' ? body.workspaceName : input.workspaceId;
    const memberName = typeof body.name === 'string' ? body.name : '';
    return this.save(this.toRecord(input.workspaceId, name, memberName, input.colour, body));
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

  private toRecord(
    workspaceId: string,
    name: string,
    memberName: string,
    colour: string | undefined,
    body: Record<string, unknown>
  ): WorkspaceRecord {
    const { memberId, token, role } = body;
    if (typeof memberId !== 'string' || typeof token !== 'string' || !isRole(role)) throw malformed();
    return {
      workspaceId,
      name,
      memberId,
      token,
      role,
      memberName,
      colour: colour ?? colourFor(memberId),
      joinedAt: this.now(),
      ...(this.options.relayUrl ? { relayUrl: this.options.relayUrl } : {})
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

  private async post(path: string, payload: unknown, purpose: 'create' | 'join' | 'link'): Promise<Record<string, unknown>> {
    let response: Response;
    try {
      response = await this.fetch(`${this.apiBase}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payload)
      });
    } catch (error) {
      // fetch rejects only when no HTTP answer came back: no network, relay down, DNS.
      const message = purpose === 'create' ? m.workspaces_offline_create() : purpose === 'join' ? m.workspaces_offline_join() : m.workspaces_offline_link();
      throw new WorkspaceError('offline', { cause: error, message });
    }
    const body: unknown = await response.json().catch(() => undefined);
    if (!response.ok) {
      const kind = errorKind(response.status, purpose);
      const serverMessage = isObject(body) && typeof body.error === 'string' ? await serverErrorTextOf(response.status, body) : undefined;
      // The server's own words are shown for form mistakes, a creation code asked for or wrong,
      // and rate limits (they say how long to wait); other kinds have fixed, actionable wording.
      const ownWords = kind === 'bad-request' || response.status === 429 || (purpose === 'create' && response.status === 403) || purpose === 'link';
      const message = ownWords && serverMessage ? serverMessage : undefined;
      throw new WorkspaceError(kind, { status: response.status, ...(message ? { message } : {}) });
    }
    if (!isObject(body)) throw malformed(response.status);
    return body;
  }
}

function errorKind(status: number, purpose: 'create' | 'join' | 'link'): WorkspaceErrorKind {
  if (status === 400 || status === 413 || status === 422) return 'bad-request';
  if (purpose !== 'create' && (status === 403 || status === 404 || status === 410)) return 'invite-invalid';
  if (status === 401 || status === 403) return 'unauthorized';
  return 'server';
}

/** `{deviceName}` when one was given (the name of this device in "Your devices"). */
function deviceNameField(deviceName: string | undefined): { deviceName?: string } {
  const name = deviceName?.trim();
  return name ? { deviceName: name } : {};
}

function malformed(status?: number): WorkspaceError {
  return new WorkspaceError('server', { status, message: m.workspaces_malformed_answer() });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

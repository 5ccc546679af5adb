/**
 * Creating a workspace, joining one with an invite and linking a device: the device's talks
 * with the server that end in a workspace record (workspaces.ts keeps the records). Loaded when
 * one of them starts (issue 25).
 */
import { isRole, isValidId } from '#shared/protocol';
import { WorkspaceError, type WorkspaceErrorKind } from './errors.ts';
import type { WorkspaceRecord } from './store.ts';
import { colourFor } from './colours.ts';
import { serverErrorTextOf } from '../i18n/server-errors.ts';
import { m } from '../paraglide/messages.js';

export interface CreateInput {
  name: string;
  memberName: string;
  colour?: string;
  creationCode?: string;
  deviceName?: string;
}
export interface JoinInput {
  workspaceId: string;
  invite: string;
  name: string;
  colour?: string;
  workspaceName?: string;
  deviceName?: string;
}
export interface LinkInput {
  workspaceId: string;
  secret: string;
  deviceName: string;
  colour?: string;
}

/** What these need of the device's catalogue (`Workspaces`). */
export interface JoinServer {
  fetch: typeof fetch;
  apiBase: string;
  now: () => number;
  relayUrl?: string;
  get(workspaceId: string): Promise<WorkspaceRecord | undefined>;
  save(record: WorkspaceRecord): Promise<WorkspaceRecord>;
}

/** Create a workspace on the server; this device becomes its admin. */
export async function createWorkspace(server: JoinServer, input: CreateInput): Promise<WorkspaceRecord> {
  const code = input.creationCode?.trim();
  const body = await post(
    server,
    '/api/workspaces',
    { name: input.name.trim(), memberName: input.memberName.trim(), ...(code ? { creationCode: code } : {}), ...deviceNameField(input.deviceName) },
    'create'
  );
  const workspaceId = body.workspaceId;
  if (!isValidId(workspaceId)) throw malformed();
  const record = toRecord(server, workspaceId, input.name.trim(), input.memberName.trim(), input.colour, body);
  const invites = body.invites as { editor?: unknown; viewer?: unknown } | undefined;
  if (invites && typeof invites.editor === 'string' && typeof invites.viewer === 'string') {
    record.invites = { editor: invites.editor, viewer: invites.viewer };
    if (typeof body.invitesAt === 'number') record.invitesAt = body.invitesAt;
  }
  return server.save(record);
}

/** Join with an invite secret (from `parseInviteLink`). */
export async function joinWorkspace(server: JoinServer, input: JoinInput): Promise<WorkspaceRecord> {
  if (!isValidId(input.workspaceId)) throw new WorkspaceError('invite-invalid');
  const body = await post(
    server,
    `/api/workspaces/${encodeURIComponent(input.workspaceId)}/join`,
    { invite: input.invite, name: input.name.trim(), ...deviceNameField(input.deviceName) },
    'join'
  );
  const existing = await server.get(input.workspaceId).catch(() => undefined);
  // The real workspace name lives in the index document; until it syncs, show what we know.
  const name = input.workspaceName ?? existing?.name ?? input.workspaceId;
  return server.save(toRecord(server, input.workspaceId, name, input.name.trim(), input.colour, body));
}

/** Add this device to a member's devices with a one-time device link (issue 18). */
export async function linkDevice(server: JoinServer, input: LinkInput): Promise<WorkspaceRecord> {
  if (!isValidId(input.workspaceId)) throw new WorkspaceError('invite-invalid');
  const body = await post(server, `/api/workspaces/${encodeURIComponent(input.workspaceId)}/device-links/redeem`, { secret: input.secret, deviceName: input.deviceName }, 'link');
  const name = typeof body.workspaceName === 'string' ? body.workspaceName : input.workspaceId;
  const memberName = typeof body.name === 'string' ? body.name : '';
  return server.save(toRecord(server, input.workspaceId, name, memberName, input.colour, body));
}

function toRecord(
server: JoinServer,
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
    joinedAt: server.now(),
    ...(server.relayUrl ? { relayUrl: server.relayUrl } : {})
  };
}

async function post(server: JoinServer, path: string, payload: unknown, purpose: 'create' | 'join' | 'link'): Promise<Record<string, unknown>> {
  let response: Response;
  try {
    response = await server.fetch(`${server.apiBase}${path}`, {
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

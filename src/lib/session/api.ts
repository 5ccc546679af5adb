/**
 * Admin and profile calls to the HTTP API with this device's bearer token. Each failure
 * becomes an Error whose message is plain words from the server (or about the network).
 */
import type { Role } from '$lib/shared/protocol';
import { serverErrorTextOf } from '../i18n/server-errors.ts';
import { m } from '../paraglide/messages.js';

export interface InviteLinks {
  editor: string;
  viewer: string;
}

async function call<T>(token: string, method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) })
    });
  } catch {
    throw new Error(m.api_offline());
  }
  if (res.status === 204) return undefined as T;
  const data = (await res.json().catch(() => ({}))) as { error?: string };
  if (!res.ok) throw new Error(await serverErrorTextOf(res.status, data));
  return data as T;
}

const base = (workspaceId: string) => `/api/workspaces/${encodeURIComponent(workspaceId)}`;

/** Admin: new invite links; the old ones stop working. */
export function rotateInvites(token: string, workspaceId: string): Promise<{ invites: InviteLinks; invitesAt?: number }> {
  return call(token, 'POST', `${base(workspaceId)}/invites/rotate`);
}

/** Admin: remove a member; their devices are disconnected within a second. */
export function revokeMember(token: string, workspaceId: string, memberId: string): Promise<void> {
  return call(token, 'DELETE', `${base(workspaceId)}/members/${encodeURIComponent(memberId)}`);
}

/** Admin: change workspace settings (they live in the index's server-written settings). */
export function patchSettings(
  token: string,
  workspaceId: string,
  patch: { name?: string; workloadNorm?: number; needsRetentionDays?: number; needsCategories?: string[]; pulse?: boolean; pulseCadence?: number; viewersMayComment?: boolean }
): Promise<unknown> {
  return call(token, 'PATCH', `${base(workspaceId)}/settings`, patch);
}

/** Admin: change a member's role or coordinator flag; self: name or public key. */
export function patchMember(
  token: string,
  workspaceId: string,
  memberId: string,
  patch: { role?: Role; coordinator?: boolean; name?: string; colour?: string; publicKey?: string }
): Promise<unknown> {
  return call(token, 'PATCH', `${base(workspaceId)}/members/${encodeURIComponent(memberId)}`, patch);
}

/** One of a member's devices, as the server lists it. */
export interface DeviceEntry {
  deviceId: string;
  name: string;
  createdAt: number;
  lastSeenAt: number | null;
  /** The device making the call. */
  current: boolean;
}

const devicesPath = (workspaceId: string, memberId: string) => `${base(workspaceId)}/members/${encodeURIComponent(memberId)}/devices`;

/** A member's devices (the member themselves, or an admin). */
export async function listDevices(token: string, workspaceId: string, memberId: string): Promise<DeviceEntry[]> {
  return (await call<{ devices: DeviceEntry[] }>(token, 'GET', devicesPath(workspaceId, memberId))).devices;
}

export function renameDevice(token: string, workspaceId: string, memberId: string, deviceId: string, name: string): Promise<DeviceEntry> {
  return call(token, 'PATCH', `${devicesPath(workspaceId, memberId)}/${encodeURIComponent(deviceId)}`, { name });
}

/** Remove a device: its token stops working and its sockets close at once. */
export function revokeDevice(token: string, workspaceId: string, memberId: string, deviceId: string): Promise<void> {
  return call(token, 'DELETE', `${devicesPath(workspaceId, memberId)}/${encodeURIComponent(deviceId)}`);
}

/** A one-time link (15 minutes, one use) that adds another device of this member. */
export function createDeviceLink(token: string, workspaceId: string): Promise<{ link: string; expiresAt: number }> {
  return call(token, 'POST', `${base(workspaceId)}/device-links`, {});
}

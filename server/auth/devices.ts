/**
 * The rules over devices (issue 18): one member, several devices, each with its own token;
 * one-time device links; revoking one device; short-lived single-use connection tickets.
 * Merged into the {@link Auth} service (server/auth/auth.ts).
 */
import { hashSecret, newId, newSecret } from './secrets.ts';
import { AuthError } from './errors.ts';
import { ErrorCode } from '#shared/error-codes';
import type { AuthenticatedMember, DeviceRecord, MemberEvent, MemberRecord, MembershipStore } from './types.ts';

/** How long a device link works, and for how many uses (one). */
export const DEVICE_LINK_TTL_MS = 15 * 60 * 1000;
/** How long a connection ticket works (single use). */
export const TICKET_TTL_MS = 60 * 1000;
/** Active devices one member may have (each registers its own signing key; a member keeps at most 16 keys). */
export const MAX_DEVICES_PER_MEMBER = 10;
/** Last seen is written at most this often per device. */
const LAST_SEEN_GRANULARITY_MS = 60 * 1000;

/** A device as the API shows it (never its token hash). */
export interface DeviceInfo {
  deviceId: string;
  name: string;
  createdAt: number;
  lastSeenAt: number | null;
  revoked: boolean;
}

export function deviceInfo(d: DeviceRecord): DeviceInfo {
  return { deviceId: d.id, name: d.name, createdAt: d.createdAt, lastSeenAt: d.lastSeenAt, revoked: d.revokedAt !== null };
}

/** The device operations of {@link Auth}. */
export interface DeviceAuth {
  /** The member behind a device token, or null if it is unknown or revoked (device or member). Never throws for bad input. */
  authenticate(token: string | null | undefined): Promise<AuthenticatedMember | null>;
  /** Why a token is refused: its device was removed (the member still has others), its member was removed, or it is unknown. */
  whyRefused(token: string): Promise<'device-removed' | 'member-removed' | 'unknown'>;
  /** The same member again, read fresh (role, revocation), or null when the device or member lost access. */
  recheck(member: AuthenticatedMember): Promise<AuthenticatedMember | null>;
  /** A connection ticket for the device holding `token` (valid {@link TICKET_TTL_MS}, once). */
  issueTicket(token: string): Promise<{ ticket: string; expiresAt: number }>;
  /** The member behind a ticket (used up by this call), or null when unknown, used, expired or revoked. */
  authenticateTicket(ticket: string | null | undefined): Promise<AuthenticatedMember | null>;
  /** A one-time link secret for another device of `memberId`. */
  createDeviceLink(workspaceId: string, memberId: string): Promise<{ secret: string; expiresAt: number }>;
  /** What a link leads to, without using it. AuthError 'forbidden' (unknown) or 'gone' (used, expired). */
  previewDeviceLink(workspaceId: string, secret: string): Promise<{ memberId: string; memberName: string; expiresAt: number }>;
  /** Use a link: a new device of the member, with its own token. */
  redeemDeviceLink(workspaceId: string, secret: string, deviceName: string): Promise<{ member: MemberRecord; device: DeviceInfo; token: string }>;
  listDevices(workspaceId: string, memberId: string): Promise<DeviceInfo[]>;
  renameDevice(workspaceId: string, memberId: string, deviceId: string, name: string): Promise<DeviceInfo>;
  /** Revoke one device: its token and tickets stop working, its sockets close. The member's last device cannot be revoked (remove the member instead). */
  revokeDevice(workspaceId: string, memberId: string, deviceId: string): Promise<void>;
}

const usedOrExpired = (usedAt: number | null) =>
  new AuthError(
    'gone',
    usedAt !== null
      ? 'This device link was already used. Each link adds one device: make a new one on a device that is signed in.'
      : 'This device link has expired: links work for 15 minutes. Make a new one on a device that is signed in.'
  );

/** The device rules over `store`; `emit` tells the relay about revocations. */
export function createDeviceAuth(store: MembershipStore, now: () => number, emit: (event: MemberEvent) => void): DeviceAuth {
  const asMember = (m: MemberRecord, d: DeviceRecord): AuthenticatedMember => ({
    workspaceId: m.workspaceId,
    memberId: m.id,
    deviceId: d.id,
    name: m.name,
    role: m.role,
    coordinator: m.coordinator
  });
  const byTokenHash = async (tokenHash: string) => {
    const found = await store.findDeviceByTokenHash(tokenHash);
    if (!found || found.device.revokedAt !== null || found.member.revokedAt !== null) return null;
    const t = now();
    const seen = found.device.lastSeenAt;
    if (seen === null || seen < t - LAST_SEEN_GRANULARITY_MS) await store.touchDevice(tokenHash, t, t - LAST_SEEN_GRANULARITY_MS);
    return asMember(found.member, found.device);
  };
  const activeDevices = async (workspaceId: string, memberId: string) => (await store.listDevices(workspaceId, memberId)).filter((d) => d.revokedAt === null);
  const activeMember = async (workspaceId: string, memberId: string) => {
    const m = await store.getMember(workspaceId, memberId);
    if (!m || m.revokedAt !== null) throw new AuthError('not-found', 'There is no such member in this workspace.', ErrorCode.memberNotFound);
    return m;
  };
  const findLink = async (workspaceId: string, secret: string) => {
    const link = typeof secret === 'string' && secret.length >= 16 && secret.length <= 256 ? await store.getDeviceLink(hashSecret(secret)) : null;
    if (!link || link.workspaceId !== workspaceId) throw new AuthError('forbidden', 'This device link is not valid. Check that you copied the whole link.', ErrorCode.deviceLinkInvalid);
    if (link.usedAt !== null || link.expiresAt <= now()) throw usedOrExpired(link.usedAt);
    return link;
  };

  return {
    async authenticate(token) {
      // Tokens are 43 base64url chars; refuse anything absurd before hashing it.
      if (typeof token !== 'string' || token.length < 16 || token.length > 256) return null;
      return byTokenHash(hashSecret(token));
    },

    async whyRefused(token) {
      if (typeof token !== 'string' || token.length < 16 || token.length > 256) return 'unknown';
      const found = await store.findDeviceByTokenHash(hashSecret(token));
      if (!found) return 'unknown';
      if (found.member.revokedAt !== null) return 'member-removed';
      return found.device.revokedAt !== null ? 'device-removed' : 'unknown';
    },

    async recheck(member) {
      const m = await store.getMember(member.workspaceId, member.memberId);
      if (!m || m.revokedAt !== null) return null;
      const d = (await store.listDevices(member.workspaceId, member.memberId)).find((x) => x.id === member.deviceId);
      return d && d.revokedAt === null ? asMember(m, d) : null;
    },

    async issueTicket(token) {
      const ticket = newSecret();
      const expiresAt = now() + TICKET_TTL_MS;
      await store.addTicket(hashSecret(ticket), hashSecret(token), expiresAt, now());
      return { ticket, expiresAt };
    },

    async authenticateTicket(ticket) {
      if (typeof ticket !== 'string' || ticket.length < 16 || ticket.length > 256) return null;
      const taken = await store.takeTicket(hashSecret(ticket));
      if (!taken || taken.expiresAt <= now()) return null;
      return byTokenHash(taken.tokenHash);
    },

    async createDeviceLink(workspaceId, memberId) {
      await activeMember(workspaceId, memberId);
      if ((await activeDevices(workspaceId, memberId)).length >= MAX_DEVICES_PER_MEMBER) {
        throw new AuthError('conflict', `This member already has ${MAX_DEVICES_PER_MEMBER} devices, the most one member may have. Remove one you no longer use first.`, ErrorCode.deviceLimit);
      }
      const secret = newSecret();
      const t = now();
      const expiresAt = t + DEVICE_LINK_TTL_MS;
      await store.addDeviceLink({ secretHash: hashSecret(secret), workspaceId, memberId, createdAt: t, expiresAt, usedAt: null });
      return { secret, expiresAt };
    },

    async previewDeviceLink(workspaceId, secret) {
      const link = await findLink(workspaceId, secret);
      const m = await activeMember(workspaceId, link.memberId);
      return { memberId: m.id, memberName: m.name, expiresAt: link.expiresAt };
    },

    async redeemDeviceLink(workspaceId, secret, deviceName) {
      const link = await findLink(workspaceId, secret);
      const m = await activeMember(workspaceId, link.memberId);
      // Once, whichever device (or instance) gets there first.
      if (!(await store.useDeviceLink(link.secretHash, now()))) throw usedOrExpired((await store.getDeviceLink(link.secretHash))?.usedAt ?? null);
      const token = newSecret();
      const device: DeviceRecord = { workspaceId, memberId: m.id, id: newId(), name: deviceName, tokenHash: hashSecret(token), createdAt: now(), lastSeenAt: now(), revokedAt: null };
      await store.addDevice(device);
      return { member: m, device: deviceInfo(device), token };
    },

    async listDevices(workspaceId, memberId) {
      await activeMember(workspaceId, memberId);
      return (await store.listDevices(workspaceId, memberId)).map(deviceInfo);
    },

    async renameDevice(workspaceId, memberId, deviceId, name) {
      await activeMember(workspaceId, memberId);
      if (!(await store.renameDevice(workspaceId, memberId, deviceId, name))) throw new AuthError('not-found', 'There is no such device.', ErrorCode.deviceNotFound);
      return deviceInfo((await store.listDevices(workspaceId, memberId)).find((d) => d.id === deviceId)!);
    },

    async revokeDevice(workspaceId, memberId, deviceId) {
      await activeMember(workspaceId, memberId);
      const active = await activeDevices(workspaceId, memberId);
      if (!active.some((d) => d.id === deviceId)) throw new AuthError('not-found', 'There is no such device, or it was already removed.', ErrorCode.deviceNotFound);
      if (active.length === 1) {
        throw new AuthError('conflict', 'This is the only device of this member: removing it would lock them out. Link another device first, or remove the member.', ErrorCode.onlyDevice);
      }
      if (!(await store.revokeDevice(workspaceId, memberId, deviceId, now()))) throw new AuthError('not-found', 'There is no such device, or it was already removed.', ErrorCode.deviceNotFound);
      emit({ type: 'device-revoked', workspaceId, memberId, deviceId });
    }
  };
}

import type { Role } from '#shared/protocol';

/** A workspace as stored. Invite secrets exist only as hashes. */
export interface WorkspaceRecord {
  id: string;
  name: string;
  editorInviteHash: string;
  viewerInviteHash: string;
  createdAt: number;
}

/** A member as stored. The token exists only as its hash. */
export interface MemberRecord {
  id: string;
  workspaceId: string;
  name: string;
  role: Role;
  /** Coordinators may open private documents (ids starting with PRIVATE_DOC_PREFIX). */
  coordinator: boolean;
  tokenHash: string;
  /** The member's public key (opaque string chosen by their device), or null. */
  publicKey: string | null;
  joinedAt: number;
  /** When access was removed, or null while a member. */
  revokedAt: number | null;
}

/** Fields an update may change. */
export type MemberPatch = Partial<Pick<MemberRecord, 'name' | 'role' | 'coordinator' | 'publicKey'>>;

/**
 * Persistence of workspaces and members, nothing more: no hashing, no rules. Async so
 * a PostgreSQL implementation fits; the SQLite one answers immediately.
 */
export interface MembershipStore extends DeviceStore {
  /** Create a workspace and its first member atomically (with the member's first device, {@link FIRST_DEVICE_ID}, holding their token). */
  createWorkspace(workspace: WorkspaceRecord, firstMember: MemberRecord): Promise<void>;
  getWorkspace(workspaceId: string): Promise<WorkspaceRecord | null>;
  setInviteHashes(workspaceId: string, editorInviteHash: string, viewerInviteHash: string): Promise<void>;
  /** Add a member with their first device ({@link FIRST_DEVICE_ID}, holding their token), atomically. */
  addMember(member: MemberRecord): Promise<void>;
  getMember(workspaceId: string, memberId: string): Promise<MemberRecord | null>;
  /** The member holding this token hash (revoked members included: callers check). */
  findMemberByTokenHash(tokenHash: string): Promise<MemberRecord | null>;
  /** Members of a workspace in join order (revoked included). */
  listMembers(workspaceId: string): Promise<MemberRecord[]>;
  /** Apply `patch`; returns the updated record, or null if there is no such member. */
  updateMember(workspaceId: string, memberId: string, patch: MemberPatch): Promise<MemberRecord | null>;
  /** Mark revoked; returns false when no such active member. */
  revokeMember(workspaceId: string, memberId: string, at: number): Promise<boolean>;
  /** Change a workspace's name. */
  renameWorkspace(workspaceId: string, name: string): Promise<void>;
  /** Record a signing key in a member's key history (nothing happens if it is already there). */
  addMemberKey(workspaceId: string, memberId: string, publicKey: string, at: number): Promise<void>;
  /** Every member's key history, oldest key first. */
  listMemberKeys(workspaceId: string): Promise<MemberKeyRecord[]>;
  /** A server-wide secret by name, created with `create()` the first time (atomically, once for every instance). */
  serverSecret(name: string, create: () => string): Promise<string>;
  /** Remove a workspace with its members and their key history (a restore replacing it). */
  deleteWorkspace(workspaceId: string): Promise<void>;
}

/** One signing key a member registered. Kept forever: ballots signed with it keep verifying. */
export interface MemberKeyRecord {
  memberId: string;
  publicKey: string;
  addedAt: number;
}

/**
 * One device of a member (issue 18): its own token (stored hashed), a name people can change
 * and when it was last seen. A member's first device holds the token they joined with
 * (migrated databases: id {@link FIRST_DEVICE_ID}).
 */
export interface DeviceRecord {
  workspaceId: string;
  memberId: string;
  id: string;
  name: string;
  tokenHash: string;
  createdAt: number;
  lastSeenAt: number | null;
  revokedAt: number | null;
}

/** The id of the device a member joined (or created the workspace) with. */
export const FIRST_DEVICE_ID = 'first';
/** Its name until someone renames it. */
export const FIRST_DEVICE_NAME = 'First device';

/** A one-time device link: its secret exists only as a hash. */
export interface DeviceLinkRecord {
  secretHash: string;
  workspaceId: string;
  memberId: string;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
}

/** A workspace as the admin CLI lists it. */
export interface WorkspaceSummary {
  id: string;
  name: string;
  createdAt: number;
  /** Active members. */
  members: number;
  /** The latest time any device of the workspace was seen (null: never since devices existed). */
  lastSeenAt: number | null;
}

/**
 * Devices, device links and connection tickets (issue 18): rows in, rows out. Part of the
 * {@link MembershipStore}; both adapters run server/auth/acceptance.ts over it.
 */
export interface DeviceStore {
  /** The device holding this token hash with its member (revoked ones included: callers check). */
  findDeviceByTokenHash(tokenHash: string): Promise<{ device: DeviceRecord; member: MemberRecord } | null>;
  addDevice(device: DeviceRecord): Promise<void>;
  /** A member's devices, oldest first (revoked included). */
  listDevices(workspaceId: string, memberId: string): Promise<DeviceRecord[]>;
  /** Rename; false when there is no such device. */
  renameDevice(workspaceId: string, memberId: string, deviceId: string, name: string): Promise<boolean>;
  /** Mark revoked; false when there is no such active device. */
  revokeDevice(workspaceId: string, memberId: string, deviceId: string, at: number): Promise<boolean>;
  /** Record that the device with this token was seen at `at` (only when its last sighting is older than `staleBefore`). */
  touchDevice(tokenHash: string, at: number, staleBefore: number): Promise<void>;
  addDeviceLink(link: DeviceLinkRecord): Promise<void>;
  getDeviceLink(secretHash: string): Promise<DeviceLinkRecord | null>;
  /** Use a link once: true when it was unused and unexpired at `at` (atomically, once for every instance). */
  useDeviceLink(secretHash: string, at: number): Promise<boolean>;
  /** Store a connection ticket for a device token (and forget tickets expired before `now`). */
  addTicket(ticketHash: string, tokenHash: string, expiresAt: number, now: number): Promise<void>;
  /** Take a ticket (it is deleted: single use); null when unknown or already taken. */
  takeTicket(ticketHash: string): Promise<{ tokenHash: string; expiresAt: number } | null>;
  /** Every workspace, for the admin CLI. */
  listWorkspaces(): Promise<WorkspaceSummary[]>;
}

/** The member behind a valid token. */
export interface AuthenticatedMember {
  workspaceId: string;
  memberId: string;
  /** The device whose token (or ticket) this is. */
  deviceId: string;
  name: string;
  role: Role;
  coordinator: boolean;
}

/** Raised to the relay so open sockets follow membership changes. */
export type MemberEvent =
  | { type: 'revoked'; workspaceId: string; memberId: string }
  | { type: 'device-revoked'; workspaceId: string; memberId: string; deviceId: string }
  /** Their role, coordinator flag or name changed (the relay re-stamps their presence with the name). */
  | { type: 'updated'; workspaceId: string; memberId: string; role: Role; coordinator: boolean; name: string };

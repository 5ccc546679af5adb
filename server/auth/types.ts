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
export interface MembershipStore {
  /** Create a workspace and its first member atomically. */
  createWorkspace(workspace: WorkspaceRecord, firstMember: MemberRecord): Promise<void>;
  getWorkspace(workspaceId: string): Promise<WorkspaceRecord | null>;
  setInviteHashes(workspaceId: string, editorInviteHash: string, viewerInviteHash: string): Promise<void>;
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

/** The member behind a valid token. */
export interface AuthenticatedMember {
  workspaceId: string;
  memberId: string;
  name: string;
  role: Role;
  coordinator: boolean;
}

/** Raised to the relay so open sockets follow membership changes. */
export type MemberEvent =
  | { type: 'revoked'; workspaceId: string; memberId: string }
  | { type: 'updated'; workspaceId: string; memberId: string; role: Role; coordinator: boolean };

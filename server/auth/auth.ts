import { canWrite, INDEX_DOC_ID, PRIVATE_DOC_PREFIX, type Role } from '#shared/protocol';
import { ownerOfMemberPrivateDoc } from '#shared/model/private-answers';
import { createDeviceAuth, type DeviceAuth } from './devices.ts';
import { AuthError } from './errors.ts';
import { ErrorCode } from '#shared/error-codes';
import { hashSecret, newId, newSecret, sameHash } from './secrets.ts';
import { FIRST_DEVICE_ID, type AuthenticatedMember, type MemberEvent, type MemberPatch, type MemberRecord, type MembershipStore, type WorkspaceSummary } from './types.ts';

export { AuthError } from './errors.ts';

/** Invite secrets of a workspace, in plain text: returned once, when created or rotated. */
export interface InviteSecrets {
  editor: string;
  viewer: string;
}

/** Public view of a member (no token hash). */
export interface MemberInfo {
  memberId: string;
  name: string;
  role: Role;
  coordinator: boolean;
  joinedAt: number;
  publicKey: string | null;
  /** Every signing key the member ever registered, oldest first (the key history). */
  publicKeys: string[];
  revoked: boolean;
}

/** Bounds of the membership rules (docs/security.md). */
export interface AuthLimits {
  /** Active members a workspace may have; joining past it is refused. */
  maxMembers: number;
  /** Signing keys one member may register (one per device, a new one after a lost key). */
  maxKeysPerMember: number;
}

export const DEFAULT_AUTH_LIMITS: Readonly<AuthLimits> = Object.freeze({ maxMembers: 500, maxKeysPerMember: 16 });

/** Workspaces, members, invites and tokens: the rules over a {@link MembershipStore}. */
export interface Auth extends DeviceAuth {
  /** `deviceName` names the creator's first device (default {@link FIRST_DEVICE_NAME}). */
  createWorkspace(input: { name: string; memberName: string; deviceName?: string }): Promise<{ workspaceId: string; member: MemberInfo; token: string; invites: InviteSecrets }>;
  /** Join with an invite secret; AuthError 'not-found' (no workspace) or 'forbidden' (wrong/rotated invite). */
  join(workspaceId: string, invite: string, name: string, deviceName?: string): Promise<{ member: MemberInfo; token: string }>;
  /**
   * What an invite leads to, before joining (issue 16: the join page names the group and who
   * invites): the workspace's name, the role it gives, and its admins' names (invite links
   * are handed out by admins). Same errors as {@link join}; joins nobody.
   */
  previewInvite(workspaceId: string, invite: string): Promise<{ workspaceName: string; role: 'editor' | 'viewer'; invitedBy: string[] }>;
  rotateInvites(workspaceId: string): Promise<InviteSecrets>;
  renameWorkspace(workspaceId: string, name: string): Promise<void>;
  /** Every workspace with its active members and last activity (the admin CLI). */
  listWorkspaces(): Promise<WorkspaceSummary[]>;
  workspaceName(workspaceId: string): Promise<string | null>;
  listMembers(workspaceId: string): Promise<MemberInfo[]>;
  getMember(workspaceId: string, memberId: string): Promise<MemberInfo | null>;
  updateMember(workspaceId: string, memberId: string, patch: MemberPatch): Promise<MemberInfo>;
  /** Remove a member; the invite links change too, so the removed member cannot simply join again. */
  revokeMember(workspaceId: string, memberId: string): Promise<void>;
  /** Subscribe to revocations and role changes; returns an unsubscribe function. */
  onMemberEvent(listener: (event: MemberEvent) => void): () => void;
}

/**
 * Whether a member may open document `docId`: a member's own private document (issue 24) only
 * its member — no admin, no coordinator; a needs board's private document, admins and
 * coordinators; anything else, every member.
 */
export function mayRead(member: Pick<AuthenticatedMember, 'memberId' | 'role' | 'coordinator'>, docId: string): boolean {
  const owner = ownerOfMemberPrivateDoc(docId);
  if (owner !== null) return owner === member.memberId;
  return !docId.startsWith(PRIVATE_DOC_PREFIX) || member.role === 'admin' || member.coordinator;
}

/** Why {@link mayRead} refused `docId` (the close reason, plain words). */
export function refusalReason(docId: string): string {
  return ownerOfMemberPrivateDoc(docId) !== null
    ? 'a member’s private document opens only on that member’s own devices'
    : 'only admins and coordinators may open private documents';
}

/**
 * Whether viewers may ever comment in document `docId` (when their workspace lets them):
 * shared documents only, never the index or a private document (issue 22).
 */
export function viewersMayCommentIn(docId: string): boolean {
  return docId !== INDEX_DOC_ID && !docId.startsWith(PRIVATE_DOC_PREFIX) && ownerOfMemberPrivateDoc(docId) === null;
}

/** Whether a member's updates may change documents. */
export function mayWrite(member: Pick<AuthenticatedMember, 'role'>): boolean {
  return canWrite(member.role);
}

/** Public view of a stored member, with their key history. */
export function memberInfo(m: MemberRecord, keys: readonly string[] = m.publicKey ? [m.publicKey] : []): MemberInfo {
  return { memberId: m.id, name: m.name, role: m.role, coordinator: m.coordinator, joinedAt: m.joinedAt, publicKey: m.publicKey, publicKeys: [...keys], revoked: m.revokedAt !== null };
}

/** Create the auth service over a membership store. */
export function createAuth(store: MembershipStore, options: { now?: () => number; limits?: Partial<AuthLimits> } = {}): Auth {
  const now = options.now ?? Date.now;
  const limits = { ...DEFAULT_AUTH_LIMITS, ...options.limits };
  const listeners = new Set<(event: MemberEvent) => void>();
  const emit = (event: MemberEvent) => {
    for (const l of listeners) {
      // One failing listener must not stop the others (e.g. the relay closing sockets).
      try {
        l(event);
      } catch {
        /* listeners log their own errors */
      }
    }
  };
  const newMember = (workspaceId: string, name: string, role: Role, token: string): MemberRecord => ({
    id: newId(),
    workspaceId,
    name,
    role,
    coordinator: false,
    tokenHash: hashSecret(token),
    publicKey: null,
    joinedAt: now(),
    revokedAt: null
  });
  const activeMember = async (workspaceId: string, memberId: string) => {
    const m = await store.getMember(workspaceId, memberId);
    if (!m || m.revokedAt !== null) throw new AuthError('not-found', 'There is no such member in this workspace.', ErrorCode.memberNotFound);
    return m;
  };
  /** Member id → key history, oldest first. */
  const keysByMember = async (workspaceId: string) => {
    const map = new Map<string, string[]>();
    for (const k of await store.listMemberKeys(workspaceId)) {
      const list = map.get(k.memberId) ?? [];
      list.push(k.publicKey);
      map.set(k.memberId, list);
    }
    return map;
  };
  const withKeys = async (workspaceId: string, members: MemberRecord[]) => {
    const keys = await keysByMember(workspaceId);
    return members.map((m) => memberInfo(m, keys.get(m.id) ?? []));
  };
  const newInvites = async (workspaceId: string): Promise<InviteSecrets> => {
    const invites = { editor: newSecret(), viewer: newSecret() };
    await store.setInviteHashes(workspaceId, hashSecret(invites.editor), hashSecret(invites.viewer));
    return invites;
  };
  const otherActiveAdmins = async (workspaceId: string, memberId: string) =>
    (await store.listMembers(workspaceId)).filter((m) => m.role === 'admin' && m.revokedAt === null && m.id !== memberId).length;

  /** The role an invite secret gives in a workspace; AuthError when there is none. */
  const inviteRole = async (workspaceId: string, invite: string) => {
    const ws = await store.getWorkspace(workspaceId);
    if (!ws) throw new AuthError('not-found', 'There is no workspace with this id.', ErrorCode.workspaceNotFound);
    const h = hashSecret(invite);
    // Compare against both in constant time so timing does not reveal which one matched.
    const editor = sameHash(h, ws.editorInviteHash);
    const viewer = sameHash(h, ws.viewerInviteHash);
    if (!editor && !viewer) throw new AuthError('forbidden', 'This invite is not valid: it may have been replaced by a newer one.', ErrorCode.inviteInvalid);
    return { ws, role: editor ? ('editor' as const) : ('viewer' as const) };
  };

  return {
    async createWorkspace({ name, memberName, deviceName }) {
      const workspaceId = newId(16);
      const token = newSecret();
      const invites = { editor: newSecret(), viewer: newSecret() };
      const admin = newMember(workspaceId, memberName, 'admin', token);
      await store.createWorkspace(
        { id: workspaceId, name, editorInviteHash: hashSecret(invites.editor), viewerInviteHash: hashSecret(invites.viewer), createdAt: now() },
        admin
      );
      if (deviceName) await store.renameDevice(workspaceId, admin.id, FIRST_DEVICE_ID, deviceName);
      return { workspaceId, member: memberInfo(admin), token, invites };
    },

    async join(workspaceId, invite, name, deviceName) {
      const { role } = await inviteRole(workspaceId, invite);
      const active = (await store.listMembers(workspaceId)).filter((m) => m.revokedAt === null).length;
      if (active >= limits.maxMembers) throw new AuthError('conflict', `This workspace is full: it has ${limits.maxMembers} members. Ask an admin to make room.`, ErrorCode.workspaceFull);
      const token = newSecret();
      const member = newMember(workspaceId, name, role, token);
      await store.addMember(member);
      if (deviceName) await store.renameDevice(workspaceId, member.id, FIRST_DEVICE_ID, deviceName);
      return { member: memberInfo(member, []), token };
    },

    async previewInvite(workspaceId, invite) {
      const { ws, role } = await inviteRole(workspaceId, invite);
      const invitedBy = (await store.listMembers(workspaceId)).filter((m) => m.role === 'admin' && m.revokedAt === null).map((m) => m.name);
      return { workspaceName: ws.name, role, invitedBy };
    },

    rotateInvites: newInvites,

    async renameWorkspace(workspaceId, name) {
      await store.renameWorkspace(workspaceId, name);
    },

    ...createDeviceAuth(store, now, emit),

    listWorkspaces: () => store.listWorkspaces(),

    async workspaceName(workspaceId) {
      return (await store.getWorkspace(workspaceId))?.name ?? null;
    },

    async listMembers(workspaceId) {
      return withKeys(workspaceId, await store.listMembers(workspaceId));
    },

    async getMember(workspaceId, memberId) {
      const m = await store.getMember(workspaceId, memberId);
      return m ? (await withKeys(workspaceId, [m]))[0] : null;
    },

    async updateMember(workspaceId, memberId, patch) {
      const before = await activeMember(workspaceId, memberId);
      if (before.role === 'admin' && patch.role !== undefined && patch.role !== 'admin' && (await otherActiveAdmins(workspaceId, memberId)) === 0) {
        throw new AuthError('conflict', 'A workspace needs at least one admin: make someone else admin first.', ErrorCode.lastAdmin);
      }
      const key = patch.publicKey;
      if (typeof key === 'string') {
        const history = (await keysByMember(workspaceId)).get(memberId) ?? [];
        if (!history.includes(key) && history.length >= limits.maxKeysPerMember) {
          throw new AuthError('conflict', `This member has already registered ${limits.maxKeysPerMember} signing keys, the most one member may have.`, ErrorCode.keyLimit);
        }
        await store.addMemberKey(workspaceId, memberId, key, now());
      }
      const after = await store.updateMember(workspaceId, memberId, patch);
      if (!after) throw new AuthError('not-found', 'There is no such member in this workspace.', ErrorCode.memberNotFound);
      if (after.role !== before.role || after.coordinator !== before.coordinator || after.name !== before.name) {
        emit({ type: 'updated', workspaceId, memberId, role: after.role, coordinator: after.coordinator, name: after.name });
      }
      return (await withKeys(workspaceId, [after]))[0];
    },

    async revokeMember(workspaceId, memberId) {
      const m = await activeMember(workspaceId, memberId);
      if (m.role === 'admin' && (await otherActiveAdmins(workspaceId, memberId)) === 0) {
        throw new AuthError('conflict', 'A workspace needs at least one admin: this is the last one.', ErrorCode.lastAdmin);
      }
      if (!(await store.revokeMember(workspaceId, memberId, now()))) throw new AuthError('not-found', 'There is no such member in this workspace.', ErrorCode.memberNotFound);
      // The removed member still knows the invite links: replace them, or they could walk back in.
      await newInvites(workspaceId);
      emit({ type: 'revoked', workspaceId, memberId });
    },

    onMemberEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    }
  };
}

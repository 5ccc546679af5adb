/**
 * The backup file: one JSON document holding a workspace — its documents (each one Yjs
 * update, base64), its members and invites, and the documents' versions. The server's
 * `npm run backup` and the device's "Download a backup" write the same format:
 *
 * - `source: "server"` carries members' token HASHES and the invite hashes (SHA-256 of the
 *   secrets; the secrets themselves never leave the devices that hold them), so after a
 *   restore every device reconnects with the token it already has.
 * - `source: "device"` is what one device holds: documents, the member directory and the
 *   versions it has seen — no hashes (a device never has them). It restores as documents;
 *   members rejoin with new invites (see server/cli/restore.ts `--from-device`).
 *
 * Pure: no node:*, no DOM. Base64 through lib0, which works in both.
 */
import { fromBase64, toBase64 } from 'lib0/buffer';
import { isValidId, isRole, type Role } from '../protocol.ts';
import { isVersionReason, type VersionReason } from '../history/versions.ts';
import { parseNotificationSettings, type BackupNotificationSettings } from './notification-settings.ts';

/** The `format` field of every backup file. */
export const BACKUP_FORMAT = 'mutual-backup';
/** Current version of the format. Readers refuse newer versions. */
export const BACKUP_VERSION = 1;

export interface BackupMember {
  id: string;
  name: string;
  role: Role;
  coordinator: boolean;
  publicKey: string | null;
  joinedAt: number;
  revokedAt: number | null;
  /** Server backups only: SHA-256 (hex) of the member's token. */
  tokenHash?: string;
}

/** One signing key a member registered (server backups; extension, absent from older files). */
export interface BackupMemberKey {
  memberId: string;
  publicKey: string;
  addedAt: number;
}

/** One device of a member (server backups, issue 18): its token only as a hash. */
export interface BackupDevice {
  memberId: string;
  deviceId: string;
  name: string;
  tokenHash: string;
  createdAt: number;
  lastSeenAt: number | null;
  revokedAt: number | null;
}

export interface BackupDocument {
  docId: string;
  /** base64 of the document's whole state (one Yjs update). */
  state: string;
}

export interface BackupVersion {
  id: string;
  docId: string;
  createdAt: number;
  reason: VersionReason;
  name: string | null;
  actor: string | null;
  /** base64 of the version's state (one Yjs update). */
  state: string;
}

export interface BackupFile {
  format: typeof BACKUP_FORMAT;
  version: typeof BACKUP_VERSION;
  source: 'server' | 'device';
  createdAt: number;
  workspace: {
    id: string;
    name: string;
    createdAt: number;
    /** Server backups only. */
    editorInviteHash?: string;
    viewerInviteHash?: string;
  };
  members: BackupMember[];
  /** Server backups: every member's key history, oldest first (ballots signed with old keys keep verifying). */
  memberKeys?: BackupMemberKey[];
  /** Server backups: every member's devices, so linked devices keep working after a restore. */
  devices?: BackupDevice[];
  /** Server backups: members' notification preferences and confirmed addresses (notification-settings.ts). */
  notifications?: BackupNotificationSettings;
  documents: BackupDocument[];
  versions: BackupVersion[];
}

/** A backup file that cannot be read; the message says why in plain words. */
export class BackupFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupFormatError';
  }
}

/** Bytes → base64 field. */
export const encodeBytes = (bytes: Uint8Array): string => toBase64(bytes);

/** base64 field → bytes. @throws {BackupFormatError} */
export function decodeBytes(text: string, what: string): Uint8Array {
  if (typeof text !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw new BackupFormatError(`${what} is not base64 data.`);
  return fromBase64(text);
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isHash = (v: unknown): v is string => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);
const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Parse and check a backup file's JSON. @throws {BackupFormatError} */
export function parseBackup(value: unknown): BackupFile {
  const fail = (why: string): never => {
    throw new BackupFormatError(`This is not a usable Mutual backup: ${why}.`);
  };
  if (!isObj(value) || value.format !== BACKUP_FORMAT) fail('it is not a Mutual backup file');
  const v = value as Record<string, unknown>;
  if (v.version !== BACKUP_VERSION) fail(`it is format version ${String(v.version)}, this Mutual reads version ${BACKUP_VERSION}`);
  if (v.source !== 'server' && v.source !== 'device') fail('its source is neither "server" nor "device"');
  const ws = v.workspace;
  if (!isObj(ws) || !isValidId(ws.id) || typeof ws.name !== 'string') fail('the workspace id or name is missing');
  const w = ws as Record<string, unknown>;
  if (v.source === 'server' && (!isHash(w.editorInviteHash) || !isHash(w.viewerInviteHash))) fail('a server backup must hold the invite hashes');
  if (!Array.isArray(v.members) || !Array.isArray(v.documents) || !Array.isArray(v.versions)) fail('members, documents or versions are missing');
  const members = (v.members as unknown[]).map((m, i): BackupMember => {
    if (!isObj(m) || !isValidId(m.id) || typeof m.name !== 'string' || !isRole(m.role)) return fail(`member ${i + 1} is malformed`);
    if (v.source === 'server' && !isHash(m.tokenHash)) return fail(`member ${i + 1} has no token hash`);
    return {
      id: m.id,
      name: m.name,
      role: m.role,
      coordinator: m.coordinator === true,
      publicKey: typeof m.publicKey === 'string' ? m.publicKey : null,
      joinedAt: num(m.joinedAt) ? m.joinedAt : 0,
      revokedAt: num(m.revokedAt) ? m.revokedAt : null,
      ...(isHash(m.tokenHash) ? { tokenHash: m.tokenHash } : {})
    };
  });
  const documents = (v.documents as unknown[]).map((d, i): BackupDocument => {
    if (!isObj(d) || !isValidId(d.docId) || typeof d.state !== 'string') return fail(`document ${i + 1} is malformed`);
    decodeBytes(d.state, `document ${String(d.docId)}`);
    return { docId: d.docId, state: d.state };
  });
  const versions = (v.versions as unknown[]).map((x, i): BackupVersion => {
    if (!isObj(x) || !isValidId(x.id) || !isValidId(x.docId) || !num(x.createdAt) || !isVersionReason(x.reason) || typeof x.state !== 'string') {
      return fail(`version ${i + 1} is malformed`);
    }
    return {
      id: x.id,
      docId: x.docId,
      createdAt: x.createdAt,
      reason: x.reason,
      name: typeof x.name === 'string' ? x.name : null,
      actor: typeof x.actor === 'string' ? x.actor : null,
      state: x.state
    };
  });
  const memberKeys = v.memberKeys === undefined ? undefined : parseMemberKeys(v.memberKeys, fail);
  const devices = v.devices === undefined ? undefined : parseDevices(v.devices, fail);
  const notifications = v.notifications === undefined ? undefined : parseNotificationSettings(v.notifications, fail);
  return {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    source: v.source as 'server' | 'device',
    createdAt: num(v.createdAt) ? v.createdAt : 0,
    workspace: {
      id: w.id as string,
      name: w.name as string,
      createdAt: num(w.createdAt) ? w.createdAt : 0,
      ...(isHash(w.editorInviteHash) ? { editorInviteHash: w.editorInviteHash } : {}),
      ...(isHash(w.viewerInviteHash) ? { viewerInviteHash: w.viewerInviteHash } : {})
    },
    members,
    ...(memberKeys ? { memberKeys } : {}),
    ...(devices ? { devices } : {}),
    ...(notifications ? { notifications } : {}),
    documents,
    versions
  };
}

const numOrNull = (v: unknown): v is number | null => v === null || num(v);

function parseDevices(value: unknown, fail: (why: string) => never): BackupDevice[] {
  if (!Array.isArray(value)) return fail('devices is not a list');
  return value.map((d, i): BackupDevice => {
    if (!isObj(d) || !isValidId(d.memberId) || !isValidId(d.deviceId) || typeof d.name !== 'string' || !isHash(d.tokenHash) || !num(d.createdAt)) {
      return fail(`device ${i + 1} is malformed`);
    }
    if (!numOrNull(d.lastSeenAt) || !numOrNull(d.revokedAt)) return fail(`device ${i + 1} is malformed`);
    return { memberId: d.memberId, deviceId: d.deviceId, name: d.name, tokenHash: d.tokenHash, createdAt: d.createdAt, lastSeenAt: d.lastSeenAt, revokedAt: d.revokedAt };
  });
}

function parseMemberKeys(value: unknown, fail: (why: string) => never): BackupMemberKey[] {
  if (!Array.isArray(value)) return fail('memberKeys is not a list');
  return value.map((k, i): BackupMemberKey => {
    if (!isObj(k) || !isValidId(k.memberId) || typeof k.publicKey !== 'string' || !num(k.addedAt)) return fail(`member key ${i + 1} is malformed`);
    return { memberId: k.memberId, publicKey: k.publicKey, addedAt: k.addedAt };
  });
}

/**
 * Workspace backup and restore through the store interfaces (the file format is
 * src/lib/shared/backup/format.ts), so they work on SQLite and on PostgreSQL alike
 * (server/stores.ts opens the stores the configuration names). Used by `npm run backup` /
 * `npm run restore`.
 */
import * as Y from 'yjs';
import { BACKUP_FORMAT, BACKUP_VERSION, decodeBytes, encodeBytes, type BackupDevice, type BackupFile, type BackupMember } from '#shared/backup/format';
import { hashSecret, newId, newSecret } from '../auth/secrets.ts';
import { FIRST_DEVICE_ID, type MemberRecord } from '../auth/types.ts';
import type { Stores } from '../stores.ts';
import { docKey } from '../store/types.ts';
import { readNotificationSettings, writeNotificationSettings } from './notification-settings.ts';

/** A refusal of the backup tools, in plain words (the CLI prints it and exits 1). */
export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

/** The stores a backup reads and a restore writes (without `notifications`, no notification settings). */
export type BackupStores = Pick<Stores, 'documents' | 'memberships' | 'versions'> & Partial<Pick<Stores, 'notifications'>>;

/**
 * Read one workspace into a backup. Safe while servers run: every update a relay has
 * relayed is already stored (persist before relay), and each document is read whole in one
 * read (one statement or transaction). The file is not one moment of the whole database: a
 * member joining while it is written may or may not be in it.
 */
export async function createServerBackup(stores: BackupStores, workspaceId: string, now = Date.now()): Promise<BackupFile> {
  const ws = await stores.memberships.getWorkspace(workspaceId);
  if (!ws) throw new BackupError(`There is no workspace "${workspaceId}" in this database.`);
  const members = (await stores.memberships.listMembers(workspaceId)).map(
    (m): BackupMember => ({ id: m.id, name: m.name, role: m.role, coordinator: m.coordinator, publicKey: m.publicKey, joinedAt: m.joinedAt, revokedAt: m.revokedAt, tokenHash: m.tokenHash })
  );
  const memberKeys = await stores.memberships.listMemberKeys(workspaceId);
  const devices: BackupDevice[] = [];
  for (const m of members) {
    for (const d of await stores.memberships.listDevices(workspaceId, m.id)) {
      devices.push({ memberId: d.memberId, deviceId: d.id, name: d.name, tokenHash: d.tokenHash, createdAt: d.createdAt, lastSeenAt: d.lastSeenAt, revokedAt: d.revokedAt });
    }
  }
  const documents: BackupFile['documents'] = [];
  for (const docId of await stores.documents.listDocuments(workspaceId)) {
    const stored = await stores.documents.load(docKey(workspaceId, docId));
    const parts = [...(stored.snapshot ? [stored.snapshot] : []), ...stored.updates];
    if (parts.length > 0) documents.push({ docId, state: encodeBytes(parts.length === 1 ? parts[0] : Y.mergeUpdates(parts)) });
  }
  const versions = (await stores.versions.listWorkspace(workspaceId)).map((v) => ({
    id: v.id,
    docId: v.docId,
    createdAt: v.createdAt,
    reason: v.reason,
    name: v.name,
    actor: v.actor,
    state: encodeBytes(v.state)
  }));
  const notifications = stores.notifications ? await readNotificationSettings(stores.notifications, workspaceId, members.map((m) => m.id)) : undefined;
  return {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    source: 'server',
    createdAt: now,
    workspace: { id: ws.id, name: ws.name, createdAt: ws.createdAt, editorInviteHash: ws.editorInviteHash, viewerInviteHash: ws.viewerInviteHash },
    members,
    memberKeys,
    devices,
    ...(notifications ? { notifications } : {}),
    documents,
    versions
  };
}

/** Options of {@link restoreBackup}. */
export interface RestoreOptions {
  /** Replace a workspace that already exists in the target (its documents, members, versions). */
  force?: boolean;
  /** Accept a device backup (no token hashes): new invites and a new admin are created. */
  fromDevice?: boolean;
  /** Device backups: the name of the admin created to take the workspace over. */
  adminName?: string;
}

/** What a restore did; for device backups, the new secrets (shown once). */
export interface RestoreResult {
  workspaceId: string;
  documents: number;
  members: number;
  versions: number;
  /** Device backups only. */
  admin?: { memberId: string; token: string };
  invites?: { editor: string; viewer: string };
}

/** Every document decoded and checked to load, before anything is written. */
function checkedDocuments(file: BackupFile): { docId: string; bytes: Uint8Array }[] {
  return file.documents.map((d) => {
    const bytes = decodeBytes(d.state, `document ${d.docId}`);
    const probe = new Y.Doc();
    try {
      Y.applyUpdate(probe, bytes);
    } catch {
      throw new BackupError(`Document ${d.docId} in the backup is damaged; nothing was restored.`);
    } finally {
      probe.destroy();
    }
    return { docId: d.docId, bytes };
  });
}

/** The members to write and, for a device backup, the new admin's and invites' secrets. */
function membersToWrite(file: BackupFile, options: RestoreOptions, result: RestoreResult): MemberRecord[] {
  const workspaceId = file.workspace.id;
  if (file.source === 'server') {
    if (file.members.length === 0) throw new BackupError('This backup has no members; nothing was restored.');
    return file.members.map((m) => ({ ...m, workspaceId, tokenHash: m.tokenHash! }));
  }
  // Nobody's token is known: one new admin takes over, everyone else rejoins by invite.
  const token = newSecret();
  const memberId = newId(12);
  result.admin = { memberId, token };
  const name = options.adminName?.trim() || 'Admin';
  return [{ id: memberId, workspaceId, name, role: 'admin', coordinator: false, tokenHash: hashSecret(token), publicKey: null, joinedAt: Date.now(), revokedAt: null }];
}

/**
 * Write a backup into the stores. Stop every server using them first (a running relay keeps
 * documents in memory and would merge its copy back into the restored one). Everything is
 * checked before anything is written; a restore that fails while writing (a lost database
 * connection) leaves part of the workspace: run it again with --force.
 */
export async function restoreBackup(stores: BackupStores, file: BackupFile, options: RestoreOptions = {}): Promise<RestoreResult> {
  if (file.source === 'device' && !options.fromDevice) {
    throw new BackupError('This is a backup from a device: it holds no member tokens. Restore it with --from-device (members will rejoin with new invite links).');
  }
  const workspaceId = file.workspace.id;
  const result: RestoreResult = { workspaceId, documents: file.documents.length, members: 0, versions: file.versions.length };
  const documents = checkedDocuments(file);
  const versions = file.versions.map((v) => {
    const state = decodeBytes(v.state, `version ${v.id}`);
    return { ...v, workspaceId, state, size: state.byteLength };
  });
  const members = membersToWrite(file, options, result);
  if (await stores.memberships.getWorkspace(workspaceId)) {
    if (!options.force) throw new BackupError(`Workspace "${workspaceId}" already exists here. Add --force to replace it with the backup.`);
  }
  const previous = (await stores.memberships.listMembers(workspaceId)).map((m) => m.id);
  for (const docId of await stores.documents.listDocuments(workspaceId)) await stores.documents.delete(docKey(workspaceId, docId));
  await stores.versions.deleteWorkspace(workspaceId);
  await stores.memberships.deleteWorkspace(workspaceId);

  let { editorInviteHash, viewerInviteHash } = file.workspace;
  if (file.source === 'device') {
    const [editor, viewer] = [newSecret(), newSecret()];
    [editorInviteHash, viewerInviteHash] = [hashSecret(editor), hashSecret(viewer)];
    result.invites = { editor, viewer };
  }
  const record = { id: workspaceId, name: file.workspace.name, editorInviteHash: editorInviteHash!, viewerInviteHash: viewerInviteHash!, createdAt: file.workspace.createdAt || Date.now() };
  await stores.memberships.createWorkspace(record, members[0]);
  for (const m of members.slice(1)) await stores.memberships.addMember(m);
  result.members = members.length;
  // Files from before the key history was backed up: each member's current key starts it.
  const keys = file.memberKeys ?? members.flatMap((m) => (m.publicKey ? [{ memberId: m.id, publicKey: m.publicKey, addedAt: m.joinedAt }] : []));
  for (const k of keys) await stores.memberships.addMemberKey(workspaceId, k.memberId, k.publicKey, k.addedAt);
  if (file.source === 'server') await restoreDevices(stores, workspaceId, file.devices ?? []);
  if (stores.notifications) await writeNotificationSettings(stores.notifications, workspaceId, previous, file.source === 'server' ? file.notifications : undefined, Date.now());
  for (const d of documents) await stores.documents.append(docKey(workspaceId, d.docId), d.bytes);
  for (const v of versions) await stores.versions.add(v);
  return result;
}

/**
 * Each member's devices as they were (issue 18): the first device (made with the member) gets
 * its name and state back, linked devices are added, so every device keeps its token.
 */
async function restoreDevices(stores: BackupStores, workspaceId: string, devices: BackupDevice[]): Promise<void> {
  for (const d of devices) {
    if (d.deviceId === FIRST_DEVICE_ID) {
      await stores.memberships.renameDevice(workspaceId, d.memberId, d.deviceId, d.name);
      if (d.revokedAt !== null) await stores.memberships.revokeDevice(workspaceId, d.memberId, d.deviceId, d.revokedAt);
    } else {
      await stores.memberships.addDevice({ workspaceId, memberId: d.memberId, id: d.deviceId, name: d.name, tokenHash: d.tokenHash, createdAt: d.createdAt, lastSeenAt: d.lastSeenAt, revokedAt: d.revokedAt });
    }
  }
}

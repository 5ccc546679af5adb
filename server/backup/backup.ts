/**
 * Workspace backup and restore on the server's SQLite database (the file format is
 * src/lib/shared/backup/format.ts). Used by `npm run backup` / `npm run restore`.
 */
import * as Y from 'yjs';
import {
  BACKUP_FORMAT,
  BACKUP_VERSION,
  decodeBytes,
  encodeBytes,
  type BackupFile,
  type BackupMember
} from '#shared/backup/format';
import { hashSecret, newId, newSecret } from '../auth/secrets.ts';
import { migrateMembershipTables } from '../auth/sqlite.ts';
import type { SqliteDatabase } from '../database.ts';
import { migrateVersionTables } from '../history/store-sqlite.ts';
import { migrateDocumentTables } from '../store/sqlite.ts';

/** A refusal of the backup tools, in plain words (the CLI prints it and exits 1). */
export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

function migrate(db: SqliteDatabase): void {
  migrateMembershipTables(db);
  migrateDocumentTables(db);
  migrateVersionTables(db);
}

// Keys are `<workspaceId>/<docId>`; ids never contain '%', '_' is escaped for LIKE.
const keyPattern = (workspaceId: string) => `${workspaceId.replace(/[\\%_]/g, (c) => `\\${c}`)}/%`;

/**
 * Read one workspace into a backup, inside ONE read transaction: with WAL, a running
 * server keeps writing meanwhile and the backup is a consistent moment of the database.
 * Every update the relay has relayed is already in the database (persist before relay).
 */
export function createServerBackup(db: SqliteDatabase, workspaceId: string, now = Date.now()): BackupFile {
  migrate(db);
  const read = db.transaction((): BackupFile => {
    const ws = db.prepare('SELECT * FROM workspaces WHERE id = ?').get(workspaceId) as
      | { id: string; name: string; editor_invite_hash: string; viewer_invite_hash: string; created_at: number }
      | undefined;
    if (!ws) throw new BackupError(`There is no workspace "${workspaceId}" in this data directory.`);
    const members = (db.prepare('SELECT * FROM members WHERE workspace_id = ? ORDER BY joined_at, rowid').all(workspaceId) as Array<Record<string, unknown>>).map(
      (m): BackupMember => ({
        id: String(m.id),
        name: String(m.name),
        role: m.role as BackupMember['role'],
        coordinator: m.coordinator === 1,
        publicKey: (m.public_key as string | null) ?? null,
        joinedAt: Number(m.joined_at),
        revokedAt: (m.revoked_at as number | null) ?? null,
        tokenHash: String(m.token_hash)
      })
    );
    const pattern = keyPattern(workspaceId);
    const parts = new Map<string, Uint8Array[]>();
    const add = (key: string, bytes: Uint8Array) => {
      const docId = key.slice(workspaceId.length + 1);
      let list = parts.get(docId);
      if (!list) parts.set(docId, (list = []));
      list.push(bytes);
    };
    for (const row of db.prepare("SELECT doc_key, snapshot FROM doc_snapshots WHERE doc_key LIKE ? ESCAPE '\\'").all(pattern) as Array<{ doc_key: string; snapshot: Uint8Array }>) {
      add(row.doc_key, row.snapshot);
    }
    for (const row of db.prepare("SELECT doc_key, data FROM doc_updates WHERE doc_key LIKE ? ESCAPE '\\' ORDER BY seq").all(pattern) as Array<{ doc_key: string; data: Uint8Array }>) {
      add(row.doc_key, row.data);
    }
    const documents = [...parts.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([docId, updates]) => ({ docId, state: encodeBytes(updates.length === 1 ? updates[0] : Y.mergeUpdates(updates)) }));
    const versions = (db.prepare('SELECT * FROM doc_versions WHERE workspace_id = ? ORDER BY created_at, id').all(workspaceId) as Array<Record<string, unknown>>).map((v) => ({
      id: String(v.id),
      docId: String(v.doc_id),
      createdAt: Number(v.created_at),
      reason: v.reason as BackupFile['versions'][number]['reason'],
      name: (v.name as string | null) ?? null,
      actor: (v.actor as string | null) ?? null,
      state: encodeBytes(v.state as Uint8Array)
    }));
    return {
      format: BACKUP_FORMAT,
      version: BACKUP_VERSION,
      source: 'server',
      createdAt: now,
      workspace: { id: ws.id, name: ws.name, createdAt: ws.created_at, editorInviteHash: ws.editor_invite_hash, viewerInviteHash: ws.viewer_invite_hash },
      members,
      documents,
      versions
    };
  });
  // A deferred transaction takes its read snapshot at the first SELECT and keeps it to the end.
  return read();
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

/**
 * Write a backup into a database, in one transaction. Stop the server of that data
 * directory first (a running server keeps documents in memory and would write its copy
 * back over the restored one).
 */
export function restoreBackup(db: SqliteDatabase, file: BackupFile, options: RestoreOptions = {}): RestoreResult {
  migrate(db);
  if (file.source === 'device' && !options.fromDevice) {
    throw new BackupError('This is a backup from a device: it holds no member tokens. Restore it with --from-device (members will rejoin with new invite links).');
  }
  const workspaceId = file.workspace.id;
  const result: RestoreResult = { workspaceId, documents: file.documents.length, members: 0, versions: file.versions.length };
  // Decode and check every document before touching the database.
  const documents = file.documents.map((d) => {
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
  const write = db.transaction(() => {
    const exists = db.prepare('SELECT 1 FROM workspaces WHERE id = ?').get(workspaceId) !== undefined;
    if (exists && !options.force) throw new BackupError(`Workspace "${workspaceId}" already exists here. Add --force to replace it with the backup.`);
    const pattern = keyPattern(workspaceId);
    db.prepare('DELETE FROM members WHERE workspace_id = ?').run(workspaceId);
    db.prepare('DELETE FROM workspaces WHERE id = ?').run(workspaceId);
    db.prepare("DELETE FROM doc_snapshots WHERE doc_key LIKE ? ESCAPE '\\'").run(pattern);
    db.prepare("DELETE FROM doc_updates WHERE doc_key LIKE ? ESCAPE '\\'").run(pattern);
    db.prepare('DELETE FROM doc_versions WHERE workspace_id = ?').run(workspaceId);

    let editorHash = file.workspace.editorInviteHash;
    let viewerHash = file.workspace.viewerInviteHash;
    if (file.source === 'device') {
      const editor = newSecret();
      const viewer = newSecret();
      editorHash = hashSecret(editor);
      viewerHash = hashSecret(viewer);
      result.invites = { editor, viewer };
    }
    db.prepare('INSERT INTO workspaces (id, name, editor_invite_hash, viewer_invite_hash, created_at) VALUES (?, ?, ?, ?, ?)').run(
      workspaceId,
      file.workspace.name,
      editorHash,
      viewerHash,
      file.workspace.createdAt || Date.now()
    );
    const insertMember = db.prepare(
      'INSERT INTO members (id, workspace_id, name, role, coordinator, token_hash, public_key, joined_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'
    );
    if (file.source === 'server') {
      for (const m of file.members) {
        insertMember.run(m.id, workspaceId, m.name, m.role, m.coordinator ? 1 : 0, m.tokenHash, m.publicKey, m.joinedAt, m.revokedAt);
        result.members++;
      }
    } else {
      // Nobody's token is known: one new admin takes over, everyone else rejoins by invite.
      const token = newSecret();
      const memberId = newId(12);
      insertMember.run(memberId, workspaceId, options.adminName?.trim() || 'Admin', 'admin', 0, hashSecret(token), null, Date.now(), null);
      result.members = 1;
      result.admin = { memberId, token };
    }
    const putSnapshot = db.prepare('INSERT INTO doc_snapshots (doc_key, snapshot, updated_at) VALUES (?, ?, ?)');
    for (const d of documents) putSnapshot.run(`${workspaceId}/${d.docId}`, d.bytes, Date.now());
    const putVersion = db.prepare('INSERT INTO doc_versions (id, workspace_id, doc_id, created_at, reason, name, actor, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    for (const v of file.versions) putVersion.run(v.id, workspaceId, v.docId, v.createdAt, v.reason, v.name, v.actor, decodeBytes(v.state, `version ${v.id}`));
  });
  write.immediate();
  return result;
}

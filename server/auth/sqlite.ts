import type { SqliteDatabase } from '../database.ts';
import { createSqliteDeviceStore } from './devices-sqlite.ts';
import { firstDevice } from './first-device.ts';
import { toMember, type MemberRow } from './sqlite-rows.ts';
import type { MemberKeyRecord, MemberPatch, MemberRecord, MembershipStore, WorkspaceRecord } from './types.ts';

interface WorkspaceRow {
  id: string;
  name: string;
  editor_invite_hash: string;
  viewer_invite_hash: string;
  created_at: number;
}

/** The membership store on the server's SQLite database (handle borrowed, not closed). */
export function createSqliteMembershipStore(db: SqliteDatabase): MembershipStore {
  const insertWorkspace = db.prepare(
    'INSERT INTO workspaces (id, name, editor_invite_hash, viewer_invite_hash, created_at) VALUES (@id, @name, @editorInviteHash, @viewerInviteHash, @createdAt)'
  );
  const insertMember = db.prepare(
    'INSERT INTO members (id, workspace_id, name, role, coordinator, token_hash, public_key, joined_at, revoked_at) VALUES (@id, @workspaceId, @name, @role, @coordinator, @tokenHash, @publicKey, @joinedAt, @revokedAt)'
  );
  const selectWorkspace = db.prepare<[string], WorkspaceRow>('SELECT * FROM workspaces WHERE id = ?');
  const updateInvites = db.prepare('UPDATE workspaces SET editor_invite_hash = ?, viewer_invite_hash = ? WHERE id = ?');
  const selectMember = db.prepare<[string, string], MemberRow>('SELECT * FROM members WHERE workspace_id = ? AND id = ?');
  const selectByToken = db.prepare<[string], MemberRow>('SELECT * FROM members WHERE token_hash = ?');
  const selectMembers = db.prepare<[string], MemberRow>('SELECT * FROM members WHERE workspace_id = ? ORDER BY joined_at, rowid');
  const revoke = db.prepare('UPDATE members SET revoked_at = ? WHERE workspace_id = ? AND id = ? AND revoked_at IS NULL');
  const patchMember = db.prepare(
    'UPDATE members SET name = @name, role = @role, coordinator = @coordinator, public_key = @publicKey WHERE workspace_id = @workspaceId AND id = @id'
  );

  const renameWs = db.prepare('UPDATE workspaces SET name = ? WHERE id = ?');
  const insertKey = db.prepare('INSERT OR IGNORE INTO member_keys (workspace_id, member_id, public_key, added_at) VALUES (?, ?, ?, ?)');
  const selectKeys = db.prepare<[string], { member_id: string; public_key: string; added_at: number }>(
    'SELECT member_id, public_key, added_at FROM member_keys WHERE workspace_id = ? ORDER BY added_at, rowid'
  );
  const insertSecret = db.prepare('INSERT OR IGNORE INTO server_secrets (name, value) VALUES (?, ?)');
  const selectSecret = db.prepare<[string], { value: string }>('SELECT value FROM server_secrets WHERE name = ?');
  // Members and their keys go with it (foreign keys, ON DELETE CASCADE).
  const removeWorkspace = db.prepare('DELETE FROM workspaces WHERE id = ?');

  const memberParams = (m: MemberRecord) => ({ ...m, coordinator: m.coordinator ? 1 : 0 });
  const { devices, insertDevice } = createSqliteDeviceStore(db);
  const add = db.transaction((m: MemberRecord) => {
    insertMember.run(memberParams(m));
    insertDevice(firstDevice(m));
  });
  const create = db.transaction((w: WorkspaceRecord, m: MemberRecord) => {
    insertWorkspace.run(w);
    add(m);
  });

  return {
    ...devices,
    async createWorkspace(workspace, firstMember) {
      create(workspace, firstMember);
    },
    async getWorkspace(id) {
      const row = selectWorkspace.get(id);
      return row
        ? { id: row.id, name: row.name, editorInviteHash: row.editor_invite_hash, viewerInviteHash: row.viewer_invite_hash, createdAt: row.created_at }
        : null;
    },
    async setInviteHashes(workspaceId, editorHash, viewerHash) {
      updateInvites.run(editorHash, viewerHash, workspaceId);
    },
    async addMember(member) {
      add(member);
    },
    async getMember(workspaceId, memberId) {
      const row = selectMember.get(workspaceId, memberId);
      return row ? toMember(row) : null;
    },
    async findMemberByTokenHash(tokenHash) {
      const row = selectByToken.get(tokenHash);
      return row ? toMember(row) : null;
    },
    async listMembers(workspaceId) {
      return selectMembers.all(workspaceId).map(toMember);
    },
    async updateMember(workspaceId, memberId, patch: MemberPatch) {
      const row = selectMember.get(workspaceId, memberId);
      if (!row) return null;
      const next: MemberRecord = { ...toMember(row), ...patch };
      patchMember.run(memberParams(next));
      return next;
    },
    async revokeMember(workspaceId, memberId, at) {
      return revoke.run(at, workspaceId, memberId).changes === 1;
    },
    async renameWorkspace(workspaceId, name) {
      renameWs.run(name, workspaceId);
    },
    async addMemberKey(workspaceId, memberId, publicKey, at) {
      insertKey.run(workspaceId, memberId, publicKey, at);
    },
    async listMemberKeys(workspaceId): Promise<MemberKeyRecord[]> {
      return selectKeys.all(workspaceId).map((r) => ({ memberId: r.member_id, publicKey: r.public_key, addedAt: r.added_at }));
    },
    async serverSecret(name, create) {
      insertSecret.run(name, create());
      return selectSecret.get(name)!.value;
    },
    async deleteWorkspace(workspaceId) {
      removeWorkspace.run(workspaceId);
    }
  };
}

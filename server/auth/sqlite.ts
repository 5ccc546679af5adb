import type { SqliteDatabase } from '../database.ts';
import { isRole } from '#shared/protocol';
import type { MemberPatch, MemberRecord, MembershipStore, WorkspaceRecord } from './types.ts';

/** Create the membership tables if they do not exist (idempotent). */
export function migrateMembershipTables(db: SqliteDatabase): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS workspaces (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      editor_invite_hash TEXT NOT NULL,
      viewer_invite_hash TEXT NOT NULL,
      created_at INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS members (
      id TEXT NOT NULL,
      workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      name TEXT NOT NULL,
      role TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'viewer')),
      coordinator INTEGER NOT NULL DEFAULT 0,
      token_hash TEXT NOT NULL UNIQUE,
      public_key TEXT,
      joined_at INTEGER NOT NULL,
      revoked_at INTEGER,
      PRIMARY KEY (workspace_id, id)
    );
  `);
}

interface MemberRow {
  id: string;
  workspace_id: string;
  name: string;
  role: string;
  coordinator: number;
  token_hash: string;
  public_key: string | null;
  joined_at: number;
  revoked_at: number | null;
}
interface WorkspaceRow {
  id: string;
  name: string;
  editor_invite_hash: string;
  viewer_invite_hash: string;
  created_at: number;
}

function toMember(row: MemberRow): MemberRecord {
  if (!isRole(row.role)) throw new Error(`member ${row.id} has an unknown role`);
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    name: row.name,
    role: row.role,
    coordinator: row.coordinator === 1,
    tokenHash: row.token_hash,
    publicKey: row.public_key,
    joinedAt: row.joined_at,
    revokedAt: row.revoked_at
  };
}

/** The membership store on the server's SQLite database (handle borrowed, not closed). */
export function createSqliteMembershipStore(db: SqliteDatabase): MembershipStore {
  migrateMembershipTables(db);
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

  const memberParams = (m: MemberRecord) => ({ ...m, coordinator: m.coordinator ? 1 : 0 });
  const create = db.transaction((w: WorkspaceRecord, m: MemberRecord) => {
    insertWorkspace.run(w);
    insertMember.run(memberParams(m));
  });

  return {
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
      insertMember.run(memberParams(member));
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
    }
  };
}

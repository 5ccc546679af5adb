/**
 * The membership store on PostgreSQL (STORE=postgres): the same rows as the SQLite one,
 * shared by every relay instance. Tables come from server/store/pg-migrations.ts.
 */
import type pg from 'pg';
import { createPostgresDeviceStore, deviceValues, INSERT_DEVICE } from './devices-postgres.ts';
import { firstDevice } from './first-device.ts';
import { MEMBER_COLUMNS, toMember, type MemberRow } from './postgres-rows.ts';
import type { MemberKeyRecord, MemberPatch, MemberRecord, MembershipStore, WorkspaceRecord } from './types.ts';

interface WorkspaceRow {
  id: string;
  name: string;
  editor_invite_hash: string;
  viewer_invite_hash: string;
  created_at: string;
}

function memberValues(m: MemberRecord): unknown[] {
  return [m.id, m.workspaceId, m.name, m.role, m.coordinator, m.tokenHash, m.publicKey, m.joinedAt, m.revokedAt];
}

const INSERT_MEMBER = `INSERT INTO members (${MEMBER_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`;

/** The membership store over `pool` (schema migrated; the pool is borrowed, not ended). */
export function createPostgresMembershipStore(pool: pg.Pool): MembershipStore {
  const one = async (sql: string, params: unknown[]): Promise<MemberRecord | null> => {
    const res = await pool.query<MemberRow>(sql, params);
    return res.rows[0] ? toMember(res.rows[0]) : null;
  };

  /** Run `fn` in one transaction on one connection. */
  const transaction = async (fn: (client: pg.PoolClient) => Promise<void>) => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await fn(client);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  };
  /** A member and their first device. */
  const insertMember = async (client: pg.PoolClient, m: MemberRecord) => {
    await client.query(INSERT_MEMBER, memberValues(m));
    await client.query(INSERT_DEVICE, deviceValues(firstDevice(m)));
  };

  return {
    ...createPostgresDeviceStore(pool),
    async createWorkspace(w: WorkspaceRecord, first: MemberRecord) {
      await transaction(async (client) => {
        await client.query('INSERT INTO workspaces (id, name, editor_invite_hash, viewer_invite_hash, created_at) VALUES ($1, $2, $3, $4, $5)', [
          w.id,
          w.name,
          w.editorInviteHash,
          w.viewerInviteHash,
          w.createdAt
        ]);
        await insertMember(client, first);
      });
    },
    async getWorkspace(id) {
      const res = await pool.query<WorkspaceRow>('SELECT id, name, editor_invite_hash, viewer_invite_hash, created_at FROM workspaces WHERE id = $1', [id]);
      const row = res.rows[0];
      return row
        ? { id: row.id, name: row.name, editorInviteHash: row.editor_invite_hash, viewerInviteHash: row.viewer_invite_hash, createdAt: Number(row.created_at) }
        : null;
    },
    async setInviteHashes(workspaceId, editorHash, viewerHash) {
      await pool.query('UPDATE workspaces SET editor_invite_hash = $1, viewer_invite_hash = $2 WHERE id = $3', [editorHash, viewerHash, workspaceId]);
    },
    async addMember(member) {
      await transaction((client) => insertMember(client, member));
    },
    getMember: (workspaceId, memberId) => one(`SELECT ${MEMBER_COLUMNS} FROM members WHERE workspace_id = $1 AND id = $2`, [workspaceId, memberId]),
    findMemberByTokenHash: (tokenHash) => one(`SELECT ${MEMBER_COLUMNS} FROM members WHERE token_hash = $1`, [tokenHash]),
    async listMembers(workspaceId) {
      const res = await pool.query<MemberRow>(`SELECT ${MEMBER_COLUMNS} FROM members WHERE workspace_id = $1 ORDER BY joined_at, position`, [workspaceId]);
      return res.rows.map(toMember);
    },
    async updateMember(workspaceId, memberId, patch: MemberPatch) {
      // One statement: COALESCE keeps fields the patch leaves out, so two instances patching
      // different fields of one member at once do not undo each other.
      const has = (k: keyof MemberPatch) => Object.prototype.hasOwnProperty.call(patch, k) && patch[k] !== undefined;
      return one(
        `UPDATE members SET
           name = CASE WHEN $3 THEN $4 ELSE name END,
           role = CASE WHEN $5 THEN $6 ELSE role END,
           coordinator = CASE WHEN $7 THEN $8::boolean ELSE coordinator END,
           public_key = CASE WHEN $9 THEN $10 ELSE public_key END
         WHERE workspace_id = $1 AND id = $2
         RETURNING ${MEMBER_COLUMNS}`,
        [workspaceId, memberId, has('name'), patch.name ?? null, has('role'), patch.role ?? null, has('coordinator'), patch.coordinator ?? null, has('publicKey'), patch.publicKey ?? null]
      );
    },
    async revokeMember(workspaceId, memberId, at) {
      const res = await pool.query('UPDATE members SET revoked_at = $1 WHERE workspace_id = $2 AND id = $3 AND revoked_at IS NULL', [at, workspaceId, memberId]);
      return res.rowCount === 1;
    },
    async renameWorkspace(workspaceId, name) {
      await pool.query('UPDATE workspaces SET name = $1 WHERE id = $2', [name, workspaceId]);
    },
    async addMemberKey(workspaceId, memberId, publicKey, at) {
      await pool.query('INSERT INTO member_keys (workspace_id, member_id, public_key, added_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [workspaceId, memberId, publicKey, at]);
    },
    async listMemberKeys(workspaceId): Promise<MemberKeyRecord[]> {
      const res = await pool.query<{ member_id: string; public_key: string; added_at: string }>(
        'SELECT member_id, public_key, added_at FROM member_keys WHERE workspace_id = $1 ORDER BY added_at, position',
        [workspaceId]
      );
      return res.rows.map((r) => ({ memberId: r.member_id, publicKey: r.public_key, addedAt: Number(r.added_at) }));
    },
    async serverSecret(name, create) {
      await pool.query('INSERT INTO server_secrets (name, value) VALUES ($1, $2) ON CONFLICT DO NOTHING', [name, create()]);
      const res = await pool.query<{ value: string }>('SELECT value FROM server_secrets WHERE name = $1', [name]);
      return res.rows[0].value;
    },
    async deleteWorkspace(workspaceId) {
      // Members and their keys go with it (foreign keys, ON DELETE CASCADE).
      await pool.query('DELETE FROM workspaces WHERE id = $1', [workspaceId]);
    }
  };
}

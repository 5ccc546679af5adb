/**
 * The version store on PostgreSQL (STORE=postgres): every instance lists the same versions.
 * The table comes from server/store/pg-migrations.ts (migration 4).
 */
import type pg from 'pg';
import { isVersionReason, type VersionInfo, type VersionReason } from '#shared/history/versions';
import { MAX_AUTO_VERSIONS, MAX_VERSIONS_PER_AUTHOR, type StoredVersion, type VersionStore } from './store.ts';

interface Row {
  id: string;
  workspace_id: string;
  doc_id: string;
  created_at: string;
  reason: string;
  name: string | null;
  actor: string | null;
  size: number;
}

// BIGINT arrives as a string (node-postgres keeps 64-bit integers exact); times fit a double.
const toInfo = (row: Row): VersionInfo => ({
  id: row.id,
  docId: row.doc_id,
  createdAt: Number(row.created_at),
  reason: (isVersionReason(row.reason) ? row.reason : 'auto') as VersionReason,
  name: row.name,
  actor: row.actor,
  size: Number(row.size)
});
const withState = (row: Row & { state: Buffer }): StoredVersion => ({ ...toInfo(row), workspaceId: row.workspace_id, state: new Uint8Array(row.state) });

const COLUMNS = 'id, workspace_id, doc_id, created_at, reason, name, actor, octet_length(state) AS size';

/** The version store over `pool` (schema migrated; the pool is borrowed, not ended). */
export function createPostgresVersionStore(pool: pg.Pool): VersionStore {
  return {
    async add(v) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query('INSERT INTO doc_versions (id, workspace_id, doc_id, created_at, reason, name, actor, state) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [
          v.id,
          v.workspaceId,
          v.docId,
          v.createdAt,
          v.reason,
          v.name,
          v.actor,
          Buffer.from(v.state.buffer, v.state.byteOffset, v.state.byteLength)
        ]);
        if (v.reason === 'auto') {
          await client.query(
            `DELETE FROM doc_versions WHERE id IN (SELECT id FROM doc_versions WHERE workspace_id = $1 AND doc_id = $2 AND reason = 'auto' ORDER BY created_at DESC, id OFFSET $3)`,
            [v.workspaceId, v.docId, MAX_AUTO_VERSIONS]
          );
        } else {
          await client.query(
            `DELETE FROM doc_versions WHERE id IN (SELECT id FROM doc_versions WHERE workspace_id = $1 AND doc_id = $2 AND reason <> 'auto' AND actor IS NOT DISTINCT FROM $3 ORDER BY created_at DESC, id OFFSET $4)`,
            [v.workspaceId, v.docId, v.actor, MAX_VERSIONS_PER_AUTHOR]
          );
        }
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    async list(w, d) {
      const res = await pool.query<Row>(`SELECT ${COLUMNS} FROM doc_versions WHERE workspace_id = $1 AND doc_id = $2 ORDER BY created_at DESC, id`, [w, d]);
      return res.rows.map(toInfo);
    },
    async get(w, d, id) {
      const res = await pool.query<Row & { state: Buffer }>(`SELECT ${COLUMNS}, state FROM doc_versions WHERE workspace_id = $1 AND doc_id = $2 AND id = $3`, [w, d, id]);
      return res.rows[0] ? withState(res.rows[0]) : null;
    },
    async latestAt(w, d) {
      const res = await pool.query<{ at: string | null }>('SELECT max(created_at) AS at FROM doc_versions WHERE workspace_id = $1 AND doc_id = $2', [w, d]);
      const at = res.rows[0]?.at;
      return at === null || at === undefined ? null : Number(at);
    },
    async listWorkspace(w) {
      const res = await pool.query<Row & { state: Buffer }>(`SELECT ${COLUMNS}, state FROM doc_versions WHERE workspace_id = $1 ORDER BY created_at, id`, [w]);
      return res.rows.map(withState);
    },
    async deleteWorkspace(w) {
      await pool.query('DELETE FROM doc_versions WHERE workspace_id = $1', [w]);
    }
  };
}

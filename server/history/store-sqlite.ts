/** The version store in the server's SQLite database (handle borrowed, not closed). */
import type { SqliteDatabase } from '../database.ts';
import { isVersionReason, type VersionInfo, type VersionReason } from '#shared/history/versions';
import { MAX_AUTO_VERSIONS, MAX_VERSIONS_PER_AUTHOR, type StoredVersion, type VersionStore } from './store.ts';

interface Row {
  id: string;
  workspace_id: string;
  doc_id: string;
  created_at: number;
  reason: string;
  name: string | null;
  actor: string | null;
  size: number;
}

const toInfo = (row: Row): VersionInfo => ({
  id: row.id,
  docId: row.doc_id,
  createdAt: row.created_at,
  reason: (isVersionReason(row.reason) ? row.reason : 'auto') as VersionReason,
  name: row.name,
  actor: row.actor,
  size: row.size
});

const COLUMNS = 'id, workspace_id, doc_id, created_at, reason, name, actor, length(state) AS size';

/** The SQLite version store. */
export function createSqliteVersionStore(db: SqliteDatabase): VersionStore {
  const insert = db.prepare(
    'INSERT INTO doc_versions (id, workspace_id, doc_id, created_at, reason, name, actor, state) VALUES (@id, @workspaceId, @docId, @createdAt, @reason, @name, @actor, @state)'
  );
  const select = db.prepare<[string, string], Row>(`SELECT ${COLUMNS} FROM doc_versions WHERE workspace_id = ? AND doc_id = ? ORDER BY created_at DESC, id`);
  const selectOne = db.prepare<[string, string, string], Row & { state: Uint8Array }>(`SELECT ${COLUMNS}, state FROM doc_versions WHERE workspace_id = ? AND doc_id = ? AND id = ?`);
  const selectWorkspace = db.prepare<[string], Row & { state: Uint8Array }>(`SELECT ${COLUMNS}, state FROM doc_versions WHERE workspace_id = ? ORDER BY created_at, id`);
  const latest = db.prepare<[string, string], { at: number | null }>('SELECT max(created_at) AS at FROM doc_versions WHERE workspace_id = ? AND doc_id = ?');
  const prune = db.prepare(
    `DELETE FROM doc_versions WHERE id IN (SELECT id FROM doc_versions WHERE workspace_id = ? AND doc_id = ? AND reason = 'auto' ORDER BY created_at DESC, id LIMIT -1 OFFSET ?)`
  );
  const pruneByAuthor = db.prepare(
    `DELETE FROM doc_versions WHERE id IN (SELECT id FROM doc_versions WHERE workspace_id = ? AND doc_id = ? AND reason != 'auto' AND actor IS ? ORDER BY created_at DESC, id LIMIT -1 OFFSET ?)`
  );
  const removeWorkspace = db.prepare('DELETE FROM doc_versions WHERE workspace_id = ?');
  const addTx = db.transaction((v: StoredVersion) => {
    insert.run({ id: v.id, workspaceId: v.workspaceId, docId: v.docId, createdAt: v.createdAt, reason: v.reason, name: v.name, actor: v.actor, state: v.state });
    if (v.reason === 'auto') prune.run(v.workspaceId, v.docId, MAX_AUTO_VERSIONS);
    else pruneByAuthor.run(v.workspaceId, v.docId, v.actor, MAX_VERSIONS_PER_AUTHOR);
  });
  const withState = (row: Row & { state: Uint8Array }): StoredVersion => ({ ...toInfo(row), workspaceId: row.workspace_id, state: new Uint8Array(row.state) });
  return {
    add: async (v) => void addTx(v),
    list: async (w, d) => select.all(w, d).map(toInfo),
    async get(w, d, id) {
      const row = selectOne.get(w, d, id);
      return row ? withState(row) : null;
    },
    latestAt: async (w, d) => latest.get(w, d)?.at ?? null,
    listWorkspace: async (w) => selectWorkspace.all(w).map(withState),
    deleteWorkspace: async (w) => void removeWorkspace.run(w)
  };
}

/**
 * The SQLite side of the retention rule: which private documents are stored, and how to wipe
 * freed bytes after a purge. Kept apart from the store so the DocumentStore interface stays
 * the same for PostgreSQL (which would list keys with its own query and rely on VACUUM).
 */
import { PRIVATE_DOC_PREFIX } from '#shared/protocol';
import type { SqliteDatabase } from '../database.ts';
import type { DocRef } from './retention.ts';

/** `listPrivateDocs` and `scrub` hooks of the retention rule over Mutual's SQLite database. */
export function sqliteRetentionHooks(db: SqliteDatabase): { listPrivateDocs(): DocRef[]; scrub(): void } {
  // `_` is a LIKE wildcard, so the pattern over-matches; the exact check below filters.
  const pattern = `%/${PRIVATE_DOC_PREFIX}%`;
  const list = db.prepare('SELECT doc_key FROM doc_snapshots WHERE doc_key LIKE ? UNION SELECT doc_key FROM doc_updates WHERE doc_key LIKE ?').pluck();
  return {
    listPrivateDocs() {
      const refs: DocRef[] = [];
      for (const key of list.all(pattern, pattern) as string[]) {
        const slash = key.indexOf('/');
        const docId = key.slice(slash + 1);
        if (slash > 0 && docId.startsWith(PRIVATE_DOC_PREFIX)) refs.push({ workspaceId: key.slice(0, slash), docId });
      }
      return refs;
    },
    scrub() {
      // Deleted rows were zeroed in their pages (secure_delete, see database.ts), but the WAL
      // still holds older images of those pages: copy everything back and truncate it to 0 bytes.
      db.pragma('wal_checkpoint(TRUNCATE)');
    }
  };
}

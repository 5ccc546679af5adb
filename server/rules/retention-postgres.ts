/**
 * The PostgreSQL side of the retention rule (STORE=postgres): which private documents are
 * stored. There is no scrub step: PostgreSQL leaves deleted row versions in its pages until
 * VACUUM reuses them (autovacuum does, in its own time); docs/scaling.md says so.
 */
import type pg from 'pg';
import { PRIVATE_DOC_PREFIX } from '#shared/protocol';
import { listPostgresDocKeys } from '../store/postgres.ts';
import type { DocRef } from './retention.ts';

/** `listPrivateDocs` hook of the retention rule over the shared PostgreSQL database. */
export function postgresRetentionHooks(pool: pg.Pool): { listPrivateDocs(): Promise<DocRef[]> } {
  return {
    async listPrivateDocs() {
      const refs: DocRef[] = [];
      for (const key of await listPostgresDocKeys(pool, PRIVATE_DOC_PREFIX)) {
        const slash = key.indexOf('/');
        const docId = key.slice(slash + 1);
        if (slash > 0 && docId.startsWith(PRIVATE_DOC_PREFIX)) refs.push({ workspaceId: key.slice(0, slash), docId });
      }
      return refs;
    }
  };
}

/**
 * Retention of needs boards' contact details (issue 10).
 *
 * When an entry has been fulfilled or withdrawn for `needsRetentionDays` (workspace setting,
 * default 30), its contact details are deleted from the board's private document. Then the
 * document is compacted at once, so the log rows still holding the old bytes are dropped (the
 * relay's Y.Docs have gc on: the new snapshot holds none of the deleted content), and the
 * storage is scrubbed (SQLite: secure_delete zeroes freed pages; a TRUNCATE checkpoint empties
 * the WAL, which still holds old page images). Devices drop the details on their next sync and
 * compact their own copy (src/lib/local/purge-watch.ts).
 *
 * Runs when a private document loads (the relay's onDocumentLoaded hook) and periodically over
 * every stored private document. With several instances the periodic pass runs on the leader
 * only, and each document's purge on one instance at a time (docs/scaling.md). The clock is injectable for tests.
 */
import { INDEX_DOC_ID } from '#shared/protocol';
import { boardDocIdOf, contactsDueForPurge, getContacts, purgeContacts } from '#shared/model/contacts';
import { readNeeds } from '#shared/model/need';
import { readSettings } from '#shared/model/workspace';
import { errorMessage, type Logger } from '../log.ts';
import { runDirectly, type RunOnce } from '../coordination/document-jobs.ts';
import type { DocumentManager } from '../relay/documents.ts';

/** Default period between two passes over every private document. */
export const RETENTION_INTERVAL_MS = 60 * 60 * 1000;

/** A stored document, by workspace and id. */
export interface DocRef {
  workspaceId: string;
  docId: string;
}

/** Options of {@link createRetention}. */
export interface RetentionOptions {
  documents: Pick<DocumentManager, 'read' | 'change' | 'compactNow'>;
  logger: Logger;
  /** The clock (ms). Default Date.now. */
  now?: () => number;
  /** Time between passes over every private document; 0 disables the timer. Default 1 hour. */
  intervalMs?: number;
  /** Private documents in storage (ids starting with `private-`). Default: none known. */
  listPrivateDocs?: () => DocRef[] | Promise<DocRef[]>;
  /** Wipe freed bytes from storage after a compaction (SQLite: empty the WAL). */
  scrub?: () => void | Promise<void>;
  /** Runs a document's purge once across instances (server/coordination/document-jobs.ts). Default: directly. */
  runOnce?: RunOnce;
  /** Whether this instance runs the pass over every private document (the leader). Default: always. */
  isLeader?: () => boolean;
}

/** The retention rule of one server. */
export interface Retention {
  /** Purge what is due in one private document; resolves the entry ids whose details were deleted. */
  purge(workspaceId: string, privateDocId: string): Promise<string[]>;
  /** Purge every stored private document (on the leader; elsewhere nothing); resolves how many entries lost their details. */
  runAll(): Promise<number>;
  /** Stop the timer (pending purges finish). */
  stop(): void;
}

/** The member id recorded on server-side deletions (`updatedBy` is never written by a purge). */
export const RETENTION_ACTOR = 'mutual-retention';

/** Create the retention rule; its timer starts at once when `intervalMs` > 0. */
export function createRetention(options: RetentionOptions): Retention {
  const { documents, logger } = options;
  const now = options.now ?? Date.now;
  const running = new Map<string, Promise<string[]>>();
  let stopped = false;

  const purgeOnce = async (workspaceId: string, privateDocId: string): Promise<string[]> => {
    const boardId = boardDocIdOf(privateDocId);
    if (!boardId) return [];
    const contactIds = await documents.read(workspaceId, privateDocId, (d) => [...getContacts(d).keys()]);
    // Nothing recorded: no need to load the board and the index.
    if (contactIds.length === 0) return [];
    const days = await documents.read(workspaceId, INDEX_DOC_ID, (d) => readSettings(d).value.needsRetentionDays);
    const entries = await documents.read(workspaceId, boardId, (d) => readNeeds(d).value);
    const due = contactsDueForPurge(entries, contactIds, now(), days);
    if (due.length === 0) return [];
    let removed: string[] = [];
    await documents.change(workspaceId, privateDocId, (d) => {
      removed = purgeContacts(d, due, { memberId: RETENTION_ACTOR, at: now() });
    });
    // The deletion is durable; now drop the log rows that still hold the deleted bytes.
    await documents.compactNow(workspaceId, privateDocId);
    await options.scrub?.();
    // Entry ids only: never log contact details.
    logger.info('contacts-purged', { workspace: workspaceId, doc: privateDocId, entries: removed.length });
    return removed;
  };

  const purge = (workspaceId: string, privateDocId: string): Promise<string[]> => {
    const key = `${workspaceId}/${privateDocId}`;
    const current = running.get(key);
    // A load triggered by the purge itself (or a second socket) joins the purge in flight.
    if (current) return current;
    // Null: another instance is purging this document right now; its deletions reach us.
    const runOnce = options.runOnce ?? runDirectly;
    const p = runOnce('retention', workspaceId, privateDocId, () => purgeOnce(workspaceId, privateDocId))
      .then((removed) => removed ?? [])
      .finally(() => running.delete(key));
    running.set(key, p);
    return p;
  };

  const runAll = async (): Promise<number> => {
    // One instance passes over every stored private document: the leader (docs/scaling.md).
    if (options.isLeader && !options.isLeader()) return 0;
    const refs = (await options.listPrivateDocs?.()) ?? [];
    let total = 0;
    for (const ref of refs) {
      if (stopped) break;
      try {
        total += (await purge(ref.workspaceId, ref.docId)).length;
      } catch (err) {
        logger.warn('contacts-purge-failed', { workspace: ref.workspaceId, doc: ref.docId, error: errorMessage(err) });
      }
    }
    return total;
  };

  const intervalMs = options.intervalMs ?? RETENTION_INTERVAL_MS;
  const timer =
    intervalMs > 0
      ? setInterval(() => {
          runAll().catch((err: unknown) => logger.warn('contacts-purge-pass-failed', { error: errorMessage(err) }));
        }, intervalMs)
      : undefined;
  timer?.unref?.();

  return {
    purge,
    runAll,
    stop() {
      stopped = true;
      if (timer) clearInterval(timer);
    }
  };
}

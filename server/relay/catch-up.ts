/**
 * The periodic catch-up of an instance sharing documents with others (FANOUT=redis): every
 * CATCH_UP_INTERVAL_MS, each document this instance serves is compared with the shared store
 * and whatever the instance missed is applied (and reaches its sockets as a remote update).
 *
 * Why: Redis pub/sub delivers at most once. When an instance cannot publish (its publisher
 * connection is down while everyone's subscribers are fine), its edits are durable in
 * PostgreSQL and reach its own sockets, but no other instance hears of them; nothing else
 * would bring them over until the document unloads or a device reconnects (docs/scaling.md).
 *
 * The comparison: the store's revision of a document (PostgreSQL: its snapshot row's version,
 * the number of its log rows and the highest one; see PostgresDocumentStore.revisions)
 * against the one seen at the last pass; when it changed, the stored state is read and
 * applied, and Yjs integrates exactly what this copy lacks — items past its state vector and
 * deletions it has not seen (a state vector alone misses deletions). A store without
 * revisions is read every pass.
 */
import { errorMessage, type Logger } from '../log.ts';
import { docIdOf, type DocKey } from '../store/types.ts';
import type { DocumentManager } from './documents.ts';

export interface CatchUpOptions {
  documents: Pick<DocumentManager, 'servedKeys' | 'catchUp'>;
  /** The store's revision of each document (absent: read every document every pass). */
  revisions?: (keys: DocKey[]) => Promise<Map<DocKey, string>>;
  intervalMs: number;
  logger: Logger;
}

/** A running catch-up. */
export interface CatchUp {
  /** Passes completed (tests wait on it instead of on the clock). */
  readonly passes: number;
  /** Run one pass now; resolves how many documents had missed something. */
  pass(): Promise<number>;
  stop(): void;
}

const workspaceOf = (key: DocKey) => key.slice(0, key.indexOf('/'));

export function startCatchUp(opts: CatchUpOptions): CatchUp {
  const seen = new Map<DocKey, string>();
  let passes = 0;
  let running: Promise<number> | null = null;
  let stopped = false;

  const runPass = async (): Promise<number> => {
    const keys = opts.documents.servedKeys();
    const revisions = opts.revisions ? await opts.revisions(keys) : null;
    for (const key of [...seen.keys()]) if (!keys.includes(key)) seen.delete(key);
    let missed = 0;
    for (const key of keys) {
      if (stopped) break;
      const revision = revisions?.get(key);
      if (revision !== undefined && seen.get(key) === revision) continue;
      // Taken before the read: a write landing meanwhile changes it, and the next pass reads again.
      if (revision !== undefined) seen.set(key, revision);
      if (await opts.documents.catchUp(workspaceOf(key), docIdOf(key))) {
        missed++;
        opts.logger.warn('catch-up-applied', { doc: key });
      }
    }
    passes++;
    return missed;
  };

  const pass = (): Promise<number> => {
    running ??= runPass().finally(() => (running = null));
    return running;
  };

  const timer =
    opts.intervalMs > 0
      ? setInterval(() => {
          pass().catch((err: unknown) => opts.logger.warn('catch-up-pass-failed', { error: errorMessage(err) }));
        }, opts.intervalMs)
      : null;
  timer?.unref?.();

  return {
    get passes() {
      return passes;
    },
    pass,
    stop() {
      stopped = true;
      if (timer) clearInterval(timer);
    }
  };
}

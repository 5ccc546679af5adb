/**
 * How one server takes part in coordination, from its configuration: the coordinator (the
 * leader lease and exclusive jobs: PostgreSQL when the store is shared, local otherwise), the
 * once-per-document runner the timed rules use, and with FANOUT=redis the periodic catch-up
 * with the shared store (server/relay/catch-up.ts).
 */
import type { MutualConfig } from '../config.ts';
import type { Logger } from '../log.ts';
import { startCatchUp, type CatchUp } from '../relay/catch-up.ts';
import type { DocumentManager } from '../relay/documents.ts';
import type { Stores } from '../stores.ts';
import { documentJobs, type RunOnce } from './document-jobs.ts';
import { createLocalCoordinator } from './local.ts';
import { createPostgresCoordinator } from './postgres.ts';
import type { Coordinator } from './types.ts';

export interface Coordination {
  coordinator: Coordinator;
  runOnce: RunOnce;
  /** The periodic catch-up (FANOUT=redis), or null. */
  catchUp: CatchUp | null;
  close(): Promise<void>;
}

export function startCoordination(
  config: Pick<MutualConfig, 'databaseUrl' | 'fanout' | 'leaderLeaseMs' | 'catchUpIntervalMs'>,
  stores: Pick<Stores, 'pool' | 'revisions'>,
  documents: DocumentManager,
  logger: Logger
): Coordination {
  const coordinator = stores.pool
    ? createPostgresCoordinator({ pool: stores.pool, connectionString: config.databaseUrl, leaseMs: config.leaderLeaseMs, logger })
    : createLocalCoordinator();
  // Only instances that share documents can miss each other's edits.
  const shared = config.fanout === 'redis';
  const catchUp = shared ? startCatchUp({ documents, revisions: stores.revisions ?? undefined, intervalMs: config.catchUpIntervalMs, logger }) : null;
  return {
    coordinator,
    runOnce: documentJobs(coordinator, documents, { shared }),
    catchUp,
    async close() {
      catchUp?.stop();
      await coordinator.close();
    }
  };
}

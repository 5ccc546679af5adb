import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { createAuth, type Auth } from './auth/auth.ts';
import type { MutualConfig } from './config.ts';
import { createApi } from './http/api.ts';
import type { CreationPolicy } from './http/context.ts';
import { createRateLimits, type RateBudgets } from './http/rate-limits.ts';
import { createRedisBuckets, type SharedBuckets } from './http/shared-buckets.ts';
import type { MembershipStore } from './auth/types.ts';
import type { AdmissionLimits } from './relay/admission.ts';
import { createHistoryApi } from './http/history-api.ts';
import { History } from './history/recorder.ts';
import { INDEX_DOC_ID, PRIVATE_DOC_PREFIX } from '#shared/protocol';
import { createPrivateTotals, type PrivateTotals, type PrivateTotalsOptions } from './private/totals.ts';
import { createLogger, errorMessage, type Logger } from './log.ts';
import { MemberDirectory } from './member-directory.ts';
import type { Broadcast } from './relay/broadcast.ts';
import { createRedisBroadcast } from './relay/broadcast-redis.ts';
import type { DocumentManager } from './relay/documents.ts';
import { createRelay, type Relay } from './relay/relay.ts';
import { WorkspaceDigests } from './relay/digests.ts';
import { createRetention, type Retention } from './rules/retention.ts';
import { createDeadlineRule, type DeadlineRule } from './rules/deadlines.ts';
import { startCoordination, type Coordination } from './coordination/setup.ts';
import { openStores } from './stores.ts';
import { createNotificationsApi } from './http/notifications-api.ts';
import { startNotifications } from './notifications/setup.ts';
import type { Notifier } from './notifications/notifier.ts';
import type { DeliveryPolicy } from './notifications/delivery.ts';
import { DATABASE_FILE } from './database.ts';
import { createMetrics, type Metrics } from './metrics/metrics.ts';
import { createMetricsHandler } from './metrics/http.ts';
import { startPeriodicBackup, type PeriodicBackup } from './backup/periodic-backup.ts';
import type { DocumentStore } from './store/types.ts';

/** One Mutual server: HTTP API + relay, without the SvelteKit handler (see main.ts). */
export interface Mutual {
  /** Handle /api/* and /healthz. Returns false when the request is not ours. */
  handleHttp(req: IncomingMessage, res: ServerResponse): boolean;
  /** Handle a websocket upgrade under /sync/. Returns false when the path is not ours. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Close sockets (1001), persist pending writes, compact, close the database. */
  close(): Promise<void>;
  /** Workspaces, members, invites, tokens. */
  readonly auth: Auth;
  /** Read/write documents from server code: `documents.read/change(workspaceId, docId, fn)`. */
  readonly documents: DocumentManager;
  /** The websocket relay (connection count, …). */
  readonly relay: Relay;
  /** The member directory writer (index document). */
  readonly directory: MemberDirectory;
  /** Document versions: `history.record(workspaceId, docId, {reason, name, actor})`; automatic versions (issue 12). */
  readonly history: History;
  /** Purge of needs boards' contact details after the retention period (issue 10). */
  readonly retention: Retention;
  /** Closing proposals past their deadline (issue 8). */
  readonly deadlines: DeadlineRule;
  /** Who may create workspaces (and the code, in mode 'code'). */
  readonly creation: CreationPolicy;
  /** The leader lease, exclusive jobs and the catch-up with other instances (server/coordination/). */
  readonly coordination: Coordination;
  /** Totals of private answers (issue 24): server/private/totals.ts. */
  readonly privateTotals: PrivateTotals;
  /** Push and email notifications (issue 19): `tick()` runs one pass now. */
  readonly notifier: Notifier;
  /** The Prometheus metrics served at /metrics (null without METRICS_TOKEN). */
  readonly metrics: Metrics | null;
  /** The periodic whole-database backup (null without BACKUP_DIR). */
  readonly backups: PeriodicBackup | null;
}

/** Replaceable parts, for tests and future deployments (PostgreSQL store, Redis broadcast). */
export interface MutualParts {
  logger?: Logger;
  /** Wraps or replaces the document store built from the config. */
  store?: (built: DocumentStore) => DocumentStore;
  broadcast?: Broadcast;
  /** The clock of the retention rule; tests move it forward. Default Date.now. */
  now?: () => number;
  /** HTTP rate budgets (default DEFAULT_RATE_BUDGETS). */
  rateBudgets?: RateBudgets;
  /** Rate-limit buckets shared by instances (default: in Redis with FANOUT=redis, else none). */
  sharedBuckets?: SharedBuckets;
  /** Bounds on writers' updates (default DEFAULT_ADMISSION_LIMITS; tests shorten the hold time). */
  admission?: Partial<AdmissionLimits>;
  /** Notification delivery's retries and batches (tests shorten them). */
  notificationPolicy?: Partial<DeliveryPolicy>;
  /** The aggregators of private answers (default: the registry, src/lib/shared/model/aggregators.ts). */
  aggregators?: PrivateTotalsOptions['aggregators'];
}

/** The workspace creation policy; with mode 'code' and no configured code, one is made once and kept in the database. */
function creationPolicy(config: MutualConfig, memberships: MembershipStore): CreationPolicy {
  let code: Promise<string> | null = null;
  return {
    mode: config.workspaceCreation,
    code: () => (code ??= config.workspaceCreationCode ? Promise.resolve(config.workspaceCreationCode) : memberships.serverSecret('workspace-creation-code', newCreationCode))
  };
}

/** A creation code people can read out and type: 12 letters and digits without look-alikes, in groups of 4. */
function newCreationCode(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  const chars = [...bytes].map((b) => alphabet[b % alphabet.length]);
  return [chars.slice(0, 4), chars.slice(4, 8), chars.slice(8)].map((g) => g.join('')).join('-');
}

/** Build a Mutual server from its configuration. */
export async function createMutual(config: MutualConfig, parts: MutualParts = {}): Promise<Mutual> {
  const logger = parts.logger ?? createLogger(config.logLevel);
  // Documents, memberships and versions: in SQLite, or with STORE=postgres in the database
  // every instance shares (server/stores.ts).
  const stores = await openStores(config, logger);
  const built = stores.documents;
  const custom = parts.store ? parts.store(built) : built;
  // Off by default: figures about the server's use are shown only to whoever holds the token.
  const metrics = config.metricsToken ? createMetrics({ backupDir: config.backupDir }) : null;
  const store = metrics ? metrics.timeStore(custom) : custom;
  const memberships = stores.memberships;
  const auth = createAuth(memberships, { limits: { maxMembers: config.maxMembers } });
  const broadcast = parts.broadcast ?? (config.fanout === 'redis' ? await createRedisBroadcast({ url: config.redisUrl, logger }) : undefined);
  // Instances behind one balancer share the HTTP rate limits' buckets (shared-buckets.ts).
  const ownBuckets = !parts.sharedBuckets && config.fanout === 'redis' ? await createRedisBuckets({ url: config.redisUrl, logger }) : undefined;
  const sharedBuckets = parts.sharedBuckets ?? ownBuckets;
  // The directory is created right after the relay; the hook only runs on later loads.
  let directory: MemberDirectory | null = null;
  // And the version history (server/history/): automatic versions of documents being edited.
  let history: History | null = null;
  // And the retention rule (server/rules/retention.ts): purges contact details past retention.
  let retention: Retention | null = null;
  // Likewise the deadline rule (server/rules/deadlines.ts): closes proposals past their deadline.
  let deadlines: DeadlineRule | null = null;
  // And the notifier (server/notifications/): what members are told about documents.
  let notifier: Notifier | null = null;
  // And the totals of private answers (server/private/totals.ts, issue 24).
  let privateTotals: PrivateTotals | null = null;
  const relay = createRelay({
    config,
    admission: parts.admission,
    store,
    auth,
    logger,
    broadcast,
    onSocketClosed: metrics ? (closed) => metrics.socketClosed(closed) : undefined,
    onDocumentLoaded(workspaceId, docId) {
      history?.watch(workspaceId, docId).catch((err: unknown) => logger.warn('history-watch-failed', { workspace: workspaceId, doc: docId, error: errorMessage(err) }));
      deadlines?.onLoaded(workspaceId, docId);
      notifier?.onLoaded(workspaceId, docId);
      privateTotals?.onLoaded(workspaceId, docId);
      if (docId.startsWith(PRIVATE_DOC_PREFIX)) {
        // Purge what is due before anyone reads contact details kept past their retention.
        retention?.purge(workspaceId, docId).catch((err: unknown) => logger.warn('contacts-purge-failed', { workspace: workspaceId, doc: docId, error: errorMessage(err) }));
        return;
      }
      if (docId !== INDEX_DOC_ID || !directory) return;
      const dir = directory;
      auth
        .listMembers(workspaceId)
        .then((members) => (members.length > 0 ? dir.reconcile(workspaceId, members) : undefined))
        .catch((err: unknown) => logger.warn('member-directory-reconcile-failed', { workspace: workspaceId, error: errorMessage(err) }));
    }
  });
  directory = new MemberDirectory(relay.documents);
  metrics?.observeRelay(relay, relay.documents);
  // Timed work runs once across instances: per document under its lock, the passes over the
  // whole database on the leader (docs/scaling.md).
  const coordination = startCoordination(config, stores, relay.documents, logger);
  const { coordinator, runOnce } = coordination;
  // Whole-database backups every BACKUP_EVERY, on the leader (config allows BACKUP_DIR with SQLite only).
  const backups =
    config.backupDir && config.store === 'sqlite'
      ? startPeriodicBackup({ source: path.join(config.dataDir, DATABASE_FILE), dir: config.backupDir, everyMs: config.backupEveryMs, keep: config.backupKeep, isLeader: () => coordinator.isLeader, logger, onFailure: () => metrics?.backupFailed() })
      : null;
  retention = createRetention({
    documents: relay.documents,
    logger,
    ...(parts.now ? { now: parts.now } : {}),
    ...stores.retentionHooks,
    runOnce,
    isLeader: () => coordinator.isLeader
  });
  deadlines = createDeadlineRule({
    documents: relay.documents,
    logger,
    sweepMs: config.deadlineSweepMs,
    runOnce,
    // "When a proposal closes" is one of the moments a version is kept (issue 12).
    onClosed: (workspaceId, docId, proposals) => {
      for (const p of proposals) {
        history?.record(workspaceId, docId, { reason: 'proposal-closed', name: p.title, actor: 'relay' }).catch((err: unknown) =>
          logger.warn('version-record-failed', { workspace: workspaceId, doc: docId, error: errorMessage(err) })
        );
      }
    }
  });
  privateTotals = createPrivateTotals({ documents: relay.documents, auth, logger, runOnce, ...(parts.now ? { now: parts.now } : {}), ...(parts.aggregators ? { aggregators: parts.aggregators } : {}) });
  notifier = await startNotifications({ config, stores, auth, documents: relay.documents, logger, isLeader: () => coordinator.isLeader, now: parts.now, policy: parts.notificationPolicy });
  const notificationsApi = createNotificationsApi({ auth, notifier, logger, publicOrigin: config.publicOrigin, trustProxy: config.trustProxy, pushAllowHttp: config.pushAllowHttp, now: parts.now, sharedBuckets });
  const creation = creationPolicy(config, memberships);
  const limits = createRateLimits(parts.rateBudgets, sharedBuckets);
  // With instances sharing documents, another one may change a document this one has not loaded.
  const digests = new WorkspaceDigests({ documents: relay.documents, store, logger, cache: !broadcast });
  const onMemberJoined = (workspaceId: string) => notifier?.memberJoined(workspaceId);
  const api = createApi({ auth, directory, logger, publicOrigin: config.publicOrigin, creation, limits, trustProxy: config.trustProxy, digests, onMemberJoined });
  const versionStore = stores.versions;
  history = new History(versionStore, relay.documents, logger, parts.now);
  const metricsApi = createMetricsHandler(metrics, config.metricsToken, logger);
  const historyApi = createHistoryApi({ auth, history, store: versionStore, logger, saveLimit: limits.saveVersion, trustProxy: config.trustProxy });
  let closing: Promise<void> | null = null;

  return {
    auth,
    relay,
    directory,
    retention,
    deadlines,
    privateTotals,
    history,
    documents: relay.documents,
    creation,
    coordination,
    notifier,
    metrics,
    backups,
    handleHttp: (req, res) => metricsApi(req, res) || notificationsApi(req, res) || historyApi(req, res) || api(req, res),
    handleUpgrade: (req, socket, head) => relay.handleUpgrade(req, socket, head),
    close() {
      closing ??= (async () => {
        deadlines?.stop();
        retention?.stop();
        privateTotals?.stop();
        await notifier?.stop();
        await coordination.close();
        await relay.close();
        await ownBuckets?.close();
        // A backup in progress finishes before the database closes under it.
        await backups?.stop();
        await store.close();
        if (built !== custom) await built.close();
        await stores.closeHandles();
      })();
      return closing;
    }
  };
}

/**
 * The server's figures in the Prometheus text format (prom-client), one registry per server
 * (several may live in one process, as in tests): sockets, documents in memory, held
 * updates, flow-control pauses, relayed updates and bytes, store write latency, closes by
 * code, rate-limit closes, the age of the newest backup, and Node's own process figures.
 * Served at GET /metrics behind METRICS_TOKEN (http.ts). Nothing here names a workspace,
 * a document or a member: figures only.
 */
import client from 'prom-client';
import { CloseCode } from '#shared/protocol';
import { newestBackupAgeSeconds } from '../backup/database-backup.ts';
import type { DocumentManager } from '../relay/documents.ts';
import type { ClosedSocket, Relay } from '../relay/relay.ts';
import type { DocumentStore } from '../store/types.ts';

export interface Metrics {
  readonly registry: client.Registry;
  /** Report the relay's sockets, documents, held updates and relayed updates (once the relay exists). */
  observeRelay(relay: Pick<Relay, 'sockets'>, documents: Pick<DocumentManager, 'loadedCount' | 'heldUpdates' | 'relayed'>): void;
  /** Count a closed socket (the relay's onSocketClosed). */
  socketClosed(closed: ClosedSocket): void;
  /** Count a periodic backup that failed. */
  backupFailed(): void;
  /** Time the store's writes (append, compact) into the latency histogram. */
  timeStore(store: DocumentStore): DocumentStore;
}

/** A counter whose value is read from a running total at each scrape. */
function totalCounter(registry: client.Registry, name: string, help: string, read: () => number): void {
  new client.Counter({
    name,
    help,
    registers: [registry],
    collect() {
      this.reset();
      this.inc(read());
    }
  });
}

/** A gauge read at each scrape. */
function gauge(registry: client.Registry, name: string, help: string, read: () => number): void {
  new client.Gauge({
    name,
    help,
    registers: [registry],
    collect() {
      this.set(read());
    }
  });
}

/** The server's metrics; `backupDir` (BACKUP_DIR): the newest backup's age is reported ('': not reported). */
export function createMetrics(options: { backupDir: string }): Metrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  let closedPauses = 0;
  const observeRelay: Metrics['observeRelay'] = (relay, documents) => {
    gauge(registry, 'mutual_sockets_open', 'Websockets open now (syncing or being admitted).', () => relay.sockets().open);
    gauge(registry, 'mutual_sockets_paused', 'Websockets not being read now: over their budget (flow control slows them down).', () => relay.sockets().paused);
    totalCounter(registry, 'mutual_flow_control_pauses_total', 'Times flow control paused a socket over its budget.', () => closedPauses + relay.sockets().pauses);
    gauge(registry, 'mutual_documents_loaded', 'Documents in memory (loaded or loading).', () => documents.loadedCount);
    gauge(registry, 'mutual_updates_held', 'Updates held waiting for what they depend on.', () => documents.heldUpdates);
    totalCounter(registry, 'mutual_relayed_update_batches_total', 'Update batches stored and relayed (one per document per event-loop turn).', () => documents.relayed.batches);
    totalCounter(registry, 'mutual_relayed_bytes_total', 'Bytes of updates stored and relayed.', () => documents.relayed.bytes);
  };
  const closes = new client.Counter({ name: 'mutual_socket_closes_total', help: 'Websockets closed, by close code and by who closed them (server: a refusal, a limit, a restart).', labelNames: ['code', 'by'], registers: [registry] });
  const rateLimited = new client.Counter({ name: 'mutual_rate_limit_closes_total', help: `Websockets the relay closed for going over a budget for too long (${CloseCode.rateLimited}).`, registers: [registry] });
  const storeWrites = new client.Histogram({
    name: 'mutual_store_write_seconds',
    help: 'Time the document store took to make a write durable.',
    labelNames: ['op'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry]
  });
  const backupFailures = new client.Counter({ name: 'mutual_backup_failures_total', help: 'Periodic backups that failed (see the logs: backup-failed).', registers: [registry] });
  if (options.backupDir) {
    const dir = options.backupDir;
    // +Inf when there is none yet: an alert on the age fires until a backup exists.
    gauge(registry, 'mutual_backup_age_seconds', 'Age of the newest backup in BACKUP_DIR (+Inf: none).', () => newestBackupAgeSeconds(dir) ?? Infinity);
  }
  const timed = <T>(op: string, run: () => Promise<T>): Promise<T> => {
    const end = storeWrites.startTimer({ op });
    return run().finally(() => end());
  };
  return {
    registry,
    observeRelay,
    socketClosed(closed) {
      closedPauses += closed.pauses;
      closes.inc({ code: String(closed.code), by: closed.by });
      if (closed.by === 'server' && closed.code === CloseCode.rateLimited) rateLimited.inc();
    },
    backupFailed: () => backupFailures.inc(),
    timeStore(store) {
      return {
        load: (key) => store.load(key),
        append: (key, update) => timed('append', () => store.append(key, update)),
        compact: (key, snapshot) => timed('compact', () => store.compact(key, snapshot)),
        delete: (key) => store.delete(key),
        listDocuments: (workspaceId) => store.listDocuments(workspaceId),
        close: () => store.close()
      };
    }
  };
}

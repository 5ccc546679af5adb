import path from 'node:path';
import { Limits } from '#shared/protocol';

/** Runtime configuration, read from environment variables (documented in README). */
export interface MutualConfig {
  port: number;
  host: string;
  /** Directory holding the SQLite database (created if missing). */
  dataDir: string;
  /** Public origin used in invite links, e.g. https://mutual.example.org. Empty: derived from the request. */
  publicOrigin: string;
  /** Log level: 'debug', 'info' (default), 'warn', 'error' or 'silent'. */
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** Milliseconds a document with no connections stays in memory before unloading. */
  unloadGraceMs: number;
  /** A socket not greeted (sync step 1) within this many ms is closed with 1011 and retries. */
  admitTimeoutMs: number;
  /** Compact a document's update log into a snapshot after this many updates… */
  compactAfterUpdates: number;
  /** …or this many bytes of log, whichever comes first. */
  compactAfterBytes: number;
  /** Storage backend: 'sqlite' (default), 'postgres' (several instances; needs databaseUrl) or 'memory' (tests only; loses data on exit). */
  store: 'sqlite' | 'memory' | 'postgres';
  /** PostgreSQL connection string for STORE=postgres (DATABASE_URL), e.g. postgres://mutual@db/mutual. */
  databaseUrl: string;
  /** Fan-out between relay instances: 'local' (default, one instance) or 'redis' (needs redisUrl). */
  fanout: 'local' | 'redis';
  /** Redis URL for FANOUT=redis (REDIS_URL), e.g. redis://cache:6379. */
  redisUrl: string;
  /**
   * Per-socket budget: messages per second sustained (RATE_LIMIT_PER_SECOND)… A socket past
   * its budget is slowed down (the relay stops reading it until the budget refills), not closed.
   */
  messagesPerSecond: number;
  /** …and burst (RATE_LIMIT_BURST). */
  messageBurst: number;
  /** Bytes per second sustained per socket (RATE_LIMIT_BYTES_PER_SECOND)… */
  bytesPerSecond: number;
  /** …and burst in bytes (RATE_LIMIT_BYTES_BURST). */
  byteBurst: number;
  /** Presence changes per second per socket (RATE_LIMIT_PRESENCE_PER_SECOND); past the burst: 4429. */
  presencePerSecond: number;
  /** …and burst (RATE_LIMIT_PRESENCE_BURST). */
  presenceBurst: number;
  /** A socket kept over its budget without a break for this long is closed with 4429 (RATE_LIMIT_MAX_OVER_MS). */
  maxOverBudgetMs: number;
  /** How often the relay looks for open proposals past their deadline in loaded documents, ms (0: only on load). */
  deadlineSweepMs: number;
  /**
   * Who may create workspaces (WORKSPACE_CREATION): 'open' (anyone who reaches the server),
   * 'code' (whoever knows the creation code; the default) or 'closed' (nobody, e.g. a
   * server kept for one group).
   */
  workspaceCreation: 'open' | 'code' | 'closed';
  /** The creation code (WORKSPACE_CREATION_CODE); empty: generated once, kept in the database, printed at start. */
  workspaceCreationCode: string;
  /** Behind a reverse proxy that appends the client's address to X-Forwarded-For (TRUST_PROXY=1). */
  trustProxy: boolean;
  /** Active members one workspace may have (MAX_MEMBERS). */
  maxMembers: number;
  /** Largest stored size of one document, bytes (MAX_DOCUMENT_BYTES); changes past it are refused. */
  maxDocumentBytes: number;
  /** STORE=postgres: the leader lease's period (LEADER_LEASE_MS); followers try and the leader checks every half of it. */
  leaderLeaseMs: number;
  /** FANOUT=redis: how often each served document is compared with the shared store (CATCH_UP_INTERVAL_MS; 0: never). */
  catchUpIntervalMs: number;
  /** SMTP server for email notifications (SMTP_URL, e.g. smtps://user:pass@mail.example.org); empty: no email. */
  smtpUrl: string;
  /** Sender of notification mails (MAIL_FROM, e.g. "Mutual <mutual@example.org>"); needed with SMTP_URL. */
  mailFrom: string;
  /** VAPID contact of push messages (VAPID_SUBJECT: mailto: or https: URL); default from MAIL_FROM or PUBLIC_ORIGIN. */
  vapidSubject: string;
  /** How often notifications are looked at and sent (NOTIFY_INTERVAL_MS; 0: only right after recording). */
  notifyIntervalMs: number;
  /** Allow http:// push endpoints (PUSH_ALLOW_HTTP=1): only for a test push service on loopback. */
  pushAllowHttp: boolean;
  /** Directory of the server's own periodic whole-database backups (BACKUP_DIR; empty: none). SQLite only. */
  backupDir: string;
  /** How often the periodic backup runs, ms (BACKUP_EVERY, e.g. 6h; default 1 day). */
  backupEveryMs: number;
  /** How many periodic backups to keep (BACKUP_KEEP, default 7); older ones are removed. */
  backupKeep: number;
  /** Bearer token for GET /metrics (METRICS_TOKEN); empty: /metrics does not exist (404). */
  metricsToken: string;
}

const DURATION_UNITS_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** A duration such as `90s`, `30m`, `6h` or `1d` (BACKUP_EVERY). */
export function parseDuration(value: string, name: string): number {
  const m = /^(\d+)\s*([smhd])$/.exec(value.trim());
  if (!m || Number(m[1]) < 1) throw new Error(`${name} must be a duration like 30m, 6h or 1d; got "${value}"`);
  return Number(m[1]) * DURATION_UNITS_MS[m[2] as keyof typeof DURATION_UNITS_MS];
}

/** The periodic backup's settings: only for the SQLite store (PostgreSQL has pg_dump). */
function backupSettings(env: Record<string, string | undefined>, store: MutualConfig['store']): Pick<MutualConfig, 'backupDir' | 'backupEveryMs' | 'backupKeep'> {
  const dir = env.BACKUP_DIR ?? '';
  if (dir && store !== 'sqlite') throw new Error(`BACKUP_DIR backs up the SQLite database; with STORE=${store} leave it unset (PostgreSQL: use pg_dump, see docs/self-hosting.md)`);
  const keep = int(env.BACKUP_KEEP, 7, 'BACKUP_KEEP');
  if (keep < 1) throw new Error(`BACKUP_KEEP must be at least 1, got "${env.BACKUP_KEEP}"`);
  return { backupDir: dir ? path.resolve(dir) : '', backupEveryMs: env.BACKUP_EVERY ? parseDuration(env.BACKUP_EVERY, 'BACKUP_EVERY') : 86_400_000, backupKeep: keep };
}

/** METRICS_TOKEN: long enough not to be guessed (it guards figures about the server's use). */
function metricsToken(value: string | undefined): string {
  const token = value ?? '';
  if (token && token.length < 16) throw new Error('METRICS_TOKEN must be at least 16 characters long (e.g. openssl rand -hex 24)');
  return token;
}

function int(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${value}"`);
  return n;
}

/** A setting that must be at least 1 (a budget of 0 would stop a socket for ever). */
function positive(value: string | undefined, fallback: number, name: string): number {
  const n = int(value, fallback, name);
  if (n < 1) throw new Error(`${name} must be at least 1, got "${value}"`);
  return n;
}

/**
 * The leader lease period: under PostgreSQL's 15 s to drop a vanished session (keepalives set
 * on the lease session), so a cut-off leader steps down before another can take over.
 */
function leaseMs(value: string | undefined): number {
  const n = int(value, 10_000, 'LEADER_LEASE_MS');
  if (n < 20 || n > 14_000) throw new Error(`LEADER_LEASE_MS must be between 20 and 14000, got "${value}"`);
  return n;
}

/** SMTP_URL, MAIL_FROM and the VAPID subject, checked together. */
function mailConfig(env: Record<string, string | undefined>): Pick<MutualConfig, 'smtpUrl' | 'mailFrom' | 'vapidSubject'> {
  const smtpUrl = env.SMTP_URL ?? '';
  const mailFrom = env.MAIL_FROM ?? '';
  if (smtpUrl && !/^smtps?:\/\//.test(smtpUrl)) throw new Error('SMTP_URL must start with smtp:// or smtps://');
  if (smtpUrl && !/@/.test(mailFrom)) throw new Error('SMTP_URL needs MAIL_FROM, the sender address, e.g. "Mutual <mutual@example.org>"');
  if (smtpUrl && !/^https?:\/\//.test(env.PUBLIC_ORIGIN ?? '')) throw new Error('SMTP_URL needs PUBLIC_ORIGIN: links in mails must point at the address members use');
  const address = /<([^>]+)>/.exec(mailFrom)?.[1] ?? mailFrom.trim();
  const origin = (env.PUBLIC_ORIGIN ?? '').replace(/\/+$/, '');
  const vapidSubject = env.VAPID_SUBJECT || (address.includes('@') ? `mailto:${address}` : origin.startsWith('https://') ? origin : 'mailto:mutual@example.invalid');
  if (!/^(mailto:|https:\/\/)/.test(vapidSubject)) throw new Error('VAPID_SUBJECT must be a mailto: or https:// URL');
  return { smtpUrl, mailFrom, vapidSubject };
}

/** Build the configuration from an environment, applying defaults and validating. */
export function loadConfig(env: Record<string, string | undefined>): MutualConfig {
  const logLevel = (env.LOG_LEVEL ?? 'info') as MutualConfig['logLevel'];
  if (!['debug', 'info', 'warn', 'error', 'silent'].includes(logLevel)) {
    throw new Error(`LOG_LEVEL must be one of debug, info, warn, error, silent; got "${logLevel}"`);
  }
  const store = (env.STORE ?? 'sqlite') as MutualConfig['store'];
  if (!['sqlite', 'memory', 'postgres'].includes(store)) throw new Error(`STORE must be sqlite, postgres or memory; got "${store}"`);
  const databaseUrl = env.DATABASE_URL ?? '';
  if (store === 'postgres' && !databaseUrl) throw new Error('STORE=postgres needs DATABASE_URL, e.g. postgres://mutual@localhost/mutual');
  const fanout = (env.FANOUT || 'local') as MutualConfig['fanout'];
  if (!['local', 'redis'].includes(fanout)) throw new Error(`FANOUT must be local or redis; got "${fanout}"`);
  const redisUrl = env.REDIS_URL ?? '';
  if (fanout === 'redis' && !redisUrl) throw new Error('FANOUT=redis needs REDIS_URL, e.g. redis://localhost:6379');
  // Several instances over one store only see each other's edits through the fan-out.
  if (fanout === 'redis' && store !== 'postgres') throw new Error('FANOUT=redis needs a shared store: set STORE=postgres');
  const workspaceCreation = (env.WORKSPACE_CREATION || 'code') as MutualConfig['workspaceCreation'];
  if (!['open', 'code', 'closed'].includes(workspaceCreation)) throw new Error(`WORKSPACE_CREATION must be open, code or closed; got "${workspaceCreation}"`);
  const workspaceCreationCode = env.WORKSPACE_CREATION_CODE ?? '';
  if (workspaceCreationCode && workspaceCreationCode.length < 8) throw new Error('WORKSPACE_CREATION_CODE must be at least 8 characters long');
  return {
    port: int(env.PORT, 3000, 'PORT'),
    host: env.HOST || '0.0.0.0',
    dataDir: path.resolve(env.DATA_DIR || './data'),
    publicOrigin: (env.PUBLIC_ORIGIN ?? '').replace(/\/+$/, ''),
    logLevel,
    unloadGraceMs: int(env.UNLOAD_GRACE_MS, 10_000, 'UNLOAD_GRACE_MS'),
    // Under the stock client's 30 s without a message, after which it drops the socket itself.
    admitTimeoutMs: int(env.ADMIT_TIMEOUT_MS, 20_000, 'ADMIT_TIMEOUT_MS'),
    compactAfterUpdates: int(env.COMPACT_AFTER_UPDATES, 500, 'COMPACT_AFTER_UPDATES'),
    compactAfterBytes: int(env.COMPACT_AFTER_BYTES, 1024 * 1024, 'COMPACT_AFTER_BYTES'),
    store,
    databaseUrl,
    fanout,
    redisUrl,
    messagesPerSecond: positive(env.RATE_LIMIT_PER_SECOND, Limits.messagesPerSecond, 'RATE_LIMIT_PER_SECOND'),
    messageBurst: positive(env.RATE_LIMIT_BURST, Limits.messageBurst, 'RATE_LIMIT_BURST'),
    bytesPerSecond: positive(env.RATE_LIMIT_BYTES_PER_SECOND, Limits.bytesPerSecond, 'RATE_LIMIT_BYTES_PER_SECOND'),
    byteBurst: positive(env.RATE_LIMIT_BYTES_BURST, Limits.byteBurst, 'RATE_LIMIT_BYTES_BURST'),
    presencePerSecond: positive(env.RATE_LIMIT_PRESENCE_PER_SECOND, Limits.presencePerSecond, 'RATE_LIMIT_PRESENCE_PER_SECOND'),
    presenceBurst: positive(env.RATE_LIMIT_PRESENCE_BURST, Limits.presenceBurst, 'RATE_LIMIT_PRESENCE_BURST'),
    maxOverBudgetMs: positive(env.RATE_LIMIT_MAX_OVER_MS, Limits.maxOverBudgetMs, 'RATE_LIMIT_MAX_OVER_MS'),
    deadlineSweepMs: int(env.DEADLINE_SWEEP_MS, 30_000, 'DEADLINE_SWEEP_MS'),
    workspaceCreation,
    workspaceCreationCode,
    trustProxy: env.TRUST_PROXY === '1' || env.TRUST_PROXY === 'true',
    maxMembers: int(env.MAX_MEMBERS, 500, 'MAX_MEMBERS'),
    maxDocumentBytes: int(env.MAX_DOCUMENT_BYTES, 64 * 1024 * 1024, 'MAX_DOCUMENT_BYTES'),
    leaderLeaseMs: leaseMs(env.LEADER_LEASE_MS),
    catchUpIntervalMs: int(env.CATCH_UP_INTERVAL_MS, 15_000, 'CATCH_UP_INTERVAL_MS'),
    ...mailConfig(env),
    notifyIntervalMs: int(env.NOTIFY_INTERVAL_MS, 15_000, 'NOTIFY_INTERVAL_MS'),
    pushAllowHttp: env.PUSH_ALLOW_HTTP === '1',
    ...backupSettings(env, store),
    metricsToken: metricsToken(env.METRICS_TOKEN)
  };
}

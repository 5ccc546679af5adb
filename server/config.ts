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
  /** Log level: 'info' (default), 'warn', 'error' or 'silent'. */
  logLevel: 'info' | 'warn' | 'error' | 'silent';
  /** Milliseconds a document with no connections stays in memory before unloading. */
  unloadGraceMs: number;
  /** Compact a document's update log into a snapshot after this many updates… */
  compactAfterUpdates: number;
  /** …or this many bytes of log, whichever comes first. */
  compactAfterBytes: number;
  /** Storage backend: 'sqlite' (default) or 'memory' (tests only; loses data on exit). */
  store: 'sqlite' | 'memory';
  /** Per-socket token bucket: messages per second sustained (default Limits.messagesPerSecond)… */
  messagesPerSecond: number;
  /** …and burst (default Limits.messageBurst). Raise both for load tests, not in production. */
  messageBurst: number;
}

function int(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${value}"`);
  return n;
}

/** Build the configuration from an environment, applying defaults and validating. */
export function loadConfig(env: Record<string, string | undefined>): MutualConfig {
  const logLevel = (env.LOG_LEVEL ?? 'info') as MutualConfig['logLevel'];
  if (!['info', 'warn', 'error', 'silent'].includes(logLevel)) {
    throw new Error(`LOG_LEVEL must be one of info, warn, error, silent; got "${logLevel}"`);
  }
  const store = (env.STORE ?? 'sqlite') as MutualConfig['store'];
  if (!['sqlite', 'memory'].includes(store)) throw new Error(`STORE must be sqlite or memory; got "${store}"`);
  return {
    port: int(env.PORT, 3000, 'PORT'),
    host: env.HOST || '0.0.0.0',
    dataDir: path.resolve(env.DATA_DIR || './data'),
    publicOrigin: (env.PUBLIC_ORIGIN ?? '').replace(/\/+$/, ''),
    logLevel,
    unloadGraceMs: int(env.UNLOAD_GRACE_MS, 10_000, 'UNLOAD_GRACE_MS'),
    compactAfterUpdates: int(env.COMPACT_AFTER_UPDATES, 500, 'COMPACT_AFTER_UPDATES'),
    compactAfterBytes: int(env.COMPACT_AFTER_BYTES, 1024 * 1024, 'COMPACT_AFTER_BYTES'),
    store,
    messagesPerSecond: int(env.RATE_LIMIT_PER_SECOND, Limits.messagesPerSecond, 'RATE_LIMIT_PER_SECOND'),
    messageBurst: int(env.RATE_LIMIT_BURST, Limits.messageBurst, 'RATE_LIMIT_BURST')
  };
}

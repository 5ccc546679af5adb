/**
 * The server's own whole-database backup every BACKUP_EVERY into BACKUP_DIR, keeping the
 * newest BACKUP_KEEP, for groups without cron. It runs on the leader only (with one SQLite
 * instance, that instance). The next one is due one period after the newest backup in the
 * directory, whoever made it: a server restarted more often than the period still backs up,
 * and a backup made by hand (`npm run admin -- backup --out BACKUP_DIR`) counts.
 */
import fs from 'node:fs';
import { errorMessage, type Logger } from '../log.ts';
import { backupDatabase, listBackups } from './database-backup.ts';

/** After a failed or skipped (not the leader) round, the next try waits at least this long (or one period if shorter). */
const RETRY_MS = 60_000;

export interface PeriodicBackupOptions {
  /** The database file (DATA_DIR/mutual.sqlite). */
  source: string;
  dir: string;
  everyMs: number;
  keep: number;
  isLeader: () => boolean;
  logger: Logger;
  /** Told of each failed backup (metrics). */
  onFailure?: () => void;
  now?: () => number;
}

export interface PeriodicBackup {
  /** Stop the timer and wait for a backup in progress (before the database closes). */
  stop(): Promise<void>;
  /** Run one backup now (what the timer does); resolves when it is written (or failed and logged). */
  runNow(): Promise<void>;
}

export function startPeriodicBackup(opts: PeriodicBackupOptions): PeriodicBackup {
  const now = opts.now ?? Date.now;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running: Promise<boolean> | null = null;
  let stopped = false;

  const schedule = (minDelay: number) => {
    if (stopped) return;
    const newest = listBackups(opts.dir).at(-1);
    const due = newest ? fs.statSync(newest).mtimeMs + opts.everyMs : now();
    timer = setTimeout(tick, Math.min(Math.max(minDelay, due - now()), 2_147_483_647));
    timer.unref?.();
  };

  /** One backup; true when written. Errors are logged and counted, never thrown. */
  const run = async (): Promise<boolean> => {
    const started = now();
    try {
      const result = await backupDatabase(opts.source, opts.dir, { keep: opts.keep, now });
      opts.logger.info('backup-written', { file: result.file, bytes: result.bytes, removed: result.removed.length, ms: now() - started });
      return true;
    } catch (err) {
      opts.onFailure?.();
      opts.logger.error('backup-failed', { dir: opts.dir, error: errorMessage(err) });
      return false;
    }
  };

  const runOnce = (): Promise<boolean> => (running ??= run().finally(() => (running = null)));

  const tick = () => {
    timer = null;
    if (stopped) return;
    // Not the leader, or a failure: the newest backup is still old, so wait before the next look.
    const work = opts.isLeader() ? runOnce() : Promise.resolve(false);
    void work.then((written) => schedule(written ? 0 : Math.min(RETRY_MS, opts.everyMs)));
  };

  schedule(0);
  return {
    runNow: () => runOnce().then(() => {}),
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await running;
    }
  };
}

/**
 * Whole-database backups of the SQLite store: a consistent copy of `mutual.sqlite` while the
 * server runs (SQLite's online backup through better-sqlite3, in a worker thread; no other
 * binary), named by date, rotated to keep the newest N; and the restore of such a copy into a stopped data
 * directory. Used by `npm run admin -- backup|restore` and the server's periodic backup
 * (periodic-backup.ts). Workspace backups (one JSON file per workspace, any store) are
 * backup.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { DATABASE_FILE, type SqliteDatabase } from '../database.ts';
import { schemaVersion, SchemaTooNewError, SQLITE_SCHEMA_VERSION } from '../store/sqlite-migrations.ts';
import { BackupError } from './backup.ts';

/** `mutual-2026-11-30T17-40-58-123Z.sqlite`: sorts by date as text. */
const BACKUP_NAME = /^mutual-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z\.sqlite$/;
/** The first 16 bytes of every SQLite database file. */
const SQLITE_HEADER = 'SQLite format 3\0';

/** What one backup wrote and what the rotation removed. */
export interface DatabaseBackupResult {
  file: string;
  bytes: number;
  /** Older backups removed to keep the newest `keep`. */
  removed: string[];
}

export interface DatabaseBackupOptions {
  /** Keep this many backups (the new one included) in the directory; older ones are removed. */
  keep?: number;
  now?: () => number;
}

/** The file name of a backup made at `ms`. */
export function backupName(ms: number): string {
  return `mutual-${new Date(ms).toISOString().replace(/[:.]/g, '-')}.sqlite`;
}

/** The backups in `dir` (files named by {@link backupName}), oldest first; other files are never touched. */
export function listBackups(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((name) => BACKUP_NAME.test(name))
    .sort()
    .map((name) => path.join(dir, name));
}

/** Remove the oldest backups beyond `keep`; returns the removed paths. */
export function rotateBackups(dir: string, keep: number): string[] {
  if (!Number.isInteger(keep) || keep < 1) throw new BackupError(`--keep must be a whole number of at least 1, got "${keep}".`);
  const all = listBackups(dir);
  const removed = all.slice(0, Math.max(0, all.length - keep));
  for (const file of removed) fs.rmSync(file, { force: true });
  return removed;
}

/** Copy `source` to `target` in a worker thread (copy-worker.mjs), checked with quick_check. */
function copyInWorker(source: string, target: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./copy-worker.mjs', import.meta.url), { workerData: { source, target } });
    let answered = false;
    worker.once('message', (msg: { ok: boolean; result: string }) => {
      answered = true;
      if (msg.ok) resolve();
      else reject(new BackupError(`The backup copy failed: ${msg.result}`));
    });
    worker.once('error', (err) => reject(err));
    worker.once('exit', (code) => {
      if (!answered) reject(new BackupError(`The backup copy stopped before it finished (exit ${code}).`));
    });
  });
}

/**
 * Copy the whole database file `source` (`DATA_DIR/mutual.sqlite`) into `dir` as a new dated
 * backup, check it, and rotate. Safe while a server writes to it: the copy is one read
 * transaction of a connection of its own, in a worker thread, so the server's event loop never
 * waits for it. Written under a temporary name and renamed once complete and checked: a crash
 * never leaves a half-written file that looks like a backup.
 */
export async function backupDatabase(source: string, dir: string, options: DatabaseBackupOptions = {}): Promise<DatabaseBackupResult> {
  if (!fs.existsSync(source)) throw new BackupError(`There is no database at ${source}.`);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, backupName((options.now ?? Date.now)()));
  const tmp = `${file}.partial-${process.pid}`;
  try {
    await copyInWorker(source, tmp);
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  const removed = options.keep ? rotateBackups(dir, options.keep) : [];
  return { file, bytes: fs.statSync(file).size, removed };
}

/** Whether `file` is a SQLite database (by its header), as opposed to a workspace backup (JSON). */
export function isSqliteFile(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(16);
    return fs.readSync(fd, head, 0, 16, 0) === 16 && head.toString('latin1') === SQLITE_HEADER;
  } finally {
    fs.closeSync(fd);
  }
}

/** Check a backup before restoring it: whole, a Mutual database, and not from a newer Mutual. */
function checkBackupFile(file: string): number {
  let db: SqliteDatabase;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new BackupError(`Could not open ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    const check = db.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new BackupError(`${file} is damaged (integrity check: ${String(check)}); try an older backup.`);
    const tables = new Set(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]);
    if (!tables.has('doc_updates') || !tables.has('workspaces')) throw new BackupError(`${file} is a SQLite database but not a Mutual one.`);
    const version = schemaVersion(db);
    if (version > SQLITE_SCHEMA_VERSION) throw new SchemaTooNewError(version, SQLITE_SCHEMA_VERSION, file);
    return version;
  } finally {
    db.close();
  }
}

/**
 * Refuse a data directory a server is using: switching the database out of WAL mode needs
 * every other connection gone (SQLITE_BUSY otherwise). When nobody uses it, the switch also
 * folds the WAL into the file, so the copy kept aside is whole on its own.
 */
function assertNotInUse(current: string): void {
  const db = new Database(current, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 0');
    db.pragma('journal_mode = DELETE');
  } catch (err) {
    const busy = (err as { code?: string }).code === 'SQLITE_BUSY';
    throw new BackupError(busy ? `A Mutual server is using ${path.dirname(current)}: stop it first (a running server would go on with its own copy).` : `Could not open ${current}: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    db.close();
  }
}

/** What a restore did. */
export interface DatabaseRestoreResult {
  /** The database that was there before, kept aside (null: there was none). */
  keptAside: string | null;
  /** The backup's schema version (migrated to the current one at the next start). */
  schemaVersion: number;
}

/**
 * Replace `dataDir`'s database with the backup `file` (the server must be stopped). The
 * database that was there is kept aside as `mutual.sqlite.before-restore-<date>`, never
 * deleted. The next start migrates an older backup's schema.
 */
export function restoreDatabase(file: string, dataDir: string, now = Date.now()): DatabaseRestoreResult {
  if (!fs.existsSync(file)) throw new BackupError(`There is no file ${file}.`);
  const version = checkBackupFile(file);
  fs.mkdirSync(dataDir, { recursive: true });
  const current = path.join(dataDir, DATABASE_FILE);
  let keptAside: string | null = null;
  if (fs.existsSync(current)) {
    assertNotInUse(current);
    keptAside = `${current}.before-restore-${new Date(now).toISOString().replace(/[:.]/g, '-')}`;
    fs.renameSync(current, keptAside);
  }
  for (const suffix of ['-wal', '-shm', '-journal']) fs.rmSync(current + suffix, { force: true });
  const tmp = `${current}.restoring-${process.pid}`;
  fs.copyFileSync(file, tmp);
  fs.renameSync(tmp, current);
  return { keptAside, schemaVersion: version };
}

/** Age in seconds of the newest backup in `dir` (by file time), or null when there is none. */
export function newestBackupAgeSeconds(dir: string, now = Date.now()): number | null {
  const all = listBackups(dir);
  if (all.length === 0) return null;
  return Math.max(0, (now - fs.statSync(all[all.length - 1]).mtimeMs) / 1000);
}

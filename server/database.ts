import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrateSqlite } from './store/sqlite-migrations.ts';

/** The one SQLite database of a Mutual server (documents and memberships share the file). */
export type SqliteDatabase = Database.Database;

/** File name of the database inside DATA_DIR. */
export const DATABASE_FILE = 'mutual.sqlite';

/**
 * Open (creating if needed) `<dataDir>/mutual.sqlite` in WAL mode, or an in-memory
 * database when `dataDir` is ':memory:', and bring its schema up to date (numbered
 * migrations, store/sqlite-migrations.ts; a database from a newer Mutual is refused).
 *
 * synchronous=NORMAL in WAL mode: a commit is in the OS before `append` resolves, so it
 * survives a crash or `kill -9` of the process; only a power cut can lose the last
 * commits (FULL would fsync every commit and stall the event loop on disk latency).
 */
export function openDatabase(dataDir: string): SqliteDatabase {
  let file = ':memory:';
  if (dataDir !== ':memory:') {
    fs.mkdirSync(dataDir, { recursive: true });
    file = path.join(dataDir, DATABASE_FILE);
  }
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  // Deleted rows are overwritten with zeros rather than left in free pages: contact details
  // purged by the retention rule (server/rules/retention.ts) must not linger in the file.
  db.pragma('secure_delete = ON');
  // Another process (a backup, a migration) holding a lock briefly should not fail writes.
  db.pragma('busy_timeout = 5000');
  try {
    migrateSqlite(db, file === ':memory:' ? 'The in-memory database' : file);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

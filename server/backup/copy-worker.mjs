// Copies a SQLite database in a worker thread (server/backup/database-backup.ts), so that the
// copy, its commit and its check never stall the relay's event loop. Plain JavaScript: it runs
// the same under tsx, vitest and a production install.
//
// A connection of its own, copying every page in ONE step of SQLite's online backup: that step
// reads inside one read transaction, so the copy is the database as it was when the step began
// (WAL mode: the server's writes go on meanwhile), and never restarts when the server writes.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

/** @type {{ source: string, target: string }} */
const { source, target } = workerData;

async function copy() {
  const db = new Database(source, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    await db.backup(target, { progress: () => 0x7fffffff });
  } finally {
    db.close();
  }
  // One self-contained file (no -wal beside it), checked before it counts as a backup.
  const out = new Database(target);
  try {
    out.pragma('journal_mode = DELETE');
    return String(out.pragma('quick_check', { simple: true }));
  } finally {
    out.close();
  }
}

copy().then(
  (result) => parentPort?.postMessage({ ok: result === 'ok', result }),
  (err) => parentPort?.postMessage({ ok: false, result: err instanceof Error ? err.message : String(err) })
);

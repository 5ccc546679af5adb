import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type SqliteDatabase } from '../database.ts';
import { runDocumentStoreTests } from './acceptance.ts';
import { createSqliteStore } from './sqlite.ts';

runDocumentStoreTests('sqlite', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mutual-store-'));
  let db: SqliteDatabase = openDatabase(dir);
  let store = createSqliteStore(db);
  return {
    store,
    async reopen() {
      // No close(): simulates a crash right after the turn's group commit ran.
      await new Promise((r) => setImmediate(r));
      db.close();
      db = openDatabase(dir);
      return (store = createSqliteStore(db));
    },
    async corrupt(key) {
      // A row whose type is wrong is what a damaged file or a bad manual edit looks like.
      db.prepare("UPDATE doc_updates SET data = 'garbage' WHERE doc_key = ?").run(key);
    },
    async teardown() {
      await store.close().catch(() => {});
      if (db.open) db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
}, { corruptible: true });

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type SqliteDatabase } from '../database.ts';
import { runVersionStoreTests } from './acceptance.ts';
import { createSqliteVersionStore } from './store-sqlite.ts';

runVersionStoreTests('sqlite', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mutual-versions-'));
  const dbs: SqliteDatabase[] = [openDatabase(dir)];
  return {
    store: createSqliteVersionStore(dbs[0]),
    async second() {
      const db = openDatabase(dir);
      dbs.push(db);
      return createSqliteVersionStore(db);
    },
    async teardown() {
      for (const db of dbs) db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
});

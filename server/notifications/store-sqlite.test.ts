import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type SqliteDatabase } from '../database.ts';
import { runNotificationStoreTests } from './acceptance.ts';
import { createSqliteNotificationStore } from './store-sqlite.ts';

runNotificationStoreTests('sqlite', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mutual-notifications-'));
  const dbs: SqliteDatabase[] = [openDatabase(dir)];
  return {
    store: createSqliteNotificationStore(dbs[0]),
    async second() {
      const db = openDatabase(dir);
      dbs.push(db);
      return createSqliteNotificationStore(db);
    },
    async teardown() {
      for (const db of dbs) db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
});

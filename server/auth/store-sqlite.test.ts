import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type SqliteDatabase } from '../database.ts';
import { runMembershipStoreTests } from './acceptance.ts';
import { createSqliteMembershipStore } from './sqlite.ts';

runMembershipStoreTests('sqlite', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mutual-members-'));
  const dbs: SqliteDatabase[] = [openDatabase(dir)];
  return {
    store: createSqliteMembershipStore(dbs[0]),
    async second() {
      const db = openDatabase(dir);
      dbs.push(db);
      return createSqliteMembershipStore(db);
    },
    async teardown() {
      for (const db of dbs) db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
});

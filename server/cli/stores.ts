/**
 * The stores of the backup tools, opened from the environment exactly as the server opens
 * them (server/stores.ts): DATA_DIR's SQLite database, or with STORE=postgres the shared
 * PostgreSQL database at DATABASE_URL.
 */
import fs from 'node:fs';
import path from 'node:path';
import { BackupError } from '../backup/backup.ts';
import { loadConfig, type MutualConfig } from '../config.ts';
import { DATABASE_FILE } from '../database.ts';
import { createLogger } from '../log.ts';
import { openStores, type Stores } from '../stores.ts';

/** Open the configured stores; `mustExist`: refuse a data directory without a database (a backup). */
export async function openCliStores(env: NodeJS.ProcessEnv, mustExist: boolean): Promise<{ stores: Stores; config: MutualConfig; close(): Promise<void> }> {
  const config = loadConfig(env);
  if (config.store === 'memory') throw new BackupError('STORE=memory keeps nothing to back up or restore into; use sqlite or postgres.');
  if (config.store === 'sqlite' && mustExist && !fs.existsSync(path.join(config.dataDir, DATABASE_FILE))) {
    throw new BackupError(`There is no Mutual database in ${config.dataDir} (set DATA_DIR).`);
  }
  // Warnings only, on stderr: stdout carries the command's own report.
  const stores = await openStores(config, createLogger('warn', (line) => process.stderr.write(line + '\n')));
  return {
    stores,
    config,
    async close() {
      await stores.documents.close();
      await stores.closeHandles();
    }
  };
}

/** Where the data is, in words (never the password of a DATABASE_URL). */
export function describeTarget(config: MutualConfig): string {
  if (config.store !== 'postgres') return config.dataDir;
  const url = new URL(config.databaseUrl);
  return `PostgreSQL database ${url.pathname.slice(1) || url.username} on ${url.hostname}`;
}

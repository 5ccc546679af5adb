/**
 * `DATA_DIR=… npm run backup -- --workspace ID --out FILE`
 *
 * Writes one JSON file with the workspace's documents, catalogue (the index document),
 * members (with token hashes, so existing devices keep working after a restore), invite
 * hashes and document versions. Safe while the server runs: everything is read in one
 * SQLite read transaction (WAL lets the server keep writing meanwhile).
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config.ts';
import { DATABASE_FILE, openDatabase } from '../database.ts';
import { BackupError, createServerBackup } from '../backup/backup.ts';
import { parseArgs } from './args.ts';

function main(): void {
  const args = parseArgs(process.argv.slice(2), []);
  const workspaceId = args.workspace;
  const out = args.out;
  if (typeof workspaceId !== 'string' || typeof out !== 'string') {
    throw new BackupError('Usage: DATA_DIR=… npm run backup -- --workspace ID --out FILE');
  }
  const { dataDir } = loadConfig(process.env);
  if (!fs.existsSync(path.join(dataDir, DATABASE_FILE))) throw new BackupError(`There is no Mutual database in ${dataDir} (set DATA_DIR).`);
  const db = openDatabase(dataDir);
  try {
    const backup = createServerBackup(db, workspaceId);
    // Write to a temporary name and rename: a crash never leaves a half-written backup.
    const tmp = `${out}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, JSON.stringify(backup));
    fs.renameSync(tmp, out);
    console.log(`Backed up workspace ${workspaceId}: ${backup.documents.length} documents, ${backup.members.length} members, ${backup.versions.length} versions → ${out}`);
  } finally {
    db.close();
  }
}

try {
  main();
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}

/**
 * `DATA_DIR=… npm run restore -- --in FILE [--force] [--from-device [--admin-name NAME]]`
 *
 * Restores a backup into the data directory. Stop the server of that directory first.
 * - Server backups bring back members with their token hashes: devices reconnect with the
 *   tokens they already hold and find everything.
 * - Replacing a workspace that exists needs `--force`.
 * - Device backups (`--from-device`) hold no tokens: a new admin and new invite links are
 *   created and printed once; members rejoin with the links.
 */
import fs from 'node:fs';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../database.ts';
import { parseBackup } from '#shared/backup/format';
import { BackupError, restoreBackup } from '../backup/backup.ts';
import { parseArgs } from './args.ts';

function main(): void {
  const args = parseArgs(process.argv.slice(2), ['force', 'from-device']);
  const input = args.in;
  if (typeof input !== 'string') throw new BackupError('Usage: DATA_DIR=… npm run restore -- --in FILE [--force] [--from-device [--admin-name NAME]]');
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(input, 'utf8'));
  } catch (err) {
    throw new BackupError(`Could not read ${input}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const file = parseBackup(json);
  const config = loadConfig(process.env);
  const db = openDatabase(config.dataDir);
  try {
    const result = restoreBackup(db, file, {
      force: args.force === true,
      fromDevice: args['from-device'] === true,
      adminName: typeof args['admin-name'] === 'string' ? args['admin-name'] : undefined
    });
    console.log(`Restored workspace ${result.workspaceId}: ${result.documents} documents, ${result.members} members, ${result.versions} versions into ${config.dataDir}`);
    if (result.admin && result.invites) {
      const origin = config.publicOrigin || 'http://localhost:3000';
      console.log('This was a device backup: members rejoin with these links (shown once):');
      console.log(`  editors: ${origin}/join/${result.workspaceId}#${result.invites.editor}`);
      console.log(`  viewers: ${origin}/join/${result.workspaceId}#${result.invites.viewer}`);
      console.log(`New admin "${args['admin-name'] ?? 'Admin'}" token (keep it secret): ${result.admin.token}`);
    }
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

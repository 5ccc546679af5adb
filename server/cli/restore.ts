/**
 * `DATA_DIR=… npm run restore -- --in FILE [--force] [--from-device [--admin-name NAME]]`
 * (or `STORE=postgres DATABASE_URL=… npm run restore -- …`)
 *
 * Restores a backup into the configured stores. Stop every server using them first.
 * - Server backups bring back members with their token hashes: devices reconnect with the
 *   tokens they already hold and find everything.
 * - Replacing a workspace that exists needs `--force`.
 * - Device backups (`--from-device`) hold no tokens: a new admin and new invite links are
 *   created and printed once; members rejoin with the links.
 */
import fs from 'node:fs';
import { parseBackup } from '#shared/backup/format';
import { BackupError, restoreBackup } from '../backup/backup.ts';
import { parseArgs } from './args.ts';
import { describeTarget, openCliStores } from './stores.ts';

async function main(): Promise<void> {
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
  const { stores, config, close } = await openCliStores(process.env, false);
  try {
    const result = await restoreBackup(stores, file, {
      force: args.force === true,
      fromDevice: args['from-device'] === true,
      adminName: typeof args['admin-name'] === 'string' ? args['admin-name'] : undefined
    });
    console.log(`Restored workspace ${result.workspaceId}: ${result.documents} documents, ${result.members} members, ${result.versions} versions into ${describeTarget(config)}`);
    if (result.admin && result.invites) {
      const origin = config.publicOrigin || 'http://localhost:3000';
      console.log('This was a device backup: members rejoin with these links (shown once):');
      console.log(`  editors: ${origin}/join/${result.workspaceId}#${result.invites.editor}`);
      console.log(`  viewers: ${origin}/join/${result.workspaceId}#${result.invites.viewer}`);
      console.log(`New admin "${args['admin-name'] ?? 'Admin'}" token (keep it secret): ${result.admin.token}`);
    }
  } finally {
    await close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  }
);

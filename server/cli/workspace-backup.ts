/**
 * Workspace backup and restore from the command line (`npm run backup` / `npm run restore`,
 * or `npm run admin -- backup --workspace …` / `restore --in FILE.json`): one JSON file per
 * workspace, through the configured stores (SQLite or PostgreSQL). See backup/backup.ts.
 */
import fs from 'node:fs';
import { parseBackup } from '#shared/backup/format';
import { BackupError, createServerBackup, restoreBackup } from '../backup/backup.ts';
import { describeTarget, openCliStores } from './stores.ts';

type Args = Record<string, string | true>;

/**
 * `--workspace ID --out FILE`: safe while servers run (every relayed update is already
 * stored, and each document is read whole in one read).
 */
export async function workspaceBackup(args: Args, env: NodeJS.ProcessEnv): Promise<void> {
  const workspaceId = args.workspace;
  const out = args.out;
  if (typeof workspaceId !== 'string' || typeof out !== 'string') {
    throw new BackupError('Usage: DATA_DIR=… npm run backup -- --workspace ID --out FILE');
  }
  const { stores, config, close } = await openCliStores(env, true);
  try {
    const backup = await createServerBackup(stores, workspaceId);
    // Write to a temporary name and rename: a crash never leaves a half-written backup.
    const tmp = `${out}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, JSON.stringify(backup));
    fs.renameSync(tmp, out);
    console.log(`Backed up workspace ${workspaceId} from ${describeTarget(config)}: ${backup.documents.length} documents, ${backup.members.length} members, ${backup.versions.length} versions → ${out}`);
  } finally {
    await close();
  }
}

/**
 * `--in FILE [--force] [--from-device [--admin-name NAME]]`: stop every server using the
 * stores first. Server backups bring members back with their token hashes; replacing a
 * workspace that exists needs `--force`; device backups (no tokens) get a new admin and new
 * invite links, printed once.
 */
export async function workspaceRestore(args: Args, env: NodeJS.ProcessEnv): Promise<void> {
  const input = args.in;
  if (typeof input !== 'string') throw new BackupError('Usage: DATA_DIR=… npm run restore -- --in FILE [--force] [--from-device [--admin-name NAME]]');
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(input, 'utf8'));
  } catch (err) {
    throw new BackupError(`Could not read ${input}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const file = parseBackup(json);
  const { stores, config, close } = await openCliStores(env, false);
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

/** Run a command's main function: print its error in plain words and exit 1, or exit 0. */
export function runCommand(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : String(err));
      process.exit(1);
    }
  );
}

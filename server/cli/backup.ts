/**
 * `DATA_DIR=… npm run backup -- --workspace ID --out FILE`
 * (or `STORE=postgres DATABASE_URL=… npm run backup -- …` for several instances' shared database)
 *
 * Writes one JSON file with the workspace's documents, catalogue (the index document),
 * members (with token hashes, so existing devices keep working after a restore) and their
 * key history, invite hashes and document versions. Safe while servers run: every relayed
 * update is already stored, and each document is read whole in one read.
 */
import fs from 'node:fs';
import { BackupError, createServerBackup } from '../backup/backup.ts';
import { parseArgs } from './args.ts';
import { describeTarget, openCliStores } from './stores.ts';

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), []);
  const workspaceId = args.workspace;
  const out = args.out;
  if (typeof workspaceId !== 'string' || typeof out !== 'string') {
    throw new BackupError('Usage: DATA_DIR=… npm run backup -- --workspace ID --out FILE');
  }
  const { stores, config, close } = await openCliStores(process.env, true);
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

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  }
);

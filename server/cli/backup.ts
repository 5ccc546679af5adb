/**
 * `DATA_DIR=… npm run backup -- --workspace ID --out FILE`
 * (or `STORE=postgres DATABASE_URL=… npm run backup -- …` for several instances' shared database)
 *
 * Writes one JSON file with the workspace's documents, catalogue (the index document),
 * members (with token hashes, so existing devices keep working after a restore) and their
 * key history, invite hashes and document versions. Safe while servers run.
 * The whole SQLite database: `npm run admin -- backup --out DIR` (admin.ts).
 */
import { parseArgs } from './args.ts';
import { runCommand, workspaceBackup } from './workspace-backup.ts';

runCommand(() => workspaceBackup(parseArgs(process.argv.slice(2), []), process.env));

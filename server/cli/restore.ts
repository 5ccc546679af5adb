/**
 * `DATA_DIR=… npm run restore -- --in FILE [--force] [--from-device [--admin-name NAME]]`
 * (or `STORE=postgres DATABASE_URL=… npm run restore -- …`)
 *
 * Restores a workspace backup into the configured stores (stop every server using them
 * first). The whole SQLite database: `npm run admin -- restore --in FILE.sqlite` (admin.ts).
 */
import { parseArgs } from './args.ts';
import { runCommand, workspaceRestore } from './workspace-backup.ts';

runCommand(() => workspaceRestore(parseArgs(process.argv.slice(2), ['force', 'from-device']), process.env));

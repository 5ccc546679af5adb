/**
 * The database commands of `npm run admin` (admin.ts): whole-database backup and restore of
 * the SQLite store, workspace backup and restore (any store), and schema migration. They open
 * the database themselves: a backup reads the file while the server runs, a restore needs the
 * server stopped.
 *
 *   backup --out DIR [--keep N]          the whole SQLite database as DIR/mutual-<date>.sqlite; keeps the newest N
 *   backup --workspace ID --out FILE     one workspace as JSON (SQLite or PostgreSQL)
 *   restore --in FILE.sqlite             a whole-database backup into the (stopped) DATA_DIR
 *   restore --in FILE.json [--force] …   a workspace backup (see workspace-backup.ts)
 *   migrate                              bring the schema up to date (the server also does at start)
 */
import fs from 'node:fs';
import path from 'node:path';
import { BackupError } from '../backup/backup.ts';
import { backupDatabase, isSqliteFile, restoreDatabase } from '../backup/database-backup.ts';
import { loadConfig, type MutualConfig } from '../config.ts';
import { DATABASE_FILE } from '../database.ts';
import { createLogger } from '../log.ts';
import { openStores } from '../stores.ts';
import { schemaVersion } from '../store/sqlite-migrations.ts';
import { workspaceBackup, workspaceRestore } from './workspace-backup.ts';

type Args = Record<string, string | true>;

export interface DatabaseCommand {
  usage: string;
  help: string;
  /** Flags (options without a value) the command takes. */
  flags: string[];
  run(args: Args, env: NodeJS.ProcessEnv, print: (line?: string) => void): Promise<void>;
}

/** The SQLite database the settings name; other stores have their own tools. */
function sqliteOnly(config: MutualConfig, what: string): string {
  if (config.store === 'postgres') throw new BackupError(`${what} is for the SQLite store. With STORE=postgres use PostgreSQL's tools (pg_dump / pg_restore): see docs/self-hosting.md.`);
  if (config.store === 'memory') throw new BackupError('STORE=memory keeps nothing to back up or restore into; use sqlite.');
  return path.join(config.dataDir, DATABASE_FILE);
}

/** Whole-database backup through a connection of its own, copied in one step (consistent while the server writes). */
async function databaseBackup(args: Args, config: MutualConfig, print: (line?: string) => void): Promise<void> {
  const out = args.out;
  if (typeof out !== 'string') throw new BackupError(`--out is missing. Usage: npm run admin -- ${DATABASE_COMMANDS.backup.usage}`);
  const keep = args.keep === undefined ? undefined : Number(args.keep);
  if (keep !== undefined && !(Number.isInteger(keep) && keep >= 1)) throw new BackupError(`--keep must be a whole number of at least 1, got "${String(args.keep)}".`);
  const file = sqliteOnly(config, 'A whole-database backup');
  if (!fs.existsSync(file)) throw new BackupError(`There is no Mutual database in ${config.dataDir} (set DATA_DIR).`);
  // The file itself, never openDatabase: a backup reads, it never migrates a running server's database.
  const result = await backupDatabase(file, out, { keep });
  const removed = result.removed.length ? `; removed ${result.removed.length} older: ${result.removed.map((f) => path.basename(f)).join(', ')}` : '';
  print(`Backed up ${file} → ${result.file} (${result.bytes} bytes)${removed}`);
}

function databaseRestore(input: string, config: MutualConfig, print: (line?: string) => void): void {
  sqliteOnly(config, 'Restoring a .sqlite backup');
  const result = restoreDatabase(input, config.dataDir);
  print(`Restored ${input} into ${config.dataDir} (schema ${result.schemaVersion}; migrated at the next start).`);
  if (result.keptAside) print(`The database that was there is kept as ${result.keptAside}; delete it once you are sure.`);
}

export const DATABASE_COMMANDS: Record<string, DatabaseCommand> = {
  backup: {
    usage: 'backup --out DIR [--keep N]  |  backup --workspace ID --out FILE',
    help: 'The whole SQLite database, while the server runs, as DIR/mutual-<date>.sqlite, keeping the newest N; or one workspace as a JSON file (SQLite or PostgreSQL).',
    flags: [],
    async run(args, env, print) {
      if (args.workspace !== undefined) return workspaceBackup(args, env);
      return databaseBackup(args, loadConfig(env), print);
    }
  },
  restore: {
    usage: 'restore --in FILE.sqlite  |  restore --in FILE.json [--force] [--from-device [--admin-name NAME]]',
    help: "A whole-database backup into the stopped server's DATA_DIR (the old database is kept aside), or a workspace backup.",
    flags: ['force', 'from-device'],
    async run(args, env, print) {
      const input = args.in;
      if (typeof input !== 'string') throw new BackupError(`--in is missing. Usage: npm run admin -- ${this.usage}`);
      if (fs.existsSync(input) && isSqliteFile(input)) return databaseRestore(input, loadConfig(env), print);
      return workspaceRestore(args, env);
    }
  },
  migrate: {
    usage: 'migrate',
    help: 'Brings the database schema up to date (the server also does at start); a database from a newer Mutual is refused.',
    flags: [],
    async run(_args, env, print) {
      const config = loadConfig(env);
      const stores = await openStores(config, createLogger('warn', (line) => process.stderr.write(line + '\n')));
      try {
        const version = stores.db && config.store === 'sqlite' ? `schema ${schemaVersion(stores.db)}` : 'schema up to date';
        print(`${config.store === 'postgres' ? 'PostgreSQL database' : config.dataDir}: ${version}.`);
      } finally {
        await stores.documents.close();
        await stores.closeHandles();
      }
    }
  }
};

/**
 * `npm run admin -- <command> [options]`: the server's administration commands. They read
 * the same settings as the server (DATA_DIR, STORE, DATABASE_URL).
 *
 *   backup --out DIR [--keep N]          the whole SQLite database, while the server runs,
 *                                        as DIR/mutual-<date>.sqlite; keeps the newest N
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
import { parseArgs } from './args.ts';
import { runCommand, workspaceBackup, workspaceRestore } from './workspace-backup.ts';

const USAGE = `Usage: npm run admin -- <command>
  backup --out DIR [--keep N]        whole database (SQLite) → DIR/mutual-<date>.sqlite, keeping the newest N
  backup --workspace ID --out FILE   one workspace → FILE (JSON)
  restore --in FILE                  a .sqlite backup into the stopped DATA_DIR, or a workspace .json backup
  migrate                            bring the database schema up to date`;

/** The SQLite database the settings name; other stores have their own tools. */
function sqliteOnly(config: MutualConfig, what: string): string {
  if (config.store === 'postgres') throw new BackupError(`${what} is for the SQLite store. With STORE=postgres use PostgreSQL's tools (pg_dump / pg_restore): see docs/self-hosting.md.`);
  if (config.store === 'memory') throw new BackupError('STORE=memory keeps nothing to back up or restore into; use sqlite.');
  return path.join(config.dataDir, DATABASE_FILE);
}

/** Whole-database backup through a connection of its own, copied in one step (consistent while the server writes). */
async function databaseBackup(args: Record<string, string | true>, config: MutualConfig): Promise<void> {
  const out = args.out;
  if (typeof out !== 'string') throw new BackupError(USAGE);
  const keep = args.keep === undefined ? undefined : Number(args.keep);
  if (keep !== undefined && !(Number.isInteger(keep) && keep >= 1)) throw new BackupError(`--keep must be a whole number of at least 1, got "${String(args.keep)}".`);
  const file = sqliteOnly(config, 'A whole-database backup');
  if (!fs.existsSync(file)) throw new BackupError(`There is no Mutual database in ${config.dataDir} (set DATA_DIR).`);
  // The file itself, never openDatabase: a backup reads, it never migrates a running server's database.
  const result = await backupDatabase(file, out, { keep });
  const removed = result.removed.length ? `; removed ${result.removed.length} older: ${result.removed.map((f) => path.basename(f)).join(', ')}` : '';
  console.log(`Backed up ${file} → ${result.file} (${result.bytes} bytes)${removed}`);
}

function databaseRestore(input: string, config: MutualConfig): void {
  sqliteOnly(config, 'Restoring a .sqlite backup');
  const result = restoreDatabase(input, config.dataDir);
  console.log(`Restored ${input} into ${config.dataDir} (schema ${result.schemaVersion}; migrated at the next start).`);
  if (result.keptAside) console.log(`The database that was there is kept as ${result.keptAside}; delete it once you are sure.`);
}

async function migrate(config: MutualConfig): Promise<void> {
  const stores = await openStores(config, createLogger('warn', (line) => process.stderr.write(line + '\n')));
  try {
    const version = stores.db && config.store === 'sqlite' ? `schema ${schemaVersion(stores.db)}` : 'schema up to date';
    console.log(`${config.store === 'postgres' ? 'PostgreSQL database' : config.dataDir}: ${version}.`);
  } finally {
    await stores.documents.close();
    await stores.closeHandles();
  }
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv.filter((a) => a !== '--');
  const args = parseArgs(rest, ['force', 'from-device']);
  const env = process.env;
  switch (command) {
    case 'backup':
      if (args.workspace !== undefined) return workspaceBackup(args, env);
      return databaseBackup(args, loadConfig(env));
    case 'restore': {
      const input = args.in;
      if (typeof input !== 'string') throw new BackupError(USAGE);
      if (fs.existsSync(input) && isSqliteFile(input)) return databaseRestore(input, loadConfig(env));
      return workspaceRestore(args, env);
    }
    case 'migrate':
      return migrate(loadConfig(env));
    default:
      throw new BackupError(command ? `Unknown command "${command}".\n${USAGE}` : USAGE);
  }
}

runCommand(() => main(process.argv.slice(2)));

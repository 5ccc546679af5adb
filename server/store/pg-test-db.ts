/**
 * Test support for the PostgreSQL stores: one throwaway server per test file and a fresh,
 * migrated schema per test (cheaper than a database, just as isolated).
 */
import pg from 'pg';
import { startPostgres, type Service } from '../../tests/helpers/services.ts';
import { migratePostgres } from './pg-migrations.ts';

let server: Promise<Service> | null = null;
let schemas = 0;

/** The file's PostgreSQL server (started on first use; stop it with {@link stopTestPostgres}). */
export function testPostgres(): Promise<Service> {
  server ??= startPostgres();
  return server;
}

/** Stop the file's server if it was started. */
export async function stopTestPostgres(): Promise<void> {
  const s = server;
  server = null;
  if (s) await (await s).stop();
}

/** A pool over a new, migrated schema of the file's server. */
export async function freshSchemaPool(): Promise<{ pool: pg.Pool; schema: string; connect(): pg.Pool }> {
  const { url } = await testPostgres();
  const schema = `t${process.pid}_${++schemas}`;
  const admin = new pg.Client(url);
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const connect = () => {
    const pool = new pg.Pool({ connectionString: url, options: `-c search_path=${schema}`, max: 4 });
    // A connection still closing when the server stops at the end of the file reports an
    // error on the pool; without a listener that would be an unhandled error.
    pool.on('error', () => {});
    return pool;
  };
  const pool = connect();
  await migratePostgres(pool);
  return { pool, schema, connect };
}

/**
 * Throwaway PostgreSQL and Redis servers for the scale-out tests and bench: each starts on a
 * free loopback port with its data in a temp directory, and `stop()` kills it and removes
 * the directory. Nothing is left running, nothing is read from or written to a system service.
 *
 * The binaries come from Debian's packages (`apt-get install -y --no-install-recommends
 * postgresql redis-server`); when they are missing, start fails with that sentence rather
 * than the tests being skipped.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './child.ts';

const INSTALL_HINT = 'install them with: apt-get install -y --no-install-recommends postgresql redis-server';

/** A running throwaway service. */
export interface Service {
  /** postgres://… or redis://… on 127.0.0.1. */
  url: string;
  port: number;
  /** Kill the server and remove its data directory (idempotent). */
  stop(): Promise<void>;
}

/** Directory of PostgreSQL's server binaries (the newest installed major version). */
function pgBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root) ? fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, 'bin', 'postgres'))) : [];
  if (versions.length === 0) throw new Error(`PostgreSQL server binaries not found under ${root}; ${INSTALL_HINT}`);
  versions.sort((a, b) => Number(b) - Number(a));
  return path.join(root, versions[0], 'bin');
}

/**
 * PostgreSQL refuses to run as root. As root, run it as the `postgres` system user the
 * package created (its data directory handed over to that user); otherwise as ourselves.
 */
function pgUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    return { uid, gid };
  } catch {
    throw new Error(`running as root and there is no 'postgres' user to run PostgreSQL as; ${INSTALL_HINT}`);
  }
}

/** Resolve when `child` prints `pattern` on stdout or stderr; reject on exit or after `ms`. */
function waitForOutput(child: ChildProcess, pattern: RegExp, what: string, ms = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => done(new Error(`${what} did not start within ${ms} ms:\n${out}`)), ms);
    const onData = (d: Buffer) => {
      out += String(d);
      if (pattern.test(out)) done(null);
    };
    const onExit = (code: number | null) => done(new Error(`${what} exited with ${code}:\n${out}`));
    const done = (err: Error | null) => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

/** Kill `child` (SIGTERM, then SIGKILL after 5 s) and wait for it to exit. */
async function kill(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/**
 * initdb takes seconds on a busy machine; run it once per machine and copy the result
 * (a cluster directory is relocatable). Built beside and renamed into place, so test files
 * starting in parallel never see half a template.
 */
function copyTemplate(bin: string, target: string, user: { uid: number; gid: number } | null): void {
  const version = path.basename(path.dirname(bin));
  const template = path.join(os.tmpdir(), `mutual-pg-template-${version}-${user ? user.uid : process.getuid?.() ?? 'u'}`);
  const as = user ? { uid: user.uid, gid: user.gid } : {};
  if (!fs.existsSync(path.join(template, 'PG_VERSION'))) {
    const building = fs.mkdtempSync(`${template}-building-`);
    if (user) fs.chownSync(building, user.uid, user.gid);
    const data = path.join(building, 'data');
    try {
      execFileSync(path.join(bin, 'initdb'), ['-D', data, '-U', 'mutual', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync'], { ...as, stdio: 'pipe', cwd: building });
      fs.renameSync(data, template);
    } catch (err) {
      // Lost a race with another test file: its template is as good as ours.
      if (!fs.existsSync(path.join(template, 'PG_VERSION'))) {
        const e = err as { stderr?: Buffer };
        throw new Error(`initdb failed: ${e.stderr ? String(e.stderr) : String(err)}`);
      }
    } finally {
      fs.rmSync(building, { recursive: true, force: true });
    }
  }
  // cp -a keeps ownership and the 0700 mode PostgreSQL insists on.
  execFileSync('cp', ['-a', template, target], { stdio: 'pipe' });
}

/**
 * Start a throwaway PostgreSQL: initdb into a temp dir, `postgres` on a free loopback port,
 * trust authentication, durability off (fsync=off: these tests kill relays, never the
 * database, and fsync on a shared CI disk would dominate their time).
 */
export async function startPostgres(opts: { durable?: boolean } = {}): Promise<Service> {
  const bin = pgBinDir();
  const user = pgUser();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mutual-pg-'));
  const data = path.join(dir, 'data');
  const socketDir = path.join(dir, 'sock');
  fs.mkdirSync(socketDir);
  if (user) {
    fs.chownSync(dir, user.uid, user.gid);
    fs.chownSync(socketDir, user.uid, user.gid);
  }
  const as = user ? { uid: user.uid, gid: user.gid } : {};
  try {
    copyTemplate(bin, data, user);
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const port = await freePort();
  const settings = ['-c', `port=${port}`, '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${socketDir}`, '-c', 'max_connections=200', '-c', 'shared_buffers=64MB'];
  if (!opts.durable) settings.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  const child = spawn(path.join(bin, 'postgres'), ['-D', data, ...settings], { ...as, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    await waitForOutput(child, /ready to accept connections/, 'PostgreSQL');
  } catch (err) {
    await kill(child, 'SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  let stopped: Promise<void> | null = null;
  return {
    url: `postgres://mutual@127.0.0.1:${port}/postgres`,
    port,
    stop() {
      // SIGINT: PostgreSQL's "fast" shutdown (ends sessions, no waiting for clients).
      stopped ??= kill(child, 'SIGINT').then(() => fs.rmSync(dir, { recursive: true, force: true }));
      return stopped;
    }
  };
}

/** Start a throwaway Redis on a free loopback port, without persistence. */
export async function startRedis(): Promise<Service> {
  const binary = '/usr/bin/redis-server';
  if (!fs.existsSync(binary)) throw new Error(`${binary} not found; ${INSTALL_HINT}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mutual-redis-'));
  const port = await freePort();
  const child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    await waitForOutput(child, /Ready to accept connections/i, 'Redis');
  } catch (err) {
    await kill(child, 'SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  let stopped: Promise<void> | null = null;
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop() {
      stopped ??= kill(child).then(() => fs.rmSync(dir, { recursive: true, force: true }));
      return stopped;
    }
  };
}

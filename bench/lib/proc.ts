/**
 * Child processes of the bench: each server under test runs alone on one core, the load
 * generator on the other (`taskset -c`), so neither steals the other's CPU.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = path.resolve(BENCH_DIR, '..');
/** Line prefix a server entry prints once it listens, followed by JSON `{port}`. */
export const READY_PREFIX = 'BENCH_READY ';
/** Line prefix a worker prints with its JSON result. */
export const RESULT_PREFIX = 'BENCH_RESULT ';

const hasTaskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0;

/** `node --import tsx script`, pinned to `cpu` when taskset works. */
function spawnPinned(script: string, args: string[], cpu: number | null, env: NodeJS.ProcessEnv, nodeFlags: string[] = []): ChildProcess {
  const node = [...nodeFlags, '--import', 'tsx', path.join(BENCH_DIR, script), ...args];
  const [cmd, argv] = hasTaskset && cpu !== null ? ['taskset', ['-c', String(cpu), process.execPath, ...node]] : [process.execPath, node];
  return spawn(cmd as string, argv as string[], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Keep the last `max` characters of a stream (for error messages). */
function tail(max = 4000) {
  let text = '';
  return { push: (s: string) => (text = (text + s).slice(-max)), get: () => text };
}

export interface ServerProcess {
  port: number;
  pid: number;
  /** The last few KB the server wrote to stderr (warnings, crashes). */
  stderr(): string;
  /** SIGTERM (the entry closes and exits, writing a CPU profile if asked), SIGKILL after 5 s. */
  stop(): Promise<void>;
}

/** Start `bench/servers/<system>.ts` and wait for its ready line. */
export function startServer(system: string, env: Record<string, string>, opts: { cpu?: number | null; cpuProfDir?: string } = {}): Promise<ServerProcess> {
  const flags = ['--expose-gc', '--max-old-space-size=3072'];
  if (opts.cpuProfDir) flags.push('--cpu-prof', `--cpu-prof-dir=${opts.cpuProfDir}`);
  const child = spawnPinned(`servers/${system}.ts`, [], opts.cpu === undefined ? 0 : opts.cpu, { PORT: '0', ...env }, flags);
  const err = tail();
  child.stderr?.on('data', (d: Buffer) => err.push(d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${system} server did not start within 30 s: ${err.get()}`));
    }, 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${system} server exited (${code}) before ready: ${err.get()}`));
    });
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      const i = buf.indexOf(READY_PREFIX);
      const nl = i >= 0 ? buf.indexOf('\n', i) : -1;
      if (nl < 0) {
        buf = buf.slice(-2000);
        return;
      }
      clearTimeout(timer);
      const { port } = JSON.parse(buf.slice(i + READY_PREFIX.length, nl)) as { port: number };
      buf = '';
      child.stdout?.removeAllListeners('data');
      child.stdout?.resume();
      resolve({
        port,
        pid: child.pid ?? -1,
        stderr: () => err.get(),
        async stop() {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill('SIGTERM');
          const t = setTimeout(() => child.kill('SIGKILL'), opts.cpuProfDir ? 20_000 : 5000);
          await exited;
          clearTimeout(t);
        }
      });
    });
  });
}

/** Run `bench/<script>` with a JSON argument on `cpu` and return the JSON it reports. */
export function runWorker<T>(script: string, input: unknown, cpu: number | null = 1, timeoutMs = 120_000): Promise<T> {
  const child = spawnPinned(script, [JSON.stringify(input)], cpu, {});
  const out = tail(1_000_000);
  const err = tail();
  child.stdout?.on('data', (d: Buffer) => out.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => err.push(d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      const line = out.get().split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      if (!line) return reject(new Error(`${script} exited (${code}) without a result: ${err.get()}`));
      resolve(JSON.parse(line.slice(RESULT_PREFIX.length)) as T);
    });
  });
}

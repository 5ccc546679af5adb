import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

/** A free TCP port on loopback (closed again; tiny race accepted in tests). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** A relay child process. */
export interface RelayChild {
  process: ChildProcess;
  port: number;
  /** Resolves with the exit code/signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawn tests/helpers/relay-child.ts on `port` with data in `dataDir`; resolves once it listens. */
export async function spawnRelay(port: number, dataDir: string, env: Record<string, string> = {}): Promise<RelayChild> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('tests/helpers/relay-child.ts')], {
    env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`relay child did not start: ${stderr}`)), 30_000);
    child.stdout!.on('data', (d) => {
      out += String(d);
      if (out.includes('"listening"')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`relay child exited with ${code}: ${stderr}`));
    });
  });
  return { process: child, port, exited };
}

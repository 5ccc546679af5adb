/**
 * The unreliable world a chaos scenario runs in: the real relay in a child process that
 * can be `kill -9`ed and restarted on the same port and data directory, and one TCP proxy
 * per client that can cut its connections abruptly (no close frame: the client sees a
 * dropped network, the relay a reset) and refuse new ones until healed (a partition).
 */
import net from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DATABASE_FILE } from '../../server/database.ts';
import { freePort, spawnRelay, type RelayChild } from '../helpers/child.ts';
import { removeDir, tempDir } from '../helpers/server.ts';

/** The relay under test, restartable. */
export class RelayProcess {
  private child: RelayChild | null = null;
  /** How many times it was killed with SIGKILL. */
  kills = 0;
  /** `PRAGMA integrity_check` answers other than "ok" after a kill. */
  readonly integrityFailures: string[] = [];

  private constructor(
    readonly port: number,
    readonly dataDir: string,
    private readonly env: Record<string, string>
  ) {}

  /** Spawn a relay child on a free port with a fresh data directory. */
  static async start(env: Record<string, string> = {}): Promise<RelayProcess> {
    const relay = new RelayProcess(await freePort(), tempDir('mutual-chaos-'), env);
    await relay.spawn();
    return relay;
  }

  get up(): boolean {
    return this.child !== null;
  }

  get pid(): number | undefined {
    return this.child?.process.pid;
  }

  get httpUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private async spawn(): Promise<void> {
    // Compaction and unloading happen often, so the chaos crosses them too.
    this.child = await spawnRelay(this.port, this.dataDir, { UNLOAD_GRACE_MS: '150', COMPACT_AFTER_UPDATES: '60', ...this.env });
  }

  /** `kill -9`: no flush, no goodbye. Resolves once the process is gone. */
  async kill9(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = null;
    this.kills++;
    child.process.kill('SIGKILL');
    await child.exited;
    // What the dead process left behind must be a whole database.
    const db = new Database(path.join(this.dataDir, DATABASE_FILE));
    try {
      const result = String(db.pragma('integrity_check', { simple: true }));
      if (result !== 'ok') this.integrityFailures.push(result);
    } finally {
      db.close();
    }
  }

  /** Start again on the same port and data directory. */
  async restart(): Promise<void> {
    if (this.child) return;
    await this.spawn();
  }

  /** Stop for good (SIGTERM, flushes) and remove the data directory. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (child && child.process.exitCode === null && child.process.signalCode === null) {
      child.process.kill('SIGTERM');
      const timer = setTimeout(() => child.process.kill('SIGKILL'), 5000);
      await child.exited;
      clearTimeout(timer);
    }
    removeDir(this.dataDir);
  }
}

/** A TCP proxy between one client and the relay that the chaos can cut. */
export class FlakyLink {
  private server: net.Server | null = null;
  private readonly pairs = new Set<[net.Socket, net.Socket]>();
  private down = false;
  port = 0;

  /** @param latencyMs constant per link, so the byte order of a connection is preserved. */
  constructor(
    private readonly targetPort: number,
    private readonly latencyMs = 0
  ) {}

  async listen(): Promise<void> {
    this.server = net.createServer((client) => this.accept(client));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  get partitioned(): boolean {
    return this.down;
  }

  /** Drop every connection now (like a network drop) and refuse new ones until {@link heal}. */
  partition(): void {
    this.down = true;
    this.cut();
  }

  heal(): void {
    this.down = false;
  }

  /** Drop every current connection abruptly; new ones may connect at once. */
  cut(): void {
    for (const [a, b] of this.pairs) {
      a.destroy();
      b.destroy();
    }
    this.pairs.clear();
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = null;
  }

  private accept(client: net.Socket): void {
    client.on('error', () => {});
    if (this.down) return void client.destroy();
    const upstream = net.connect(this.targetPort, '127.0.0.1');
    upstream.on('error', () => {});
    const pair: [net.Socket, net.Socket] = [client, upstream];
    this.pairs.add(pair);
    const end = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end);
    upstream.on('close', end);
    this.pipe(client, upstream);
    this.pipe(upstream, client);
  }

  private pipe(from: net.Socket, to: net.Socket): void {
    if (this.latencyMs === 0) {
      from.pipe(to);
      return;
    }
    from.on('data', (chunk) => {
      setTimeout(() => {
        if (!to.destroyed) to.write(chunk);
      }, this.latencyMs);
    });
  }
}

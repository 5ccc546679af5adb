/**
 * The background replication queue of one workspace: documents waiting for a sync pass, a
 * few at a time. Knows nothing of sockets; `run` does the work for one document.
 */

/** Options of {@link BackgroundQueue}. */
export interface QueueOptions {
  /** Documents synced at once. */
  concurrency: number;
  /** Sync one document; resolve when done (or given up). `stop` aborts the wait early. */
  run(docId: string, stopSignal: StopSignal): Promise<void>;
  /** Something changed (queued, started, finished): the status may have too. */
  changed(): void;
  /** A run failed unexpectedly. */
  failed(docId: string, error: unknown): void;
}

/** Lets a running job be cut short (the device went offline, the workspace was refused). */
export interface StopSignal {
  readonly stopped: boolean;
  onStop(listener: () => void): void;
}

class Stop implements StopSignal {
  stopped = false;
  private listeners: (() => void)[] = [];
  onStop(listener: () => void): void {
    if (this.stopped) listener();
    else this.listeners.push(listener);
  }
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const listener of this.listeners.splice(0)) listener();
  }
}

/** Documents waiting to be synced in the background, and those syncing now. */
export class BackgroundQueue {
  private readonly queue: string[] = [];
  private readonly running = new Map<string, Stop>();
  private idleWaiters: (() => void)[] = [];
  private closed = false;

  constructor(private readonly options: QueueOptions) {}

  /** Queued and running documents. */
  get size(): { queued: number; running: number } {
    return { queued: this.queue.length, running: this.running.size };
  }

  /** Whether a document is syncing in the background now. */
  isRunning(docId: string): boolean {
    return this.running.has(docId);
  }

  /** Queue documents not already queued or running, and start as many as allowed. */
  enqueue(docIds: Iterable<string>): void {
    for (const docId of docIds) if (!this.running.has(docId) && !this.queue.includes(docId)) this.queue.push(docId);
    this.pump();
  }

  /** Drop what waits and cut short what runs (they are tried again on a later pass). */
  stopAll(): void {
    this.queue.length = 0;
    for (const stop of this.running.values()) stop.stop();
    this.options.changed();
    this.settle();
  }

  /** Resolves when nothing is queued or running. */
  whenIdle(): Promise<void> {
    if (this.queue.length === 0 && this.running.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stop everything and wait for running jobs to let go of their documents. */
  async close(): Promise<void> {
    this.closed = true;
    this.stopAll();
    await this.whenIdle();
  }

  private pump(): void {
    while (!this.closed && this.running.size < this.options.concurrency && this.queue.length > 0) {
      const docId = this.queue.shift() as string;
      const stop = new Stop();
      this.running.set(docId, stop);
      this.options
        .run(docId, stop)
        .catch((error: unknown) => this.options.failed(docId, error))
        .finally(() => {
          this.running.delete(docId);
          this.pump();
          this.options.changed();
          this.settle();
        });
    }
    this.options.changed();
  }

  private settle(): void {
    if (this.queue.length > 0 || this.running.size > 0) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}

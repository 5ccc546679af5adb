/**
 * A document store wrapper whose loads and appends can be held (until opened) or made to
 * fail, to put a document on the relay in a given lifecycle state and race events against it.
 */
import type { DocKey, DocumentStore } from '../../server/store/types.ts';

export class Gate {
  /** Calls for the matching documents that reached the gate so far. */
  arrived = 0;
  /** …and that passed it (held ones count once opened). */
  passed = 0;
  /** While true, matching calls that pass the gate reject. */
  failing = false;
  private held: Promise<void> | null = null;
  private release: () => void = () => {};

  constructor(
    private readonly name: string,
    private readonly matches: (key: DocKey) => boolean
  ) {}

  /** Hold every matching call from now until {@link open}. */
  hold(): void {
    if (!this.held) this.held = new Promise((r) => (this.release = r));
  }

  open(): void {
    this.held = null;
    this.release();
  }

  async pass<T>(key: DocKey, run: () => Promise<T>): Promise<T> {
    if (!this.matches(key)) return run();
    this.arrived++;
    while (this.held) await this.held;
    this.passed++;
    if (this.failing) throw new Error(`${this.name} failed (simulated)`);
    return run();
  }
}

export interface GatedStore {
  store: DocumentStore;
  loads: Gate;
  appends: Gate;
}

/**
 * Wrap `inner`: loads and appends of the documents `matching` go through their gates (the
 * others, like the workspace index, pass freely); compaction and the rest always pass.
 */
export function gatedStore(inner: DocumentStore, matching: (key: DocKey) => boolean = () => true): GatedStore {
  const loads = new Gate('load', matching);
  const appends = new Gate('append', matching);
  return {
    loads,
    appends,
    store: {
      load: (key) => loads.pass(key, () => inner.load(key)),
      append: (key, update) => appends.pass(key, () => inner.append(key, update)),
      compact: (key, snapshot) => inner.compact(key, snapshot),
      delete: (key) => inner.delete(key),
      listDocuments: (workspaceId) => inner.listDocuments(workspaceId),
      close: () => inner.close()
    }
  };
}

/**
 * Coordination between relay instances: which instance runs the work that must happen once.
 *
 * - The **leader lease**: one instance at a time is the leader and runs the jobs over the
 *   whole database (the retention pass over every private document). With STORE=postgres it
 *   is a PostgreSQL advisory lock held by one session (server/coordination/postgres.ts);
 *   another instance takes it over within a bounded time when the leader dies.
 * - **Exclusive jobs**: a job on one document (closing proposals past their deadline,
 *   purging contact details) runs on one instance at a time; an instance that finds it
 *   running elsewhere skips it (the other one does the work, and its result reaches every
 *   instance like any edit).
 *
 * One instance needs neither: the local coordinator (local.ts) is always the leader and only
 * keeps one job per document at a time within the process.
 */

/** What an exclusive job did: ran (with its result), or skipped because it runs elsewhere now. */
export type ExclusiveOutcome<T> = { ran: true; value: T } | { ran: false };

export interface Coordinator {
  /** Whether this instance holds the leader lease now. */
  readonly isLeader: boolean;
  /** Be told when this instance becomes or stops being the leader; returns an unsubscribe function. */
  onLeaderChange(handler: (leader: boolean) => void): () => void;
  /** Run `job` unless a job under `key` is running on any instance now (then skip it). */
  exclusive<T>(key: string, job: () => Promise<T>): Promise<ExclusiveOutcome<T>>;
  /** Give up the lease (another instance takes over at once) and stop. */
  close(): Promise<void>;
}

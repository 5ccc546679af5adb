/**
 * Coordination of instances sharing PostgreSQL (STORE=postgres).
 *
 * Leader lease: a session of its own (not from the pool) takes the advisory lock
 * (7262003, 0) with pg_try_advisory_lock. PostgreSQL holds a session's advisory locks until
 * the session ends, so when the leader's process dies its connection closes and the lock is
 * free at once; followers try every LEADER_LEASE_MS / 2 and one of them takes over. When the
 * leader's machine vanishes without closing the connection, PostgreSQL notices through TCP
 * keepalives set on the lease session (idle 5 s, then 5 probes 2 s apart: at most 15 s).
 * The leader checks its session every LEADER_LEASE_MS / 2 and steps down when a check fails
 * or takes longer than that, so it stops leading before PostgreSQL could hand the lock to
 * another instance (keep LEADER_LEASE_MS under 15 s). Takeover therefore takes at most
 * LEADER_LEASE_MS / 2 after a crash, and 15 s + LEADER_LEASE_MS / 2 after a machine vanished.
 *
 * Exclusive jobs: pg_try_advisory_lock(7262004, hashtext(key)) on a pooled connection, held
 * while the job runs (at most two at a time per instance, so jobs never take the pool the
 * relay's writes need). A key's lock held elsewhere skips the job.
 */
import pg from 'pg';
import { errorMessage, type Logger } from '../log.ts';
import { nextLease, type LeaseEffect, type LeaseEvent, type LeaseState } from './lease.ts';
import type { Coordinator, ExclusiveOutcome } from './types.ts';

/** Advisory lock keys (first halves; the compaction lock is 7262002, the migration lock 7262001). */
export const LEADER_LOCK_CLASS = 7_262_003;
export const JOB_LOCK_CLASS = 7_262_004;
/** The lease session's application_name (visible in pg_stat_activity). */
export const LEASE_APPLICATION_NAME = 'mutual-leader-lease';
/** Exclusive jobs running at once per instance. */
const MAX_JOBS = 2;

export interface PostgresCoordinatorOptions {
  pool: pg.Pool;
  /** The database (DATABASE_URL): the lease has its own session, outside the pool. */
  connectionString: string;
  /** LEADER_LEASE_MS: followers try, and the leader checks its session, every half of it. */
  leaseMs: number;
  logger: Logger;
}

/** Start taking part in the election at once. */
export function createPostgresCoordinator(opts: PostgresCoordinatorOptions): Coordinator {
  const { logger } = opts;
  const period = Math.max(10, Math.floor(opts.leaseMs / 2));
  const handlers = new Set<(leader: boolean) => void>();
  let state: LeaseState = { kind: 'connecting' };
  let session: pg.Client | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let released: Promise<void> = Promise.resolve();
  const slots = semaphore(MAX_JOBS);

  const dispatch = (event: LeaseEvent) => {
    const t = nextLease(state, event);
    state = t.state;
    for (const effect of t.effects) perform(effect);
  };
  /** A query on the lease session, failing after one period (a check not answered in time is a lost session). */
  const ask = <R extends pg.QueryResultRow>(c: pg.Client, sql: string, params: unknown[] = []) => withTimeout(c.query<R>(sql, params), period);
  const lost = (c: pg.Client) => (err: unknown) => {
    if (session !== c) return;
    logger.warn('leader-lease-session-lost', { error: errorMessage(err) });
    dispatch({ type: 'sessionLost' });
  };

  const perform = (effect: LeaseEffect): void => {
    switch (effect.type) {
      case 'connect': {
        const c = new pg.Client({ connectionString: opts.connectionString, application_name: LEASE_APPLICATION_NAME, keepAlive: true });
        session = c;
        c.on('error', lost(c));
        const keepalives = 'SET tcp_keepalives_idle = 5; SET tcp_keepalives_interval = 2; SET tcp_keepalives_count = 5';
        withTimeout(c.connect(), period)
          .then(() => ask(c, keepalives))
          .then(() => session === c && dispatch({ type: 'connected' }), lost(c));
        return;
      }
      case 'tryLock': {
        const c = session!;
        ask<{ locked: boolean }>(c, 'SELECT pg_try_advisory_lock($1, 0) AS locked', [LEADER_LOCK_CLASS]).then(
          (r) => session === c && dispatch({ type: 'tried', acquired: r.rows[0]?.locked === true }),
          lost(c)
        );
        return;
      }
      case 'check': {
        const c = session!;
        ask(c, 'SELECT 1').then(() => session === c && dispatch({ type: 'checked' }), lost(c));
        return;
      }
      case 'wait':
        timer = setTimeout(() => {
          timer = null;
          dispatch({ type: 'tick' });
        }, period);
        timer.unref?.();
        return;
      case 'dropSession': {
        const c = session;
        session = null;
        c?.end().catch(() => {});
        return;
      }
      case 'announce':
        logger.info(effect.leader ? 'leader-lease-taken' : 'leader-lease-lost', {});
        for (const h of handlers) h(effect.leader);
        return;
      case 'release': {
        if (timer) clearTimeout(timer);
        const c = session;
        session = null;
        // Unlocking (rather than waiting for the session to end) lets another instance take over at once.
        released = c ? ask(c, 'SELECT pg_advisory_unlock_all()').then(() => c.end(), () => c.end()).catch(() => {}) : Promise.resolve();
        return;
      }
    }
  };

  dispatch({ type: 'tick' });

  return {
    get isLeader() {
      return state.kind === 'leader';
    },
    onLeaderChange(handler) {
      handlers.add(handler);
      return () => void handlers.delete(handler);
    },
    async exclusive<T>(key: string, job: () => Promise<T>): Promise<ExclusiveOutcome<T>> {
      return slots.run(async () => {
        const client = await opts.pool.connect();
        let locked = false;
        let broken: Error | undefined;
        try {
          const r = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked', [JOB_LOCK_CLASS, key]);
          locked = r.rows[0]?.locked === true;
          if (!locked) return { ran: false } as const;
          return { ran: true, value: await job() } as const;
        } finally {
          if (locked) {
            await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [JOB_LOCK_CLASS, key]).catch((err: unknown) => {
              // Ending the session frees the lock: never give a connection holding it back to the pool.
              broken = err instanceof Error ? err : new Error(String(err));
            });
          }
          client.release(broken);
        }
      });
    },
    async close() {
      dispatch({ type: 'close' });
      await released;
    }
  };
}

/** Reject after `ms` (the promise itself is left to settle). */
function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let t: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([p, new Promise<never>((_, reject) => (t = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)))]).finally(() => clearTimeout(t));
}

/** At most `n` of the functions given to run() at once; the others wait their turn. */
function semaphore(n: number) {
  let free = n;
  const waiting: (() => void)[] = [];
  return {
    async run<T>(fn: () => Promise<T>): Promise<T> {
      if (free > 0) free--;
      else await new Promise<void>((resolve) => waiting.push(resolve));
      try {
        return await fn();
      } finally {
        const next = waiting.shift();
        if (next) next();
        else free++;
      }
    }
  };
}

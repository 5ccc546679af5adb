/**
 * HTTP rate limits: token buckets keyed by client address (and, for joins, by workspace).
 * One unauthenticated client could otherwise create workspaces by the thousand, and one
 * leaked invite could add thousands of members in seconds. A refusal is a 429 with
 * Retry-After and a plain-words error; legitimate use (a group joining at a meeting) stays
 * well inside the bursts.
 *
 * Buckets live in memory, per instance — and, with several instances (FANOUT=redis), in Redis
 * too (shared-buckets.ts), so a client spread over the instances behind a balancer still has
 * one budget; the instance's own bucket answers when Redis cannot. The in-memory map is
 * bounded: when it grows past `maxKeys`, buckets that have refilled completely (idle clients)
 * are forgotten first.
 */
import type { IncomingMessage } from 'node:http';
import { TokenBucket } from '../relay/rate-limit.ts';
import { HttpError } from './respond.ts';
import type { Budget, SharedBuckets } from './shared-buckets.ts';

export type { Budget } from './shared-buckets.ts';

/** The budgets of the API (configurable; docs/security.md lists them). */
export interface RateBudgets {
  /** Creating workspaces, per client address. */
  createWorkspace: Budget;
  /** Joining with an invite, per client address… */
  join: Budget;
  /** …and per workspace (a leaked link shared widely). */
  joinPerWorkspace: Budget;
  /** Member and settings changes, per client address. */
  memberChange: Budget;
  /** Versions saved from devices, per client address. */
  saveVersion: Budget;
  /** Making, previewing and using device links, per client address. */
  deviceLink: Budget;
  /** Connection tickets (one per socket the app opens), per client address. */
  ticket: Budget;
}

export const DEFAULT_RATE_BUDGETS: Readonly<RateBudgets> = Object.freeze({
  createWorkspace: { burst: 5, perHour: 10 },
  // A whole meeting may join at once from one community centre's Wi-Fi (one address behind NAT).
  join: { burst: 100, perHour: 200 },
  joinPerWorkspace: { burst: 100, perHour: 200 },
  memberChange: { burst: 60, perHour: 600 },
  saveVersion: { burst: 30, perHour: 240 },
  deviceLink: { burst: 20, perHour: 60 },
  // A device opening a workspace syncs several documents at once, each socket with its own ticket.
  ticket: { burst: 600, perHour: 36_000 }
});

/** Where a limiter's buckets are also kept: a store shared by every instance, under the limiter's name. */
export interface SharedLimit {
  buckets: SharedBuckets;
  name: string;
}

/** Buckets for one kind of request. */
export class RateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly budget: Budget,
    /** The refusal's first sentence, e.g. "Too many new workspaces from this address." */
    private readonly refusal: string,
    private readonly shared: SharedLimit | null = null,
    private readonly maxKeys = 10_000,
    private readonly now: () => number = () => performance.now()
  ) {}

  /** Take one request from `key`'s bucket (the shared one when there is one), or throw a 429 saying when to try again. */
  async take(key: string): Promise<void> {
    const shared = this.shared ? await this.shared.buckets.take(`${this.shared.name}:${key}`, this.budget) : null;
    if (shared ?? this.takeLocal(key)) return;
    const retryAfter = Math.max(1, Math.ceil(3600 / this.budget.perHour));
    throw new HttpError(429, `${this.refusal} Please wait ${describeWait(retryAfter)} and try again.`, { 'retry-after': String(retryAfter) });
  }

  private takeLocal(key: string): boolean {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= this.maxKeys) this.forgetIdle();
      bucket = new TokenBucket(this.budget.perHour / 3600, this.budget.burst, this.now);
      this.buckets.set(key, bucket);
    }
    return bucket.take();
  }

  /** Forget buckets that are full again (their clients went quiet); failing that, the oldest half. */
  private forgetIdle(): void {
    for (const [key, bucket] of this.buckets) if (bucket.isFull()) this.buckets.delete(key);
    if (this.buckets.size < this.maxKeys) return;
    let drop = Math.ceil(this.buckets.size / 2);
    for (const key of this.buckets.keys()) {
      if (drop-- <= 0) break;
      this.buckets.delete(key);
    }
  }
}

function describeWait(seconds: number): string {
  return seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
}

/**
 * The client's address: the socket's, or — with `trustProxy` set (the server sits behind a
 * reverse proxy that appends to X-Forwarded-For) — the last address that proxy recorded.
 * Never the first entry: a client can write anything there.
 */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const header = req.headers['x-forwarded-for'];
    const value = Array.isArray(header) ? header.join(',') : header;
    const last = value?.split(',').map((s) => s.trim()).filter(Boolean).pop();
    if (last) return last;
  }
  return req.socket.remoteAddress ?? 'unknown';
}

/** A limiter named `name` (its buckets shared under that name when `shared` is given). */
export function limiter(name: string, budget: Budget, refusal: string, shared?: SharedBuckets): RateLimiter {
  return new RateLimiter(budget, refusal, shared ? { buckets: shared, name } : null);
}

/** Every limiter of the API, built from the budgets. */
export function createRateLimits(budgets: RateBudgets = DEFAULT_RATE_BUDGETS, shared?: SharedBuckets) {
  return {
    createWorkspace: limiter('create-workspace', budgets.createWorkspace, 'Too many new workspaces from this address.', shared),
    join: limiter('join', budgets.join, 'Too many joins from this address.', shared),
    joinPerWorkspace: limiter('join-workspace', budgets.joinPerWorkspace, 'Too many people joined this workspace in a short time.', shared),
    memberChange: limiter('member-change', budgets.memberChange, 'Too many changes from this address.', shared),
    saveVersion: limiter('save-version', budgets.saveVersion, 'Too many versions saved from this address.', shared),
    deviceLink: limiter('device-link', budgets.deviceLink, 'Too many device links from this address.', shared),
    ticket: limiter('ticket', budgets.ticket, 'Too many connections from this address.', shared)
  };
}
export type RateLimits = ReturnType<typeof createRateLimits>;

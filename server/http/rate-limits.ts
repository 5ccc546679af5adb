/**
 * HTTP rate limits: token buckets keyed by client address (and, for joins, by workspace).
 * One unauthenticated client could otherwise create workspaces by the thousand, and one
 * leaked invite could add thousands of members in seconds. A refusal is a 429 with
 * Retry-After and a plain-words error; legitimate use (a group joining at a meeting) stays
 * well inside the bursts.
 *
 * Buckets live in memory, per instance: several instances behind a balancer each apply
 * their own limits (docs/security.md). The map is bounded: when it grows past `maxKeys`,
 * buckets that have refilled completely (idle clients) are forgotten first.
 */
import type { IncomingMessage } from 'node:http';
import { TokenBucket } from '../relay/rate-limit.ts';
import { HttpError } from './respond.ts';

/** A budget: `burst` requests at once, refilled at `perHour`. */
export interface Budget {
  burst: number;
  perHour: number;
}

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

/** Buckets for one kind of request. */
export class RateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly budget: Budget,
    /** The refusal's first sentence, e.g. "Too many new workspaces from this address." */
    private readonly refusal: string,
    private readonly maxKeys = 10_000,
    private readonly now: () => number = () => performance.now()
  ) {}

  /** Take one request from `key`'s bucket, or throw a 429 saying when to try again. */
  take(key: string): void {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= this.maxKeys) this.forgetIdle();
      bucket = new TokenBucket(this.budget.perHour / 3600, this.budget.burst, this.now);
      this.buckets.set(key, bucket);
    }
    if (bucket.take()) return;
    const retryAfter = Math.max(1, Math.ceil(3600 / this.budget.perHour));
    throw new HttpError(429, `${this.refusal} Please wait ${describeWait(retryAfter)} and try again.`, { 'retry-after': String(retryAfter) });
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

/** Every limiter of the API, built from the budgets. */
export function createRateLimits(budgets: RateBudgets = DEFAULT_RATE_BUDGETS) {
  return {
    createWorkspace: new RateLimiter(budgets.createWorkspace, 'Too many new workspaces from this address.'),
    join: new RateLimiter(budgets.join, 'Too many joins from this address.'),
    joinPerWorkspace: new RateLimiter(budgets.joinPerWorkspace, 'Too many people joined this workspace in a short time.'),
    memberChange: new RateLimiter(budgets.memberChange, 'Too many changes from this address.'),
    saveVersion: new RateLimiter(budgets.saveVersion, 'Too many versions saved from this address.'),
    deviceLink: new RateLimiter(budgets.deviceLink, 'Too many device links from this address.'),
    ticket: new RateLimiter(budgets.ticket, 'Too many connections from this address.')
  };
}
export type RateLimits = ReturnType<typeof createRateLimits>;

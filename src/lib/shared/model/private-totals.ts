/**
 * Shared totals of private answers (issue 24): pure pieces of the mechanism.
 *
 * Members write answers into their own private documents (private-answers.ts). The relay
 * (server/private/totals.ts) gathers the answers of every active member for one question,
 * keeps those its aggregator accepts, asks the aggregator for totals, and writes the result
 * into the shared document's `server` root — a root every client update is refused in
 * (authority.ts), so only the relay writes totals:
 *
 * Shared Y.Doc
 * └── server  Y.Map  "totals:<aggregator>:<subject>" → TotalsRecord (plain JSON)
 *
 * **The threshold rule**: totals are published only once at least `threshold` answers count
 * (default {@link DEFAULT_TOTALS_THRESHOLD}); below it the record holds the count and the
 * threshold, never totals, so nobody's answer can be deduced from them. An aggregator may
 * publish more (a closed secret ballot's result), never less safely than it documents. The
 * group pulse publishes less: in steps ({@link isPublicationStep}), so that watching totals
 * change never isolates one answer.
 *
 * Aggregators are plain objects in the registry (aggregators.ts): adding one is a file and a
 * line there, as decision methods are.
 */
import type * as Y from 'yjs';
import { SERVER_ROOTS } from './authority';
import { isFiniteNumber, isRecord, isString } from './validate';

/** At least this many answers before any totals are published. */
export const DEFAULT_TOTALS_THRESHOLD = 3;

/** The root of a shared document the relay writes totals into (clients may not write it). */
export const TOTALS_ROOT = 'server';
// The root must be one the relay refuses client writes in; fail loudly if that ever changes.
if (!SERVER_ROOTS.has(TOTALS_ROOT)) throw new Error('totals must live in a server-written root');

/** One member's accepted answer. */
export interface MemberAnswer<A> {
  memberId: string;
  answer: A;
}

/** What an async check (signatures) needs. */
export interface VerifyContext {
  /** The shared document the totals go into. */
  docId: string;
  subject: string;
  /** Every public key registered for a member (signatures.ts `MemberKeys`). */
  keysOf: (memberId: string) => readonly string[];
  /** Checks a signature against keys, caching answers (signatures.ts `SignatureVerifier`). */
  verifier: { verify(keys: readonly string[], payload: string, signature: string): Promise<boolean> };
}

/** What an aggregator computes from. */
export interface AggregateInput<A> {
  docId: string;
  subject: string;
  /** The shared document (read only). */
  target: Y.Doc;
  /** Accepted answers of the workspace's active members, by member id. */
  answers: readonly MemberAnswer<A>[];
  /** What the relay wrote last time (parts an aggregator froze stay as they were). */
  previous: TotalsRecord | null;
  /** The relay's clock. */
  now: number;
}

/** An aggregator's result: the mechanism adds the identity and the target's state. */
export interface Aggregate {
  /** Answers that count. */
  count: number;
  threshold: number;
  /** Null below the threshold (or whenever the aggregator withholds them). */
  totals: unknown;
  /** Aggregator-specific plain JSON (a secret ballot's voters and frozen outcomes). */
  extra?: Record<string, unknown>;
}

/** How one kind of private answer becomes totals. Pure, except the optional async `verify`. */
export interface Aggregator<A = unknown> {
  /** Lower-case id, the first part of the answer key (`ballot`, `pulse`). */
  id: string;
  /** One member's stored answer, validated; null when malformed (peer data). */
  parse(raw: unknown): A | null;
  /** Keep only the answers that verify (signatures); default: all. */
  verify?(answers: readonly MemberAnswer<A>[], ctx: VerifyContext): Promise<MemberAnswer<A>[]>;
  /**
   * The part of the shared document the totals depend on (a proposal's status, deadline and
   * closes), as a string; null when this subject takes no totals (nothing is written). The
   * relay recomputes when it changes.
   */
  targetState(target: Y.Doc, subject: string): string | null;
  /** Subjects of this aggregator in a shared document, checked when it changes. */
  subjectsOf?(target: Y.Doc): string[];
  /**
   * The shared document's roots whose changes can move a subject's state: `subjectsOf` runs only
   * after a change inside one of them (default: after every change). A keystroke in the text
   * then costs the relay nothing here.
   */
  watchRoots?: readonly string[];
  /**
   * Viewers answer this aggregator's questions too (the group pulse); otherwise only editors and
   * admins do, as with every decision. The relay's rule is authority.ts's VIEWER_ANSWER_AGGREGATORS.
   */
  viewersMayAnswer?: boolean;
  /** The totals. */
  aggregate(input: AggregateInput<A>): Aggregate;
}

/** What the relay writes, under {@link totalsKey}. */
export interface TotalsRecord {
  v: 1;
  aggregator: string;
  subject: string;
  /** {@link Aggregator.targetState} when computed. */
  state: string;
  count: number;
  threshold: number;
  /** Null until published. */
  totals: unknown;
  [extra: string]: unknown;
}

/** Key of a subject's record in the `server` root. */
export function totalsKey(aggregator: string, subject: string): string {
  return `totals:${aggregator}:${subject}`;
}

/** Whether `count` answers may be shown as totals under `threshold`. */
export function meetsThreshold(count: number, threshold: number = DEFAULT_TOTALS_THRESHOLD): boolean {
  return count >= Math.max(1, threshold);
}

/** The common rule: totals from `compute` once the threshold is met, none before. */
export function withThreshold<A>(
  answers: readonly MemberAnswer<A>[],
  compute: (answers: readonly MemberAnswer<A>[]) => unknown,
  threshold: number = DEFAULT_TOTALS_THRESHOLD
): Aggregate {
  const count = answers.length;
  return { count, threshold, totals: meetsThreshold(count, threshold) ? compute(answers) : null };
}

/**
 * What a subject published last: how many answers its totals cover, and the totals. Null:
 * nothing published yet.
 */
export interface Publication {
  count: number;
  totals: unknown;
}

/**
 * **The step rule** (the group pulse): totals are published again only once the answers number
 * at least `step` more than the last publication covered — the first time at `step` answers.
 * Answers leave only by a member's removal, so between two publications at least `step` new
 * answers arrived, and the difference of any two consecutive publications mixes at least `step`
 * members' answers (with any revisions and removals in between). A revision alone changes
 * nothing published. docs/security.md, *The group pulse*, gives the reasoning.
 */
export function isPublicationStep(count: number, last: Publication | null, step: number = DEFAULT_TOTALS_THRESHOLD): boolean {
  return count >= (last?.count ?? 0) + Math.max(1, step);
}

/**
 * Totals in steps ({@link isPublicationStep}): recomputed over every answer at a step, else the
 * last publication kept as it was. `count` is always the live number of answers.
 */
export function inSteps<A>(
  answers: readonly MemberAnswer<A>[],
  compute: (answers: readonly MemberAnswer<A>[]) => unknown,
  last: Publication | null,
  step: number = DEFAULT_TOTALS_THRESHOLD
): Aggregate {
  const count = answers.length;
  return { count, threshold: step, totals: isPublicationStep(count, last, step) ? compute(answers) : (last?.totals ?? null) };
}

/** The record for an aggregate (what the relay writes). */
export function totalsRecord(aggregator: string, subject: string, state: string, result: Aggregate): TotalsRecord {
  return { ...result.extra, v: 1, aggregator, subject, state, count: result.count, threshold: result.threshold, totals: result.totals ?? null };
}

/** Parse a stored record (peer data: only the relay writes it, but a restored copy may hold anything). */
export function parseTotalsRecord(raw: unknown): TotalsRecord | null {
  if (!isRecord(raw) || raw.v !== 1 || !isString(raw.aggregator) || !isString(raw.subject) || !isString(raw.state)) return null;
  if (!isFiniteNumber(raw.count) || !isFiniteNumber(raw.threshold)) return null;
  return { ...raw, v: 1, aggregator: raw.aggregator, subject: raw.subject, state: raw.state, count: raw.count, threshold: raw.threshold, totals: raw.totals ?? null };
}

/** The record the relay wrote for a subject in a shared document, or null. */
export function readTotals(doc: Y.Doc, aggregator: string, subject: string): TotalsRecord | null {
  return parseTotalsRecord(doc.getMap<unknown>(TOTALS_ROOT).get(totalsKey(aggregator, subject)));
}

/**
 * Reading a proposal block: its settings, its ballots (structurally checked) and
 * its lifecycle, derived by replaying the lifecycle log in array order.
 *
 * Why a log and not a `status` key: two devices closing at once would each
 * write their own outcome, and last-writer-wins would silently replace the
 * first recorded outcome. In the log both closes stay; replay applies the first
 * and marks the second as superseded, identically on every replica.
 */
import * as Y from 'yjs';
import { getBlockMap, blockTypeOf } from './doc';
import { isMethodId, type MethodId, type ProposalOption } from './methods/index';
import { readTotals, type TotalsRecord } from './private-totals';
import {
  IssueLog,
  isBoolean,
  isFiniteNumber,
  isRecord,
  isString,
  orNull,
  readField,
  type Read
} from './validate';

/** Proposal lifecycle states. */
export type ProposalStatus = 'draft' | 'open' | 'closed';

/** The aggregator id of secret ballots (issue 24): answer keys `ballot:<docId>:<proposalId>`. */
export const SECRET_BALLOT_AGGREGATOR = 'ballot';

/** Minimum participation: a number of ballots, or a share (0–1] of the workspace's members. */
export type Quorum = { type: 'count'; count: number } | { type: 'share'; share: number };

/** A ballot as stored under the member's id in the proposal's `ballots` map. */
export interface StoredBallot {
  choice?: string;
  scores?: Record<string, number>;
  ranking?: string[];
  reason?: string;
  /** When the member cast it (their device's clock), ms since epoch. */
  castAt: number;
  /** Issue 8: the member's device signature over {@link ballotSigningPayload}. */
  signature?: string;
}

/** The outcome frozen into the close event. */
export interface RecordedOutcome {
  method: MethodId;
  options: ProposalOption[];
  standAsideLimit: number | null;
  deadline: number | null;
  /** Ballots needed (null: no quorum). */
  quorumRequired: number | null;
  /** Members in the workspace at close (recorded when a share quorum needed it). */
  memberCount: number | null;
  /** Exactly the ballots that counted, by member id, as they were at close. */
  counted: Record<string, StoredBallot>;
  passed: boolean;
  winner: string | null;
  explanation: string;
  /**
   * Issue 24: a secret ballot's close. Its `counted` is empty and its result a placeholder: the
   * relay computes the outcome from the private ballots (`server` root, secret-ballot.ts).
   */
  secret?: true;
}

/** Entries of the proposal's append-only lifecycle log. */
export type LifecycleEvent =
  | { type: 'open'; by: string; at: number; deadline: number | null; secret?: true; liveResults?: true }
  | { type: 'close'; by: string; at: number; outcome: RecordedOutcome }
  | { type: 'reopen'; by: string; at: number; reason: string }
  | { type: 'extend'; by: string; at: number; deadline: number | null; reason: string };

/** A lifecycle event and whether replay applied it (a concurrent duplicate is superseded). */
export interface LifecycleEntry {
  event: LifecycleEvent;
  applied: boolean;
  note?: string;
}

/** Everything a proposal block shows, read defensively. */
export interface ProposalView {
  id: string;
  title: string;
  /** null when the stored method is unknown (e.g. written by a newer version). */
  method: MethodId | null;
  options: ProposalOption[];
  deadline: number | null;
  quorum: Quorum | null;
  standAsideLimit: number | null;
  resultsHidden: boolean;
  statement: string;
  createdAt: number;
  createdBy: string;
  status: ProposalStatus;
  openedAt: number | null;
  /** The applied close event, while closed. */
  closedAt: number | null;
  closedBy: string | null;
  outcome: RecordedOutcome | null;
  lifecycle: LifecycleEntry[];
  /**
   * Structurally valid stored ballots by member id (method validity is judged by the tally).
   * Always empty for a secret ballot: its ballots are in the voters' private documents.
   */
  ballots: Map<string, StoredBallot>;
  /**
   * Issue 24: a secret ballot — set in the draft, fixed by the open entry (a later change of the
   * draft key cannot make an open proposal public).
   */
  secret: boolean;
  /** A secret ballot whose group chose to see the totals while it is open (from 3 ballots). */
  liveResults: boolean;
  /** What the relay published for a secret ballot (voters, totals, outcomes), or null. */
  secretRecord: TotalsRecord | null;
}

/** Parse a stored ballot's structure; a string is the reason it is unusable. */
export function parseStoredBallot(raw: unknown): StoredBallot | string {
  if (!isRecord(raw)) return 'ballot is not an object';
  if (!isFiniteNumber(raw.castAt)) return 'ballot has no valid cast time';
  const ballot: StoredBallot = { castAt: raw.castAt };
  if (raw.choice !== undefined) {
    if (!isString(raw.choice)) return 'ballot choice is not text';
    ballot.choice = raw.choice;
  }
  if (raw.reason !== undefined) {
    if (!isString(raw.reason)) return 'ballot reason is not text';
    ballot.reason = raw.reason;
  }
  if (raw.signature !== undefined) {
    if (!isString(raw.signature)) return 'ballot signature is not text';
    ballot.signature = raw.signature;
  }
  if (raw.scores !== undefined) {
    if (!isRecord(raw.scores) || !Object.values(raw.scores).every(isFiniteNumber)) return 'ballot scores are not numbers';
    ballot.scores = { ...(raw.scores as Record<string, number>) };
  }
  if (raw.ranking !== undefined) {
    if (!Array.isArray(raw.ranking) || !raw.ranking.every(isString)) return 'ballot ranking is not a list of options';
    ballot.ranking = [...raw.ranking];
  }
  return ballot;
}

export function isQuorum(value: unknown): value is Quorum {
  if (!isRecord(value)) return false;
  if (value.type === 'count') return Number.isInteger(value.count) && (value.count as number) >= 0;
  if (value.type === 'share') return isFiniteNumber(value.share) && value.share > 0 && value.share <= 1;
  return false;
}

export function isOption(value: unknown): value is ProposalOption {
  return isRecord(value) && isString(value.id) && isString(value.label);
}

function parseOutcome(raw: unknown): RecordedOutcome | string {
  if (!isRecord(raw)) return 'outcome is not an object';
  if (!isMethodId(raw.method)) return 'outcome has an unknown method';
  if (!Array.isArray(raw.options) || !raw.options.every(isOption)) return 'outcome options are malformed';
  if (!isRecord(raw.counted)) return 'outcome has no counted ballots';
  const counted: Record<string, StoredBallot> = {};
  for (const [memberId, b] of Object.entries(raw.counted)) {
    const parsed = parseStoredBallot(b);
    if (typeof parsed === 'string') return `counted ballot of ${memberId}: ${parsed}`;
    counted[memberId] = parsed;
  }
  if (!isBoolean(raw.passed) || !orNull(isString)(raw.winner) || !isString(raw.explanation)) return 'outcome result is malformed';
  const nullableNumber = orNull(isFiniteNumber);
  if (!nullableNumber(raw.standAsideLimit) || !nullableNumber(raw.quorumRequired) || !nullableNumber(raw.memberCount) || !nullableNumber(raw.deadline)) {
    return 'outcome numbers are malformed';
  }
  return {
    method: raw.method,
    options: raw.options.map((o) => ({ id: o.id, label: o.label })),
    standAsideLimit: raw.standAsideLimit,
    deadline: raw.deadline,
    quorumRequired: raw.quorumRequired,
    memberCount: raw.memberCount,
    counted,
    passed: raw.passed,
    winner: raw.winner,
    explanation: raw.explanation,
    ...(raw.secret === true ? { secret: true as const } : {})
  };
}

/** Parse one lifecycle log entry; a string is the reason it is skipped. */
export function parseLifecycleEvent(raw: unknown): LifecycleEvent | string {
  if (!isRecord(raw)) return 'lifecycle entry is not an object';
  const { type, by, at } = raw;
  if (!isString(by) || !isFiniteNumber(at)) return `lifecycle entry "${String(type)}" has no author or time`;
  const deadline = raw.deadline ?? null;
  switch (type) {
    case 'open':
      if (!orNull(isFiniteNumber)(deadline)) return 'open entry has a malformed deadline';
      // Issue 24: a secret ballot is fixed when the proposal opens, in the open entry itself.
      return { type, by, at, deadline, ...(raw.secret === true ? { secret: true as const } : {}), ...(raw.liveResults === true ? { liveResults: true as const } : {}) };
    case 'close': {
      const outcome = parseOutcome(raw.outcome);
      return typeof outcome === 'string' ? `close entry: ${outcome}` : { type, by, at, outcome };
    }
    case 'reopen':
      return isString(raw.reason) ? { type, by, at, reason: raw.reason } : 'reopen entry has no reason';
    case 'extend':
      if (!orNull(isFiniteNumber)(deadline) || !isString(raw.reason)) return 'extend entry is malformed';
      return { type, by, at, deadline, reason: raw.reason };
    default:
      return `unknown lifecycle entry "${String(type)}"`;
  }
}

/** Replay a lifecycle log: which events apply, the resulting status and outcome. */
export function replayLifecycle(events: readonly LifecycleEvent[]): {
  status: ProposalStatus;
  entries: LifecycleEntry[];
  openedAt: number | null;
  close: Extract<LifecycleEvent, { type: 'close' }> | null;
  /** The applied open entry (its secret-ballot settings hold from then on). */
  open: Extract<LifecycleEvent, { type: 'open' }> | null;
} {
  let status: ProposalStatus = 'draft';
  let openedAt: number | null = null;
  let close: Extract<LifecycleEvent, { type: 'close' }> | null = null;
  let open: Extract<LifecycleEvent, { type: 'open' }> | null = null;
  const entries: LifecycleEntry[] = [];
  for (const event of events) {
    let applied = false;
    let note: string | undefined;
    if (event.type === 'open' && status === 'draft') {
      status = 'open';
      openedAt = event.at;
      open = event;
      applied = true;
    } else if (event.type === 'close' && status === 'open') {
      status = 'closed';
      close = event;
      applied = true;
    } else if (event.type === 'reopen' && status === 'closed') {
      status = 'open';
      close = null;
      applied = true;
    } else if (event.type === 'extend' && status === 'open') {
      applied = true;
    } else {
      note = `superseded: the proposal was already ${status} when this ${event.type} was ordered`;
    }
    entries.push(note === undefined ? { event, applied } : { event, applied, note });
  }
  return { status, entries, openedAt, close, open };
}

/** Read a proposal block; null (with an issue) when it is missing or not a proposal. */
export function readProposal(doc: Y.Doc, proposalId: string): Read<ProposalView | null> {
  const log = new IssueLog(proposalId);
  const block = getBlockMap(doc, proposalId);
  if (!block || blockTypeOf(block) !== 'proposal') {
    log.add(block ? 'block is not a proposal' : 'proposal not found');
    return { value: null, issues: log.issues };
  }
  const rawMethod = block.get('method');
  const method = isMethodId(rawMethod) ? rawMethod : null;
  if (method === null) log.add(`unknown decision method "${String(rawMethod)}"`);

  const options: ProposalOption[] = [];
  const rawOptions = block.get('options');
  if (rawOptions instanceof Y.Array) {
    const seen = new Set<string>();
    for (const o of rawOptions.toArray()) {
      if (!isOption(o)) log.add('an option is malformed; skipped');
      else if (seen.has(o.id)) log.add(`option ${o.id} appears twice; the later copy is skipped`);
      else {
        seen.add(o.id);
        options.push({ id: o.id, label: o.label });
      }
    }
  } else log.add('options list is missing');

  const ballots = new Map<string, StoredBallot>();
  const rawBallots = block.get('ballots');
  if (rawBallots instanceof Y.Map) {
    for (const memberId of [...rawBallots.keys()].sort()) {
      const parsed = parseStoredBallot(rawBallots.get(memberId));
      if (typeof parsed === 'string') log.add(`ballot of ${memberId}: ${parsed}; skipped`);
      else ballots.set(memberId, parsed);
    }
  } else log.add('ballots map is missing');

  const events: LifecycleEvent[] = [];
  const rawLifecycle = block.get('lifecycle');
  if (rawLifecycle instanceof Y.Array) {
    for (const raw of rawLifecycle.toArray()) {
      const parsed = parseLifecycleEvent(raw);
      if (typeof parsed === 'string') log.add(`${parsed}; skipped`);
      else events.push(parsed);
    }
  } else log.add('lifecycle log is missing');
  const replay = replayLifecycle(events);
  const settled = replay.status !== 'draft';
  const secret = settled ? replay.open?.secret === true : readField(block, 'secret', isBoolean, false, log, false);
  const liveResults = settled ? replay.open?.liveResults === true : readField(block, 'liveResults', isBoolean, false, log, false);
  if (secret && ballots.size > 0) {
    log.add('a secret ballot holds ballots in the shared document; ignored');
    ballots.clear();
  }

  const nullableNumber = orNull(isFiniteNumber);
  const value: ProposalView = {
    id: proposalId,
    title: readField(block, 'title', isString, '', log),
    method,
    options,
    deadline: readField(block, 'deadline', nullableNumber, null, log, false),
    quorum: readField(block, 'quorum', orNull(isQuorum), null, log, false),
    standAsideLimit: readField(block, 'standAsideLimit', nullableNumber, null, log, false),
    resultsHidden: readField(block, 'resultsHidden', isBoolean, false, log, false),
    statement: readField(block, 'statement', isString, '', log, false),
    createdAt: readField(block, 'createdAt', isFiniteNumber, 0, log),
    createdBy: readField(block, 'createdBy', isString, '', log),
    status: replay.status,
    openedAt: replay.openedAt,
    closedAt: replay.close?.at ?? null,
    closedBy: replay.close?.by ?? null,
    outcome: replay.close?.outcome ?? null,
    lifecycle: replay.entries,
    ballots,
    secret,
    liveResults,
    secretRecord: secret ? readTotals(doc, SECRET_BALLOT_AGGREGATOR, proposalId) : null
  };
  return { value, issues: log.issues };
}

/**
 * Task claims as an append-only event log, replayed in array order.
 *
 * Why: a `claimant` key would be last-writer-wins; two members claiming at once
 * would each see "mine" until sync and then one would silently vanish. In the
 * log both claims stay. Yjs orders concurrent appends identically on every
 * replica (by the inserting client's id), so the replay below gives every
 * replica the same claimant, and the other claim stays in the history as
 * "lost: X claimed it first".
 *
 * Events that name whose claim they act on (release, reassign) are ignored as
 * stale when that member no longer holds the claim at their place in the order,
 * so a release can never free somebody else's newer claim.
 */
import { isFiniteNumber, isRecord, isString } from './validate';

/** Task states derived from the log. */
export type TaskStatus = 'open' | 'claimed' | 'done';

/** Entries of a task's claim log. */
export type TaskEvent =
  | { type: 'claim'; member: string; at: number }
  | { type: 'release'; member: string; by: string; at: number; note?: string }
  | { type: 'reassign'; from: string | null; to: string; by: string; at: number }
  | { type: 'done'; by: string; at: number }
  | { type: 'reopen'; by: string; at: number }
  | { type: 'co-lead'; member: string; at: number }
  | { type: 'co-lead-release'; member: string; by: string; at: number };

/** What replay did with an event. */
export type ClaimEffect = 'applied' | 'lost' | 'stale' | 'ignored';

/** One history entry: the event, its effect and plain words for the UI. */
export interface ClaimHistoryEntry {
  event: TaskEvent;
  effect: ClaimEffect;
  /** For a lost claim or co-lead place: who held it first. */
  lostTo?: string;
  note?: string;
}

/** A task's current claim, derived. */
export interface ClaimState {
  status: TaskStatus;
  claimant: string | null;
  claimedAt: number | null;
  coLead: string | null;
  doneBy: string | null;
  doneAt: number | null;
}

/** Parse one log entry; a string is why it is skipped. */
export function parseTaskEvent(raw: unknown): TaskEvent | string {
  if (!isRecord(raw)) return 'claim log entry is not an object';
  const { type, at } = raw;
  if (!isFiniteNumber(at)) return `claim log entry "${String(type)}" has no time`;
  const note = isString(raw.note) ? raw.note : undefined;
  switch (type) {
    case 'claim':
    case 'co-lead':
      return isString(raw.member) ? { type, member: raw.member, at } : `${type} entry has no member`;
    case 'release':
      if (!isString(raw.member) || !isString(raw.by)) return 'release entry is malformed';
      return note === undefined ? { type, member: raw.member, by: raw.by, at } : { type, member: raw.member, by: raw.by, at, note };
    case 'co-lead-release':
      return isString(raw.member) && isString(raw.by) ? { type, member: raw.member, by: raw.by, at } : 'co-lead release entry is malformed';
    case 'reassign':
      if (!(raw.from === null || isString(raw.from)) || !isString(raw.to) || !isString(raw.by)) return 'reassign entry is malformed';
      return { type, from: raw.from, to: raw.to, by: raw.by, at };
    case 'done':
    case 'reopen':
      return isString(raw.by) ? { type, by: raw.by, at } : `${type} entry has no author`;
    default:
      return `unknown claim log entry "${String(type)}"`;
  }
}

/** Replay a claim log in order: the current claim and the annotated history. */
export function replayClaims(events: readonly TaskEvent[]): { state: ClaimState; history: ClaimHistoryEntry[] } {
  const s: ClaimState = { status: 'open', claimant: null, claimedAt: null, coLead: null, doneBy: null, doneAt: null };
  const history: ClaimHistoryEntry[] = [];
  const push = (event: TaskEvent, effect: ClaimEffect, extra: Partial<ClaimHistoryEntry> = {}): void => {
    history.push({ event, effect, ...extra });
  };
  const take = (member: string, at: number): void => {
    s.status = 'claimed';
    s.claimant = member;
    s.claimedAt = at;
    // A co-lead who takes the task over is no longer its co-lead.
    if (s.coLead === member) s.coLead = null;
  };
  for (const e of events) {
    switch (e.type) {
      case 'claim':
        if (s.status === 'done') push(e, 'ignored', { note: 'The task was already done.' });
        else if (s.status === 'claimed' && s.claimant === e.member) push(e, 'ignored', { note: 'Already claimed by the same member.' });
        else if (s.status === 'claimed') push(e, 'lost', { lostTo: s.claimant!, note: `${s.claimant} claimed it first.` });
        else {
          take(e.member, e.at);
          push(e, 'applied');
        }
        break;
      case 'release':
        if (s.status === 'claimed' && s.claimant === e.member) {
          s.status = 'open';
          s.claimant = null;
          s.claimedAt = null;
          push(e, 'applied');
        } else push(e, 'stale', { note: `${e.member} no longer held the claim.` });
        break;
      case 'reassign':
        if (s.status === 'done') push(e, 'ignored', { note: 'The task was already done.' });
        else if ((e.from === null && s.status === 'open') || (e.from !== null && s.status === 'claimed' && s.claimant === e.from)) {
          take(e.to, e.at);
          push(e, 'applied');
        } else push(e, 'stale', { note: 'The claim had changed before this reassignment.' });
        break;
      case 'done':
        if (s.status === 'done') push(e, 'ignored', { note: 'Already done.' });
        else {
          s.status = 'done';
          s.doneBy = e.by;
          s.doneAt = e.at;
          push(e, 'applied');
        }
        break;
      case 'reopen':
        if (s.status !== 'done') push(e, 'ignored', { note: 'The task was not done.' });
        else {
          // Back on the board: the previous claimant may claim it again.
          s.status = 'open';
          s.claimant = null;
          s.claimedAt = null;
          s.doneBy = null;
          s.doneAt = null;
          push(e, 'applied');
        }
        break;
      case 'co-lead':
        if (s.status === 'done') push(e, 'ignored', { note: 'The task was already done.' });
        else if (s.coLead !== null && s.coLead !== e.member) push(e, 'lost', { lostTo: s.coLead, note: `${s.coLead} took the co-lead place first.` });
        else if (s.coLead === e.member || s.claimant === e.member) push(e, 'ignored', { note: 'Already on this task.' });
        else {
          s.coLead = e.member;
          push(e, 'applied');
        }
        break;
      case 'co-lead-release':
        if (s.coLead === e.member) {
          s.coLead = null;
          push(e, 'applied');
        } else push(e, 'stale', { note: `${e.member} was no longer co-lead.` });
        break;
    }
  }
  return { state: s, history };
}

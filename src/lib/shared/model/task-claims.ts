/**
 * Task claims as an append-only event log, replayed in its fair order (log-order.ts).
 *
 * Why: a `claimant` key would be last-writer-wins; two members claiming at once
 * would each see "mine" until sync and then one would silently vanish. In the
 * log both claims stay. Every replica replays the log in the same order — the
 * order the entries were made in, with truly concurrent ones decided by their
 * server-time stamps (`serverAt`), earlier first — so every replica gets the same
 * claimant, and the other claim stays in the history as "lost: X claimed it first".
 *
 * Events that name whose claim they act on (release, reassign) are ignored as
 * stale when that member no longer holds the claim at their place in the order,
 * so a release can never free somebody else's newer claim.
 */
import { isFiniteNumber, isRecord, isString } from './validate';

/** Task states derived from the log. */
export type TaskStatus = 'open' | 'claimed' | 'done';

/**
 * Entries of a task's claim log. `at` is the acting device's clock (shown to people);
 * `serverAt`, when present, is the author's estimate of the relay's clock when the entry was
 * made, which decides between concurrent entries (log-order.ts). Entries written before
 * issue 26 have no `serverAt`.
 */
export type TaskEvent = (
  | { type: 'claim'; member: string; at: number }
  | { type: 'release'; member: string; by: string; at: number; note?: string }
  | { type: 'reassign'; from: string | null; to: string; by: string; at: number }
  | { type: 'done'; by: string; at: number }
  | { type: 'reopen'; by: string; at: number }
  | { type: 'co-lead'; member: string; at: number }
  | { type: 'co-lead-release'; member: string; by: string; at: number }
) & { serverAt?: number };

/** What replay did with an event. */
export type ClaimEffect = 'applied' | 'lost' | 'stale' | 'ignored';

/** One history entry: the event, its effect and plain words for the UI. */
export interface ClaimHistoryEntry {
  event: TaskEvent;
  effect: ClaimEffect;
  /** For a lost claim or co-lead place: who held it first. */
  lostTo?: string;
  /** For a lost claim or co-lead place: the entry that gave `lostTo` the place (with its times). */
  winner?: TaskEvent;
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
  const parsed = parseEventBody(raw);
  if (typeof parsed === 'string' || !isRecord(raw) || !isFiniteNumber(raw.serverAt)) return parsed;
  return { ...parsed, serverAt: raw.serverAt };
}

function parseEventBody(raw: unknown): TaskEvent | string {
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

/**
 * Whether the author of the entry at position `later` (in the replayed order) had seen the entry
 * at position `earlier` when writing it. Unknown: say true (nothing is passed on, see below).
 */
export type SawEntry = (later: number, earlier: number) => boolean;

/**
 * Replay a claim log in its fair order (log-order.ts): the current claim and the annotated history.
 *
 * A claim that lost while the holder's claim was concurrent with it **waits**: if the holder
 * then releases without having seen it (both happened before either device heard of the
 * other: "Ben claimed and let go while Ana claimed"), the task passes to the earliest waiting
 * claim instead of going back on the board. A release made after seeing the other claim opens
 * the task as usual (the loser was told long ago; handing it to them now would surprise them).
 */
export function replayClaims(events: readonly TaskEvent[], saw: SawEntry = () => true): { state: ClaimState; history: ClaimHistoryEntry[] } {
  const s: ClaimState = { status: 'open', claimant: null, claimedAt: null, coLead: null, doneBy: null, doneAt: null };
  const history: ClaimHistoryEntry[] = [];
  const push = (event: TaskEvent, effect: ClaimEffect, extra: Partial<ClaimHistoryEntry> = {}): void => {
    history.push({ event, effect, ...extra });
  };
  // The entries that gave the current claimant and co-lead their places (a lost entry names them).
  let heldBy: TaskEvent | null = null;
  let coLeadBy: TaskEvent | null = null;
  const take = (member: string, e: TaskEvent): void => {
    heldBy = e;
    s.status = 'claimed';
    s.claimant = member;
    s.claimedAt = e.at;
    // A co-lead who takes the task over is no longer its co-lead.
    if (s.coLead === member) s.coLead = null;
  };
  // Claims that lost to the current holding, by position: [position, history index].
  let waiting: [number, number][] = [];
  events.forEach((e, position) => {
    switch (e.type) {
      case 'claim':
        if (s.status === 'done') push(e, 'ignored', { note: 'The task was already done.' });
        else if (s.status === 'claimed' && s.claimant === e.member) push(e, 'ignored', { note: 'Already claimed by the same member.' });
        else if (s.status === 'claimed') {
          if (!waiting.some(([p]) => (events[p] as { member: string }).member === e.member)) waiting.push([position, history.length]);
          push(e, 'lost', { lostTo: s.claimant!, ...(heldBy ? { winner: heldBy } : {}), note: `${s.claimant} claimed it first.` });
        } else {
          take(e.member, e);
          waiting = [];
          push(e, 'applied');
        }
        break;
      case 'release':
        if (s.status === 'claimed' && s.claimant === e.member) {
          s.status = 'open';
          s.claimant = null;
          s.claimedAt = null;
          push(e, 'applied');
          const next = waiting.find(([p]) => !saw(position, p));
          waiting = [];
          if (next) {
            const [, h] = next;
            const claim = history[h].event as Extract<TaskEvent, { type: 'claim' }>;
            take(claim.member, claim);
            history[h] = { event: claim, effect: 'applied', note: `Passed on when ${e.member} let go of it before hearing of this claim.` };
          }
        } else push(e, 'stale', { note: `${e.member} no longer held the claim.` });
        break;
      case 'reassign':
        if (s.status === 'done') push(e, 'ignored', { note: 'The task was already done.' });
        else if ((e.from === null && s.status === 'open') || (e.from !== null && s.status === 'claimed' && s.claimant === e.from)) {
          take(e.to, e);
          waiting = [];
          push(e, 'applied');
        } else push(e, 'stale', { note: 'The claim had changed before this reassignment.' });
        break;
      case 'done':
        if (s.status === 'done') push(e, 'ignored', { note: 'Already done.' });
        else {
          s.status = 'done';
          waiting = [];
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
        else if (s.coLead !== null && s.coLead !== e.member) push(e, 'lost', { lostTo: s.coLead, ...(coLeadBy ? { winner: coLeadBy } : {}), note: `${s.coLead} took the co-lead place first.` });
        else if (s.coLead === e.member || s.claimant === e.member) push(e, 'ignored', { note: 'Already on this task.' });
        else {
          coLeadBy = e;
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
  });
  return { state: s, history };
}

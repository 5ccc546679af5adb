/**
 * Who may change which part of a document: the model's per-member authority, as data and
 * pure functions, so the relay enforces it on every client update and docs/model.md can
 * state it once.
 *
 * Every editor can hand-craft any valid Yjs update, so a rule that only the interface
 * follows is no rule. These parts belong to one member, or to nobody once written:
 *
 * - `blocks/<id>/ballots/<memberId>`: a ballot. Only that member creates, replaces or
 *   deletes it (and anything nested under it).
 * - `blocks/<id>/lifecycle` (a proposal's open/close/reopen/extend log) and
 *   `blocks/<id>/events` (a task's claim log, a need's match log): append-only logs.
 *   An entry is appended at the end (never inserted before another), names the sender as
 *   its author (`by`, or `member` for claims), and is never deleted or rewritten — by
 *   anyone, so a decided outcome and who claimed first cannot be erased. An entry's
 *   server-time stamp (`serverAt`, which decides between concurrent claims: log-order.ts)
 *   is a time, never earlier than a stamp its author had already seen in the log (a
 *   back-dated claim cannot jump ahead of one its author knew about), and never more than
 *   {@link STAMP_FUTURE_TOLERANCE_MS} ahead of the relay's clock.
 * - `comments/<threadId>/messages/<memberId>`: that member's comments in a thread (issue 22).
 *   Only that member creates, edits or deletes anything under it, so a comment's words are
 *   its author's alone; the thread's other keys (quote, resolved) are shared.
 * - Server-written roots ({@link serverRootsOf}): the workspace index's member directory
 *   (names, roles, coordinator flags, signing keys and their history) and settings (name,
 *   workload norm, privacy settings), written by the server from its database; and a
 *   `server` root in every document, reserved for what the server computes.
 *
 * Deleting a container deletes everything inside it, so deleting a block, or replacing its
 * `ballots` map or a log, is judged entry by entry: it is allowed only when every live
 * entry inside could be deleted on its own (a draft proposal nobody voted on, a task nobody
 * claimed). Honest clients never delete blocks (orphans are hidden, not deleted).
 *
 * A path is the chain of keys from a root type to a shared type: the root's name first,
 * then map keys, with `null` for a position in a sequence (array or text).
 */

/** Path of a shared type: root name, then map keys (`null`: a sequence position). */
export type TypePath = readonly (string | null)[];

/** One change an update makes, located in the document. */
export interface LocatedChange {
  kind: 'create' | 'delete';
  /** Path of the type the changed item sits in. */
  parent: TypePath;
  /** The item's map key, or null for an item in a sequence. */
  key: string | null;
  /** For creations: true when the type it is created in is created by the same update. */
  freshParent?: boolean;
  /** For creations: true when created at the end of a sequence (nothing to its right). */
  appended?: boolean;
  /** For creations: the JSON values the item holds (`undefined` when it holds a type, text or other content). */
  values?: readonly unknown[];
  /**
   * For creations in a log: per value, the latest server-time stamp among the entries its
   * author had already seen (its causal past, log-order.ts), or null when none is stamped.
   */
  seenStamps?: readonly (number | null)[];
}

/**
 * How far ahead of the relay's clock a log entry's server-time stamp may be. Devices stamp with
 * their clock corrected by an offset measured from `GET /api/time` (error: half a round trip)
 * and remembered across reloads; ten minutes leaves room for a device that could not measure
 * yet, while a stamp far in the future (which would push every later honest stamp after it)
 * is refused.
 */
export const STAMP_FUTURE_TOLERANCE_MS = 10 * 60_000;

/** Whether the type at `path` is an append-only log of a block. */
export function isLogPath(path: TypePath): boolean {
  return path.length === 3 && path[0] === BLOCKS_ROOT && typeof path[1] === 'string' && typeof path[2] === 'string' && APPEND_ONLY_LOGS.has(path[2]);
}

/** Block keys holding append-only logs. */
export const APPEND_ONLY_LOGS: ReadonlySet<string> = new Set(['lifecycle', 'events']);
/** Block key holding ballots keyed by member id. */
export const BALLOTS_KEY = 'ballots';
/** Root map of a document's comment threads (comments.ts). */
export const COMMENTS_ROOT = 'comments';
/** Thread key holding its messages, one map per author. */
export const MESSAGES_KEY = 'messages';
/** Longest quote kept with a thread (the words commented on). */
export const MAX_QUOTE_LENGTH = 300;
/** Root types only the server writes in every document (reserved for computed totals and server records). */
export const SERVER_ROOTS: ReadonlySet<string> = new Set(['server']);
/** The workspace index's server-written roots: the member directory and settings. */
const INDEX_SERVER_ROOTS: ReadonlySet<string> = new Set([...SERVER_ROOTS, 'members', 'settings']);

/** Root types of document `docId` that only the server writes. */
export function serverRootsOf(docId: string): ReadonlySet<string> {
  return docId === 'index' ? INDEX_SERVER_ROOTS : SERVER_ROOTS;
}
/** Root type holding the blocks. */
const BLOCKS_ROOT = 'blocks';

/** The author a log entry names: `by`, or `member` for entries that have no `by` (claim, co-lead). */
export function logEntryAuthor(entry: unknown): string | null {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return null;
  const { by, member } = entry as { by?: unknown; member?: unknown };
  if (typeof by === 'string') return by;
  return typeof member === 'string' ? member : null;
}

/** Where a path sits relative to the protected parts of a block. */
type Region =
  | { kind: 'free' }
  | { kind: 'server' }
  | { kind: 'ballots' }
  | { kind: 'ballot'; owner: string }
  | { kind: 'log'; name: string }
  | { kind: 'inside-log' }
  | { kind: 'messages' }
  | { kind: 'messages-of'; author: string };

/** Where a path sits inside the comments root: a thread's messages are kept by author. */
function commentRegionOf(path: TypePath): Region {
  if (path.length < 3 || path[2] !== MESSAGES_KEY) return { kind: 'free' };
  const author = path[3];
  if (path.length === 3 || typeof author !== 'string') return { kind: 'messages' };
  return { kind: 'messages-of', author };
}

/** Classify the type at `path` (a type's path, not an item's). */
function regionOf(path: TypePath, serverRoots: ReadonlySet<string>): Region {
  if (path.length > 0 && typeof path[0] === 'string' && serverRoots.has(path[0])) return { kind: 'server' };
  if (path[0] === COMMENTS_ROOT) return commentRegionOf(path);
  if (path.length < 3 || path[0] !== BLOCKS_ROOT || typeof path[1] !== 'string') return { kind: 'free' };
  const part = path[2];
  if (part === BALLOTS_KEY) {
    if (path.length === 3) return { kind: 'ballots' };
    const owner = path[3];
    return typeof owner === 'string' ? { kind: 'ballot', owner } : { kind: 'ballots' };
  }
  if (typeof part === 'string' && APPEND_ONLY_LOGS.has(part)) return path.length === 3 ? { kind: 'log', name: part } : { kind: 'inside-log' };
  return { kind: 'free' };
}

/**
 * Whether deleting a type at `path` (with everything inside) may delete protected entries,
 * so its live contents must be judged one by one. Text, meta and settings never are.
 */
export function mayHoldProtected(path: TypePath, serverRoots: ReadonlySet<string> = SERVER_ROOTS): boolean {
  if (path.length === 1) return path[0] === BLOCKS_ROOT || path[0] === COMMENTS_ROOT || (typeof path[0] === 'string' && serverRoots.has(path[0]));
  if (path[0] === COMMENTS_ROOT) return path.length === 2 || regionOf(path, serverRoots).kind !== 'free'; // a thread, its messages
  if (path[0] !== BLOCKS_ROOT) return regionOf(path, serverRoots).kind === 'server';
  if (path.length === 2) return true; // a block
  return regionOf(path, serverRoots).kind !== 'free';
}

/**
 * How much of a document a sender may write: `all` (editors and admins: every change the rules
 * above allow), `comments` (viewers in a workspace whose admins let viewers comment: comment
 * writes only, see {@link judgeViewerComment}), `answers` (a viewer in their own private
 * document: their answers to what every member answers, see {@link judgeViewerAnswer}),
 * `none` (other viewers: nothing).
 */
export type WriteScope = 'all' | 'comments' | 'answers' | 'none';

/** The root of a member-private document holding the member's answers (private-answers.ts). */
export const ANSWERS_ROOT = 'answers';

/**
 * Aggregators (private-totals.ts) whose questions viewers answer too: the group pulse asks how
 * every member is doing, whatever their role. A secret ballot is a decision, which viewers do
 * not take part in — as with open ballots. Kept here, free of imports, for the relay's rules;
 * a unit test checks it against the registry's `viewersMayAnswer`.
 */
export const VIEWER_ANSWER_AGGREGATORS: ReadonlySet<string> = new Set(['pulse']);

/** Why a viewer's change is refused. */
export const VIEWER_REFUSALS = Object.freeze({
  readOnly: 'viewers can read this workspace but not change it',
  commentsOnly: 'viewers may write comments only, never the text or anything else of a document',
  noRemoval: 'viewers may not remove or replace comment threads or their details',
  newThreadOnly: 'viewers may fill in a thread only when they start it',
  badThread: 'a thread a viewer starts names its author, a time, the words it is about (text) and is open',
  answersOnly: 'viewers may write only their own check-ins (the group pulse) in their private document'
});

/**
 * What a viewer may write in their own private document: answers, under keys whose aggregator
 * viewers answer ({@link VIEWER_ANSWER_AGGREGATORS}) — adding, replacing or withdrawing one.
 * Null: allowed; otherwise the refusal.
 */
function judgeViewerAnswer(change: LocatedChange): string | null {
  if (change.parent.length !== 1 || change.parent[0] !== ANSWERS_ROOT || change.key === null) return VIEWER_REFUSALS.answersOnly;
  const aggregator = change.key.slice(0, change.key.indexOf(':'));
  return VIEWER_ANSWER_AGGREGATORS.has(aggregator) ? null : VIEWER_REFUSALS.answersOnly;
}

/** A thread's `anchor` when it is not marked in the text (a viewer's thread: its quote says which words). */
export const QUOTE_ANCHOR = 'quote';

/** Thread keys a viewer may write in a thread they start, with what each may hold. */
const VIEWER_THREAD_KEYS: Readonly<Record<string, (value: unknown, memberId: string) => boolean>> = {
  createdBy: (v, memberId) => v === memberId,
  createdAt: (v) => typeof v === 'number' && Number.isFinite(v),
  quote: (v) => typeof v === 'string' && v.length <= MAX_QUOTE_LENGTH,
  resolved: (v) => v === null,
  // Not marked in the text: a viewer never writes the text, so their thread quotes its words.
  anchor: (v) => v === QUOTE_ANCHOR
};

/**
 * The comment writes a viewer may make (issue 22), when their workspace lets viewers comment:
 * start a thread (a new entry of the comments root, filled in by the same update, with their
 * own id as its author, open, anchored only by its quote) and write under
 * `messages/<their id>` — their own words, which the regular rules below then judge. Nothing
 * else: no text (not even a comment mark, which would change the text tree), no blocks, no
 * other member's words, no resolving or reopening, no removing. Null: judge it by the regular
 * rules; otherwise the refusal.
 */
function judgeViewerComment(change: LocatedChange, memberId: string): string | null {
  const [root, , part] = change.parent;
  if (root !== COMMENTS_ROOT) return VIEWER_REFUSALS.commentsOnly;
  if (change.parent.length >= 3 && part === MESSAGES_KEY) return null;
  if (change.kind === 'delete') return VIEWER_REFUSALS.noRemoval;
  if (change.parent.length === 1) return change.key !== null && change.values === undefined ? null : VIEWER_REFUSALS.badThread;
  if (change.parent.length !== 2) return VIEWER_REFUSALS.commentsOnly;
  if (!change.freshParent) return VIEWER_REFUSALS.newThreadOnly;
  if (change.key === MESSAGES_KEY) return change.values === undefined ? null : VIEWER_REFUSALS.badThread;
  const valid = change.key === null ? undefined : VIEWER_THREAD_KEYS[change.key];
  const ok = valid !== undefined && change.values?.length === 1 && valid(change.values[0], memberId);
  return ok ? null : VIEWER_REFUSALS.badThread;
}

/**
 * Judge one change by `memberId`: null when allowed, otherwise the reason in plain words.
 * Pure; the relay calls it for every item an update creates or deletes, with its own clock as
 * `now` (for stamps of log entries) and the sender's {@link WriteScope}.
 */
export function judgeChange(
  change: LocatedChange,
  memberId: string,
  serverRoots: ReadonlySet<string> = SERVER_ROOTS,
  now: number = Number.POSITIVE_INFINITY,
  scope: WriteScope = 'all'
): string | null {
  if (scope === 'none') return VIEWER_REFUSALS.readOnly;
  if (scope === 'comments' || scope === 'answers') {
    const refusal = scope === 'comments' ? judgeViewerComment(change, memberId) : judgeViewerAnswer(change);
    if (refusal) return refusal;
  }
  const region = regionOf(change.parent, serverRoots);
  switch (region.kind) {
    case 'free':
      return null;
    case 'server':
      return change.parent[0] === 'members' || change.parent[0] === 'settings'
        ? 'the member directory and workspace settings are changed by the server only (members change their profile through the app)'
        : 'this part of the document is written by the server only';
    case 'ballots':
      if (change.key === null) return 'ballots are kept by member, not in a list';
      return change.key === memberId ? null : 'only the member who cast a ballot may change or remove it';
    case 'ballot':
      return region.owner === memberId ? null : 'only the member who cast a ballot may change or remove it';
    case 'messages':
      if (change.key === null) return 'comments are kept by author, not in a list';
      return change.key === memberId ? null : 'only the person who wrote a comment may change or delete it';
    case 'messages-of':
      return region.author === memberId ? null : 'only the person who wrote a comment may change or delete it';
    case 'inside-log':
      return 'entries of a decision or claim log are plain records and never change';
    case 'log':
      return judgeLogChange(change, memberId, region.name, now);
    default: {
      const never: never = region;
      return never;
    }
  }
}

function judgeLogChange(change: LocatedChange, memberId: string, name: string, now: number): string | null {
  const what = name === 'lifecycle' ? 'a proposal’s decision record' : 'a claim or match log';
  if (change.kind === 'delete') return `entries of ${what} are never removed`;
  if (change.key !== null) return `${what} is a list of entries`;
  if (!change.appended) return `entries are only ever added at the end of ${what}`;
  if (!change.values || change.values.length === 0) return `${what} holds plain records only`;
  for (const [i, entry] of change.values.entries()) {
    if (logEntryAuthor(entry) !== memberId) return `an entry of ${what} must name its own author`;
    const problem = judgeStamp(entry, change.seenStamps?.[i] ?? null, now);
    if (problem) return problem;
  }
  return null;
}

/** A log entry's server-time stamp, if it has one: a time, not before what its author had seen, not far in the future. */
function judgeStamp(entry: unknown, seen: number | null, now: number): string | null {
  if (typeof entry !== 'object' || entry === null || !('serverAt' in entry)) return null;
  const stamp = (entry as { serverAt: unknown }).serverAt;
  if (typeof stamp !== 'number' || !Number.isFinite(stamp)) return 'an entry’s time stamp must be a time';
  if (seen !== null && stamp < seen) return 'an entry may not be stamped earlier than an entry its author had already seen (a back-dated claim)';
  if (stamp > now + STAMP_FUTURE_TOLERANCE_MS) return 'an entry may not be stamped in the future';
  return null;
}

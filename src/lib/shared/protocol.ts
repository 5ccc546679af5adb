/**
 * Mutual's wire protocol constants: data only, shared by the relay and the browser.
 *
 * The sync protocol is y-websocket's (see docs/protocol.md); these are the
 * numbers both ends must agree on: message types, close codes and limits.
 */

/** y-websocket top-level message types (first varint of every frame). */
export const MessageType = {
  sync: 0,
  awareness: 1,
  auth: 2,
  queryAwareness: 3
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/**
 * Close codes. 4400–4499 are permanent refusals: the stock y-websocket client
 * stops reconnecting when it sees one, so a refused client never loops.
 */
export const CloseCode = {
  /** Normal closure (server shutting down, document unloading). */
  normal: 1000,
  /** Server going away (restart); clients should reconnect. */
  goingAway: 1001,
  /** Try again later: reconnect and sync again (e.g. changes arrived before what they build on). */
  retryLater: 1013,
  /** Bad request: malformed ids or a malformed frame. */
  badRequest: 4400,
  /** Missing, invalid or revoked token. */
  unauthorized: 4401,
  /** Valid token, but not allowed here (another workspace, a document the role may not read). */
  forbidden: 4403,
  /** A frame larger than {@link Limits.maxFrameBytes}, or an update past a relay bound. */
  tooLarge: 4413,
  /**
   * A change the member may not make (another member's ballot, a decision record, the
   * member directory). The connection itself was fine: the device keeps its copy and the
   * document stays readable; only that change is refused.
   */
  changeRefused: 4422,
  /**
   * Flooding: presence changes faster than any person makes them, or a socket kept over its
   * message budget without a break for a long time. (A socket merely over its budget is
   * slowed, not closed: the relay stops reading it until the budget refills.)
   */
  rateLimited: 4429
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/**
 * The reason of a 4401 close when one device of a member was removed (the member keeps their
 * other devices); devices tell it apart from a removed member (issue 18).
 */
export const DEVICE_REVOKED_REASON = 'this device was removed from your devices';

/** What a device removed from its member's devices tells its person. */
export const DEVICE_REVOKED_MESSAGE =
  'This device was removed from your devices (on another of your devices, or by an admin), so it can no longer reach the workspace. To use it again, open “Add a device” on a device that is still signed in.';

/** Close codes the client must treat as "stop retrying, tell the person". */
export function isPermanentRefusal(code: number): boolean {
  return code >= 4400 && code <= 4499;
}

/** Plain-words explanation of a close code, for people (shown in the UI). */
export function describeCloseCode(code: number): string {
  switch (code) {
    case CloseCode.badRequest:
      return 'This link or document address is not valid.';
    case CloseCode.unauthorized:
      return 'This device is no longer a member of the workspace (its access was removed or the workspace no longer exists).';
    case CloseCode.forbidden:
      return 'Your role in this workspace does not allow opening this document.';
    case CloseCode.tooLarge:
      return 'A change was too large to send. Try splitting a very large paste.';
    case CloseCode.changeRefused:
      return 'The server refused a change made on this device, so this document stopped syncing here. What you see is kept on this device; reload the page to sync again.';
    case CloseCode.rateLimited:
      return 'Too many changes were sent too quickly; reconnecting shortly.';
    default:
      return 'The connection to the server was closed.';
  }
}

/** Limits enforced by the relay (documented in docs/protocol.md). */
export const Limits = {
  /** Largest websocket frame accepted (bytes). Bigger frames close with 4413. */
  maxFrameBytes: 4 * 1024 * 1024,
  /** Largest awareness state of a single client (bytes of JSON). */
  maxAwarenessStateBytes: 16 * 1024,
  /** Token bucket: messages per second sustained per socket… */
  messagesPerSecond: 500,
  /** …and burst size. Past it the relay stops reading the socket until the budget refills (flow control). */
  messageBurst: 2000,
  /** Bytes per second sustained per socket (the same pause)… */
  bytesPerSecond: 1024 * 1024,
  /** …and burst size in bytes. */
  byteBurst: 8 * 1024 * 1024,
  /** Presence changes per second one socket may make… */
  presencePerSecond: 100,
  /** …and burst; past it the socket is closed with 4429 (no person moves a cursor that fast). */
  presenceBurst: 1000,
  /** A socket kept over its budget without a break for this long (ms) is closed with 4429. */
  maxOverBudgetMs: 10 * 60 * 1000,
  /** Largest HTTP JSON body accepted by the API (bytes). */
  maxJsonBodyBytes: 64 * 1024,
  /** Longest name (workspace, member, document title) in characters. */
  maxNameLength: 120
} as const;

/** Workspace and document ids: the contract's pattern. */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** True when `id` is a valid workspace or document id. */
export function isValidId(id: unknown): id is string {
  return typeof id === 'string' && ID_PATTERN.test(id);
}

/** Member roles, most to least powerful. */
export const Roles = ['admin', 'editor', 'viewer'] as const;
export type Role = (typeof Roles)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (Roles as readonly string[]).includes(value);
}

/** Whether a role may change documents. */
export function canWrite(role: Role): boolean {
  return role === 'admin' || role === 'editor';
}

/** Path prefix of the sync websocket: `/sync/<workspaceId>/<docId>`. */
export const SYNC_PATH_PREFIX = '/sync/';

/**
 * Reserved document ids inside a workspace. The index document holds the
 * catalogue and member directory; every member may read it, only the relay and
 * admins change the member directory (see docs/model.md).
 */
export const INDEX_DOC_ID = 'index';

/**
 * Private documents (e.g. a needs board's contact details) use this prefix.
 * The relay serves them only to admins and coordinators.
 */
export const PRIVATE_DOC_PREFIX = 'private-';

/**
 * A member's own private document (issue 24): `member-private-<memberId>`. The relay serves it
 * only to that member's devices — not to admins, not to coordinators — and reads it itself to
 * publish totals (docs/model.md, *Member-private documents and server totals*). The prefix does
 * not start with {@link PRIVATE_DOC_PREFIX}, so no rule for the needs boards' private documents
 * (who may read them, retention, purges) ever applies to it.
 */
export const MEMBER_PRIVATE_DOC_PREFIX = 'member-private-';

/** The shared document the relay writes the group pulse's totals into (issue 24; one per workspace, nothing else in it). */
export const PULSE_DOC_ID = 'group-pulse';


import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';
import { readSettings } from '#shared/model/workspace';
import { CloseCode, DEVICE_REVOKED_REASON, INDEX_DOC_ID, isValidId, Limits, SYNC_PATH_PREFIX } from '#shared/protocol';
import { mayRead, mayWrite, refusalReason, viewersMayCommentIn, type Auth } from '../auth/auth.ts';
import type { MemberEvent } from '../auth/types.ts';
import type { MutualConfig } from '../config.ts';
import { errorMessage, type Logger } from '../log.ts';
import type { DocumentStore } from '../store/types.ts';
import { DEFAULT_ADMISSION_LIMITS, type AdmissionLimits } from './admission.ts';
import { createLocalBroadcast, type Broadcast } from './broadcast.ts';
import { Connection } from './connection.ts';
import type { FlowBudget } from './flow-control.ts';
import { CLOSE_DOCUMENT_UNAVAILABLE, DocumentManager } from './documents.ts';

/** Ping every socket this often; one missed pong and it is dropped. */
const KEEPALIVE_MS = 30_000;
/** Default bound on admitting a socket (authenticate, load, greet); see MutualConfig.admitTimeoutMs. */
const ADMIT_TIMEOUT_MS = 20_000;

/** Settings of per-socket flow control (RATE_LIMIT_*). */
type FlowSetting = 'messagesPerSecond' | 'messageBurst' | 'bytesPerSecond' | 'byteBurst' | 'presencePerSecond' | 'presenceBurst' | 'maxOverBudgetMs';

/** Per-socket budgets from the config, the protocol's defaults for what it leaves out. */
function flowBudget(config: Partial<Pick<MutualConfig, FlowSetting>>): FlowBudget {
  return {
    messagesPerSecond: config.messagesPerSecond ?? Limits.messagesPerSecond,
    messageBurst: config.messageBurst ?? Limits.messageBurst,
    bytesPerSecond: config.bytesPerSecond ?? Limits.bytesPerSecond,
    byteBurst: config.byteBurst ?? Limits.byteBurst,
    presencePerSecond: config.presencePerSecond ?? Limits.presencePerSecond,
    presenceBurst: config.presenceBurst ?? Limits.presenceBurst,
    maxOverBudgetMs: config.maxOverBudgetMs ?? Limits.maxOverBudgetMs
  };
}

/** What a relay needs. */
export interface RelayOptions {
  config: Pick<MutualConfig, 'unloadGraceMs' | 'compactAfterUpdates' | 'compactAfterBytes'> &
    Partial<Pick<MutualConfig, FlowSetting | 'maxDocumentBytes' | 'admitTimeoutMs'>>;
  /** Bounds on writers' updates (defaults: DEFAULT_ADMISSION_LIMITS, with config.maxDocumentBytes). */
  admission?: Partial<AdmissionLimits>;
  store: DocumentStore;
  auth: Auth;
  logger: Logger;
  /** Fan-out to other instances; defaults to a single-instance no-op. */
  broadcast?: Broadcast;
  /** Called (after the load) each time a document is loaded into memory. */
  onDocumentLoaded?: (workspaceId: string, docId: string) => void;
  /** Called once per socket when it closes: its close code, who closed it, how often it was paused (metrics). */
  onSocketClosed?: (closed: ClosedSocket) => void;
}

/** A socket that closed, as the relay's metrics count it. */
export interface ClosedSocket {
  code: number;
  /** Who sent the close: the relay (a refusal, a limit, a restart) or the client. */
  by: 'server' | 'client';
  /** Whether it had started syncing (false: refused or gone during admission). */
  wasOpen: boolean;
  /** How often flow control paused it. */
  pauses: number;
}

/** The relay's sockets now. */
export interface RelaySockets {
  /** Open (or still being admitted). */
  open: number;
  /** Not being read now: over their budget (flow control). */
  paused: number;
  /** Pauses so far of the sockets open now. */
  pauses: number;
}

/** The websocket relay: y-websocket protocol, access control, durable fan-out. */
export interface Relay {
  /** Take an HTTP upgrade under /sync/; false when the path is not ours. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Read and write documents from server code (member directory, …). */
  readonly documents: DocumentManager;
  /** Open (or still authenticating) sockets. */
  readonly connectionCount: number;
  /** Open sockets, those paused by flow control, and their pauses so far (metrics). */
  sockets(): RelaySockets;
  /** Close every socket (1001: clients reconnect), flush and persist everything. */
  close(): Promise<void>;
}

/**
 * ws reports an oversized frame by closing with 1009, which the stock client retries
 * forever. This subclass turns that into the contract's permanent 4413.
 */
class RelaySocket extends WebSocket {
  override close(code?: number, data?: string | Buffer): void {
    if (code === 1009) return super.close(CloseCode.tooLarge, 'message too large');
    super.close(code, data);
  }
}

/**
 * Split `/sync/<workspaceId>/<docId>?token=…` or `…?ticket=…` (no decoding tricks: ids are
 * plain ASCII). A ticket (short-lived, single use: `POST /api/workspaces/:id/tickets`) keeps
 * the device's token out of proxies' access logs; stock clients may still pass the token.
 */
export function parseSyncUrl(url: string): { workspaceId: string; docId: string; token: string | null; ticket: string | null } | null {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const parts = path.slice(SYNC_PATH_PREFIX.length).split('/');
  if (parts.length !== 2 || !isValidId(parts[0]) || !isValidId(parts[1])) return null;
  const query = new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
  return { workspaceId: parts[0], docId: parts[1], token: query.get('token'), ticket: query.get('ticket') };
}


/** Create a relay. No module state: several relays may live in one process. */
export function createRelay(opts: RelayOptions): Relay {
  const { config, store, auth, logger } = opts;
  const broadcast = opts.broadcast ?? createLocalBroadcast();
  const documents = new DocumentManager({
    store,
    broadcast,
    logger,
    unloadGraceMs: config.unloadGraceMs,
    compactAfterUpdates: config.compactAfterUpdates,
    compactAfterBytes: config.compactAfterBytes,
    onLoaded: opts.onDocumentLoaded,
    admission: { ...DEFAULT_ADMISSION_LIMITS, ...(config.maxDocumentBytes ? { maxDocumentBytes: config.maxDocumentBytes } : {}), ...opts.admission }
  });
  const budget = flowBudget(config);
  const wss = new WebSocketServer({ noServer: true, maxPayload: Limits.maxFrameBytes, perMessageDeflate: false, clientTracking: false, WebSocket: RelaySocket });
  const connections = new Set<Connection>();
  /** `<workspaceId>/<memberId>` → that member's sockets, for revocation and role changes. */
  const byMember = new Map<string, Set<Connection>>();
  let closing = false;
  const keepalive = setInterval(() => {
    for (const conn of connections) conn.keepalive();
  }, KEEPALIVE_MS);
  keepalive.unref?.();

  const memberKey = (workspaceId: string, memberId: string) => `${workspaceId}/${memberId}`;

  /** Close or adjust this instance's sockets of a member whose access changed (here or on another instance). */
  const applyMemberEvent = (event: MemberEvent) => {
    const key = memberKey(event.workspaceId, event.memberId);
    for (const conn of byMember.get(key) ?? []) {
      if (event.type === 'revoked') {
        conn.close(CloseCode.unauthorized, 'your access to this workspace was removed');
      } else if (event.type === 'device-revoked') {
        if (conn.member?.deviceId === event.deviceId) conn.close(CloseCode.unauthorized, DEVICE_REVOKED_REASON);
      } else if (conn.member) {
        const renamed = conn.member.name !== event.name;
        conn.member = { ...conn.member, role: event.role, coordinator: event.coordinator, name: event.name };
        if (!mayRead(conn.member, conn.target.docId)) conn.close(CloseCode.forbidden, 'your role no longer allows opening this document');
        else if (conn.state === 'open') {
          void followCommentSetting(conn);
          // Their cursor and presence show the name others see: the new one, without a reconnect.
          if (renamed) conn.restampPresence();
        }
      }
    }
  };
  const unsubscribeLocal = auth.onMemberEvent((event) => {
    applyMemberEvent(event);
    // The member may have sockets on other instances too.
    broadcast.publishMemberEvent(event);
  });
  const unsubscribeRemote = broadcast.subscribeMemberEvents((event) => {
    // Believe the shared membership store, not the message: a forged or stale message must
    // neither widen anyone's access nor cut off a member in good standing.
    auth
      .getMember(event.workspaceId, event.memberId)
      .then(async (m) => {
        if (!m) return;
        if (m.revoked) applyMemberEvent({ type: 'revoked', workspaceId: event.workspaceId, memberId: event.memberId });
        else if (event.type === 'updated') applyMemberEvent({ ...event, role: m.role, coordinator: m.coordinator, name: m.name });
        else if (event.type === 'device-revoked') {
          const devices = await auth.listDevices(event.workspaceId, event.memberId);
          if (devices.some((d) => d.deviceId === event.deviceId && d.revoked)) applyMemberEvent(event);
        }
      })
      .catch((err: unknown) => logger.warn('remote-member-event-failed', { workspace: event.workspaceId, member: event.memberId, error: errorMessage(err) }));
  });
  const unsubscribe = () => {
    unsubscribeLocal();
    unsubscribeRemote();
  };

  /**
   * A viewer's socket on a shared document keeps the workspace's index loaded while it is open:
   * its settings say, at each admission, whether viewers may comment (issue 22), and a change of
   * the setting on any instance reaches this instance's copy. False when the socket closed
   * meanwhile or the index could not be loaded (the socket is closed then: try again later).
   */
  const followCommentSetting = async (conn: Connection): Promise<boolean> => {
    const member = conn.member;
    if (!member || mayWrite(member) || !viewersMayCommentIn(conn.target.docId) || conn.viewersMayComment) return !conn.closing;
    let index;
    try {
      index = await documents.acquire(member.workspaceId, INDEX_DOC_ID);
    } catch (err) {
      logger.error('document-load-failed', { ...conn.fields(), doc: INDEX_DOC_ID, error: errorMessage(err) });
      conn.close(CLOSE_DOCUMENT_UNAVAILABLE, 'this workspace could not be loaded; try again later');
      return false;
    }
    if (conn.closing || conn.viewersMayComment) {
      documents.release(index);
      return !conn.closing;
    }
    conn.viewersMayComment = { read: () => readSettings(index.ydoc).value.viewersMayComment, release: () => documents.release(index) };
    return true;
  };

  const onClosed = (conn: Connection) => {
    conn.viewersMayComment?.release();
    conn.viewersMayComment = null;
    connections.delete(conn);
    if (conn.member) {
      const key = memberKey(conn.member.workspaceId, conn.member.memberId);
      const set = byMember.get(key);
      set?.delete(conn);
      if (set?.size === 0) byMember.delete(key);
    }
    if (conn.doc) documents.release(conn.doc);
    const closed = conn.closedWith;
    if (closed && opts.onSocketClosed) {
      try {
        opts.onSocketClosed({ ...closed, pauses: conn.pauses });
      } catch (err) {
        logger.warn('socket-closed-hook-failed', { error: errorMessage(err) });
      }
    }
  };

  /** Authenticate, authorise, load; refusals close before any byte was sent. */
  const admit = async (conn: Connection, credentials: { token: string | null; ticket: string | null }) => {
    const { workspaceId, docId } = conn.target;
    const { token, ticket } = credentials;
    const member = ticket !== null ? await auth.authenticateTicket(ticket) : await auth.authenticate(token);
    if (conn.closing) return;
    if (!member) {
      const removed = ticket === null && token ? await auth.whyRefused(token) : 'unknown';
      if (conn.closing) return;
      const why =
        removed === 'device-removed'
          ? DEVICE_REVOKED_REASON
          : ticket !== null
            ? 'this connection ticket is not valid, was already used or expired'
            : token
              ? 'this token is not valid or its access was removed'
              : 'missing token';
      return conn.close(CloseCode.unauthorized, why);
    }
    conn.member = member;
    // Register first: from here on, revocations and role changes reach this socket.
    const key = memberKey(member.workspaceId, member.memberId);
    let set = byMember.get(key);
    if (!set) byMember.set(key, (set = new Set()));
    set.add(conn);
    if (member.workspaceId !== workspaceId) return conn.close(CloseCode.forbidden, 'this token belongs to another workspace');
    if (!mayRead(member, docId)) return conn.close(CloseCode.forbidden, refusalReason(docId));
    let doc;
    try {
      doc = await documents.acquire(workspaceId, docId);
    } catch (err) {
      logger.error('document-load-failed', { ...conn.fields(), error: errorMessage(err) });
      return conn.close(CLOSE_DOCUMENT_UNAVAILABLE, 'this document could not be loaded; try again later');
    }
    // Read the membership again: a revocation or role change that landed between the first
    // read and the registration above emitted no event this socket could see. A store that
    // fails here is a server fault (1011: the device retries), never "no such member" (4401:
    // the device would take itself for removed and stop syncing for good).
    let fresh: Awaited<ReturnType<Auth['recheck']>> = null;
    try {
      fresh = conn.closing ? null : await auth.recheck(member);
    } catch (err) {
      documents.release(doc);
      logger.error('admit-membership-failed', { ...conn.fields(), error: errorMessage(err) });
      return conn.close(CLOSE_DOCUMENT_UNAVAILABLE, 'the server could not check your membership; try again later');
    }
    if (conn.closing) return documents.release(doc);
    if (!fresh) {
      documents.release(doc);
      return conn.close(CloseCode.unauthorized, 'your access to this workspace was removed');
    }
    conn.member = fresh;
    if (!mayRead(fresh, docId)) {
      documents.release(doc);
      return conn.close(CloseCode.forbidden, 'your role no longer allows opening this document');
    }
    // Before the first frame is read: a viewer's queued comments arrive at once.
    if (!(await followCommentSetting(conn))) return documents.release(doc);
    conn.open(doc);
  };

  const onSocket = (ws: WebSocket, req: IncomingMessage) => {
    const parsed = parseSyncUrl(req.url ?? '');
    const conn = new Connection(ws, parsed ?? { workspaceId: '', docId: '' }, logger, budget, onClosed);
    connections.add(conn);
    if (closing) return conn.close(CloseCode.goingAway, 'server restarting');
    if (!parsed) return conn.close(CloseCode.badRequest, 'the address must be /sync/<workspaceId>/<docId> with ids of letters, digits, - and _');
    // Whatever holds the admission up (a slow store, a stuck load), the socket hears from
    // us in bounded time; admit() sees the close and lets go of the document when it ends.
    const deadline = setTimeout(() => refuseSlowAdmission(conn), config.admitTimeoutMs ?? ADMIT_TIMEOUT_MS);
    deadline.unref?.();
    admit(conn, parsed)
      .catch((err: unknown) => {
        logger.error('admit-failed', { ...conn.fields(), error: errorMessage(err) });
        conn.close(CLOSE_DOCUMENT_UNAVAILABLE, 'the server could not open this document; try again later');
      })
      .finally(() => clearTimeout(deadline));
  };

  const refuseSlowAdmission = (conn: Connection) => {
    if (conn.state !== 'pending' || conn.closing) return;
    const d = documents.describe(conn.target.workspaceId, conn.target.docId);
    logger.error('admit-timeout', { ...conn.fields(), state: d.state, history: d.history.join('; ') });
    conn.close(CLOSE_DOCUMENT_UNAVAILABLE, 'opening this document took too long; try again later');
  };

  return {
    documents,
    get connectionCount() {
      return connections.size;
    },
    sockets() {
      let paused = 0;
      let pauses = 0;
      for (const conn of connections) {
        if (conn.paused) paused++;
        pauses += conn.pauses;
      }
      return { open: connections.size, paused, pauses };
    },
    handleUpgrade(req, socket, head) {
      const url = req.url ?? '';
      if (!url.startsWith(SYNC_PATH_PREFIX)) return false;
      // Always accept: a refused HTTP upgrade looks like a network error (1006) to the
      // browser, which then retries forever. Refusals are close codes.
      wss.handleUpgrade(req, socket, head, (ws) => onSocket(ws, req));
      return true;
    },
    async close() {
      if (closing) return;
      closing = true;
      clearInterval(keepalive);
      unsubscribe();
      for (const conn of connections) conn.close(CloseCode.goingAway, 'server restarting');
      await documents.close();
      // Sockets that ignore our close frame are cut after a grace period.
      await waitUntil(() => [...connections].every((c) => c.state === 'closed'), 1000);
      for (const c of connections) c.ws.terminate();
      wss.close();
      await broadcast.close();
    }
  };
}

/** Poll `done` every 20 ms until true or `ms` elapsed. */
function waitUntil(done: () => boolean, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const started = Date.now();
    const tick = () => (done() || Date.now() - started >= ms ? resolve() : setTimeout(tick, 20).unref?.());
    tick();
  });
}

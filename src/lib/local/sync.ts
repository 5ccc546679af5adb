/**
 * Sync one document with the relay using the stock y-websocket
 * `WebsocketProvider`, and say how it is going in terms a person can act on:
 * connecting · live · offline · refused (with the plain reason), and whether
 * edits made here are still waiting to reach the relay ("unsynced").
 *
 * "Unsynced" compares the document's state vector with the last state vector
 * the relay is known to hold: the relay's own (from its sync step 1), what it
 * sent us, and what it has *confirmed*. Confirmation is a sync step 1 of ours
 * (a "probe"): the relay answers a step 1 with a step 2 only once everything it
 * received before is durable (docs/protocol.md), so the answer confirms every
 * edit sent before the probe. Handing an edit to an open socket is not enough:
 * Chromium's offline mode, or a network that died without saying so, leaves a
 * socket that looks open while its frames go nowhere. Deletions do not move a
 * state vector, so any local edit also sets a dirty flag that only a
 * confirmation sent after it clears.
 */
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { Awareness } from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { CloseCode, MessageType, describeCloseCode, isPermanentRefusal } from '#shared/protocol';
import { STORE_ORIGIN } from './doc-handle.ts';
import type { DocStorage } from './doc-storage.ts';
import { shallowEqual, writable, type Readable } from './observable.ts';
import type { Refusal } from './store.ts';

/** Connection state of one document. */
export type DocSyncState = 'connecting' | 'live' | 'offline' | 'refused';

/** What the UI shows for one document. */
export interface DocSyncStatus {
  state: DocSyncState;
  /** Local edits may not have reached the relay yet (the relay has not confirmed them). */
  unsynced: boolean;
  /**
   * What people are told, in the document's header and the top bar's count: edits made here
   * are waiting for the relay. At once while not live; while live only when no confirmation
   * came for `waitingAfterMs` — a keystroke is confirmed within a round trip (asked for at
   * most once a second while edits keep coming), so only a lasting silence is news.
   */
  waiting: boolean;
  /** Set when state is 'refused': the close code and plain words from describeCloseCode. */
  refused?: Refusal;
  /** A temporary condition in plain words (e.g. rate limited, reconnecting later). */
  notice?: string;
  /** When the relay last confirmed this device's edits (ms since epoch). */
  lastSyncedAt?: number;
}

/** A WebSocket constructor (the browser's, or `ws` in Node). */
export type WebSocketConstructor = NonNullable<
  NonNullable<ConstructorParameters<typeof WebsocketProvider>[3]>['WebSocketPolyfill']
>;

/** Options of {@link syncDocument}. */
export interface DocSyncOptions {
  doc: Y.Doc;
  workspaceId: string;
  docId: string;
  /** The member's bearer token (sent as `?token=`). */
  token: string;
  /** Relay base, `ws(s)://host/sync`. Default: this page's origin. */
  relayUrl?: string;
  /** Persist the relay's acknowledgement so "unsynced" survives a reload. */
  storage?: DocStorage;
  /** WebSocket implementation; pass `ws`'s in Node. */
  WebSocket?: WebSocketConstructor;
  /** Shared awareness (presence); one is created when omitted. */
  awareness?: Awareness;
  /** False for background replication: do not announce presence. Default true. */
  presence?: boolean;
  /** Start connecting at once. Default true. */
  connect?: boolean;
  /** Called once on a permanent refusal (4400–4499 except 4429). */
  onRefused?: (refusal: Refusal) => void;
  /** Cross-tab BroadcastChannel sync (stock provider feature). Tests in one process turn it off. */
  disableBc?: boolean;
  /** First wait after a 4429 (rate limited) before reconnecting; doubles each time. Default 15 s. */
  rateLimitRetryMs?: number;
  /** Longest wait between reconnect attempts. Default 5 s. */
  maxBackoffTime?: number;
  /** Ask the relay to confirm edits at most this often while they keep coming. Default 1 s. */
  confirmIntervalMs?: number;
  /** Live, unconfirmed edits count as `waiting` after this long without a confirmation. Default 1.5 s. */
  waitingAfterMs?: number;
  now?: () => number;
}

/** One document's live connection to the relay. */
export interface DocSync {
  readonly provider: WebsocketProvider;
  readonly awareness: Awareness;
  /** Svelte-store compatible status. */
  readonly status: Readable<DocSyncStatus>;
  /** Resolve when live with nothing unsynced, or say why not ('refused' | 'timeout'). */
  whenSynced(timeoutMs?: number): Promise<'synced' | 'refused' | 'timeout'>;
  connect(): void;
  /** Close the relay's socket (the device went offline, or the workspace refused it). */
  disconnect(): void;
  destroy(): void;
}

/** `ws(s)://<this page's host>/sync`; throws outside a browser (pass relayUrl there). */
export function defaultRelayUrl(): string {
  if (typeof location === 'undefined') throw new Error('No page origin to derive the relay URL from; pass relayUrl.');
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/sync`;
}

type StateVector = Map<number, number>;

/** True when `acked` holds every clock of `current`. */
export function stateVectorCovers(acked: StateVector, current: StateVector): boolean {
  for (const [client, clock] of current) if ((acked.get(client) ?? 0) < clock) return false;
  return true;
}

function mergeInto(target: StateVector, source: StateVector): void {
  for (const [client, clock] of source) if ((target.get(client) ?? 0) < clock) target.set(client, clock);
}

/** Connect a document to the relay and track its status. */
export function syncDocument(options: DocSyncOptions): DocSync {
  const { doc, workspaceId, docId, storage } = options;
  const now = options.now ?? Date.now;
  const ownsAwareness = !options.awareness;
  const awareness = options.awareness ?? new Awareness(doc);
  if (options.presence === false) awareness.setLocalState(null);
  const provider = new WebsocketProvider(options.relayUrl ?? defaultRelayUrl(), `${workspaceId}/${docId}`, doc, {
    connect: false,
    awareness,
    params: { token: options.token },
    disableBc: options.disableBc ?? false,
    maxBackoffTime: options.maxBackoffTime ?? 5000,
    ...(options.WebSocket ? { WebSocketPolyfill: options.WebSocket } : {})
  });

  const acked: StateVector = new Map();
  let dirty = false;
  /** Local edits so far; a probe remembers the count, so its answer clears `dirty` only if none came after. */
  let edits = 0;
  /** Probes sent on this connection and not yet answered, oldest first (answers come in order). */
  let probes: Array<{ stateVector: StateVector; edits: number }> = [];
  let lastProbeAt = Number.NEGATIVE_INFINITY;
  const confirmIntervalMs = options.confirmIntervalMs ?? 1000;
  let ackedThisSession = false;
  let persistedUnsynced: boolean | undefined;
  let lastPersistAt = 0;
  let needsRefetch = false;
  let lastSyncedAt: number | undefined;
  let probeTimer: ReturnType<typeof setTimeout> | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let rateLimitedTimes = 0;
  let destroyed = false;
  let state: DocSyncState = options.connect === false ? 'offline' : 'connecting';
  let refused: Refusal | undefined;
  let notice: string | undefined;

  const waitingAfterMs = options.waitingAfterMs ?? 1500;
  /** When the current stretch of unconfirmed edits began, and when the relay last confirmed any. */
  let unsyncedSince: number | undefined;
  let lastConfirmedAt = Number.NEGATIVE_INFINITY;
  let waitingTimer: ReturnType<typeof setTimeout> | undefined;
  /** Since when a live document has had unconfirmed edits and no confirmation. */
  const silentSince = (): number => Math.max(unsyncedSince ?? now(), lastConfirmedAt);

  const computeStatus = (): DocSyncStatus => {
    const unsynced = dirty || !stateVectorCovers(acked, Y.decodeStateVector(Y.encodeStateVector(doc)));
    if (!unsynced) unsyncedSince = undefined;
    else unsyncedSince ??= now();
    return {
      state,
      unsynced,
      waiting: unsynced && (state !== 'live' || now() - silentSince() >= waitingAfterMs),
      ...(refused ? { refused } : {}),
      ...(notice ? { notice } : {}),
      ...(lastSyncedAt !== undefined ? { lastSyncedAt } : {})
    };
  };
  const status = writable<DocSyncStatus>(computeStatus(), shallowEqual);
  const publish = (): void => {
    const next = computeStatus();
    status.set(next);
    // Live and not yet waiting: look again when the silence would become news.
    clearTimeout(waitingTimer);
    waitingTimer = undefined;
    if (next.unsynced && !next.waiting && !destroyed) waitingTimer = setTimeout(publish, Math.max(0, silentSince() + waitingAfterMs - now()));
  };
  const setState = (next: DocSyncState): void => {
    state = next;
    if (next === 'live') notice = undefined;
    publish();
  };

  const persistDirty = (): void => {
    if (!storage || persistedUnsynced === true) return;
    persistedUnsynced = true;
    void storage.updateMeta(workspaceId, docId, { unsynced: true });
  };
  const persistAck = (force: boolean): void => {
    if (!storage) return;
    // Throttled: while live every keystroke is acknowledged; the meta record need not be rewritten each time.
    if (!force && persistedUnsynced === false && !needsRefetch && now() - lastPersistAt < 5000) return;
    persistedUnsynced = false;
    needsRefetch = false;
    lastPersistAt = now();
    void storage.updateMeta(workspaceId, docId, {
      unsynced: false,
      syncedStateVector: Y.encodeStateVector(doc),
      lastSyncedAt,
      needsRefetch: false
    });
  };

  /** Everything this device had sent when `probe` went out is durable on the relay. */
  const confirm = (probe: { stateVector: StateVector; edits: number }): void => {
    mergeInto(acked, probe.stateVector);
    if (probe.edits === edits) dirty = false;
    ackedThisSession = true;
    lastSyncedAt = now();
    lastConfirmedAt = lastSyncedAt;
    publish();
    if (status.get().unsynced) queueProbe();
    else persistAck(false);
  };
  /** Ask the relay to confirm what we sent (a sync step 1; its step 2 answer is the receipt). */
  const sendProbe = (): void => {
    probeTimer = undefined;
    // One at a time (its answer sends the next if more is waiting), and only after the
    // handshake: the provider's own step 1 is answered before `synced`, so from then on
    // every step 2 from the relay answers one of ours, in order.
    if (destroyed || state !== 'live' || !provider.synced || probes.length > 0 || !status.get().unsynced) return;
    const ws = provider.ws;
    if (!ws || ws.readyState !== 1) return;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageType.sync);
    syncProtocol.writeSyncStep1(encoder, doc);
    probes.push({ stateVector: Y.decodeStateVector(Y.encodeStateVector(doc)), edits });
    lastProbeAt = now();
    try {
      ws.send(encoding.toUint8Array(encoder));
    } catch {
      probes = []; // the socket is closing; the reconnect's handshake starts over
    }
  };
  /**
   * After the current task (the provider sends an edit as it happens; the probe follows it),
   * and at most once per `confirmIntervalMs`: the relay's answer carries the document's whole
   * delete set (y-protocols' step 2), a few KB for a long, much-edited page.
   */
  const queueProbe = (): void => {
    if (probeTimer !== undefined || destroyed) return;
    probeTimer = setTimeout(sendProbe, Math.max(0, lastProbeAt + confirmIntervalMs - now()));
  };

  // Peek at the relay's sync step 1: its state vector says what it already holds,
  // and the provider answers it with our step 2 (everything the relay lacks).
  // And at its step 2 answers to our probes. Only frames from the relay's socket count
  // (`emitSynced`): another tab of this device speaks the same protocol over a
  // BroadcastChannel, and what it holds says nothing about the relay.
  const originalSyncHandler = provider.messageHandlers[MessageType.sync];
  provider.messageHandlers[MessageType.sync] = (encoder, decoder, p, emitSynced, messageType) => {
    let answered: { stateVector: StateVector; edits: number } | undefined;
    if (emitSynced) {
      try {
        const peek = decoding.clone(decoder);
        const type = decoding.readVarUint(peek);
        if (type === syncProtocol.messageYjsSyncStep1) mergeInto(acked, Y.decodeStateVector(decoding.readVarUint8Array(peek)));
        else if (type === syncProtocol.messageYjsSyncStep2 && provider.synced) answered = probes.shift();
      } catch {
        // A malformed frame: the stock handler below reports it; nothing to learn here.
      }
    }
    originalSyncHandler(encoder, decoder, p, emitSynced, messageType);
    if (answered) confirm(answered);
  };

  const onUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === provider) {
      // Came from the relay, so the relay holds it.
      try {
        mergeInto(acked, Y.decodeStateVector(Y.encodeStateVectorFromUpdate(update)));
      } catch {
        // Unreadable remote update: the doc rejected it as well; nothing to record.
      }
    } else if (origin !== STORE_ORIGIN) {
      dirty = true;
      edits++;
      if (state !== 'live') persistDirty();
    }
    publish();
    if (state === 'live') queueProbe();
  };
  doc.on('update', onUpdate);

  provider.on('status', ({ status: s }) => {
    if (s === 'connecting') {
      // While retrying after a drop, stay "offline" rather than flicker between states.
      if (state !== 'offline' && state !== 'refused') setState('connecting');
    }
  });
  provider.on('sync', (synced) => {
    if (!synced || destroyed) return;
    rateLimitedTimes = 0;
    setState('live');
    if (status.get().unsynced) {
      queueProbe();
    } else {
      // The relay's state vector covers ours and no deletion is pending: nothing to send.
      ackedThisSession = true;
      lastSyncedAt = now();
      publish();
      persistAck(false);
    }
  });
  provider.on('connection-close', (event) => {
    probes = []; // unanswered probes died with the socket; their edits stay unsynced
    lastProbeAt = Number.NEGATIVE_INFINITY; // a new connection confirms at once
    if (event && isPermanentRefusal(event.code)) handleRefusal(event.code, event.reason);
    else if (state !== 'refused') setState('offline');
  });

  const handleRefusal = (code: number, serverReason = ''): void => {
    if (code === CloseCode.rateLimited) {
      // describeCloseCode promises "reconnecting shortly": one slow, growing retry, never a loop.
      const delay = Math.min((options.rateLimitRetryMs ?? 15_000) * 2 ** rateLimitedTimes++, 5 * 60_000);
      notice = describeCloseCode(code);
      setState('offline');
      clearTimeout(retryTimer);
      retryTimer = setTimeout(() => {
        if (!destroyed && state !== 'refused') provider.connect();
      }, delay);
      return;
    }
    if (state === 'refused') return;
    // A refused change: the server's own words say which rule it broke.
    const why = code === CloseCode.changeRefused && serverReason ? ` It said: “${serverReason}”.` : '';
    refused = { code, reason: describeCloseCode(code) + why };
    provider.shouldConnect = false; // the stock provider does this too; be explicit
    setState('refused');
    try {
      options.onRefused?.(refused);
    } catch {
      // A failing listener must not break the status machine.
    }
  };

  if (storage) {
    storage
      .getMeta(workspaceId, docId)
      .then((meta) => {
        if (destroyed) return;
        needsRefetch = !!meta.needsRefetch;
        persistedUnsynced = meta.unsynced;
        if (ackedThisSession) return; // fresher knowledge already
        dirty = dirty || meta.unsynced;
        lastSyncedAt = meta.lastSyncedAt;
        if (meta.syncedStateVector) mergeInto(acked, Y.decodeStateVector(meta.syncedStateVector));
        publish();
      })
      .catch(() => {
        // getMeta reports its own failures; a damaged state vector just means "unsynced" until next sync.
      });
  }

  if (options.connect !== false) provider.connect();

  return {
    provider,
    awareness,
    status,
    whenSynced(timeoutMs = 30_000) {
      return new Promise((resolve) => {
        let unsubscribe: (() => void) | undefined;
        let settled = false;
        const finish = (result: 'synced' | 'refused' | 'timeout'): void => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          unsubscribe?.();
          resolve(result);
        };
        const timer = setTimeout(() => finish('timeout'), timeoutMs);
        unsubscribe = status.subscribe((s) => {
          if (s.state === 'refused') finish('refused');
          else if (s.state === 'live' && !s.unsynced) finish('synced');
        });
        if (settled) unsubscribe();
      });
    },
    connect() {
      if (destroyed || state === 'refused') return;
      if (state !== 'live') setState('connecting');
      provider.connect();
    },
    disconnect() {
      provider.disconnect();
      // Only the relay's socket goes: tabs of this device keep editing together over the
      // BroadcastChannel (a no-op when it is turned off).
      if (!destroyed) provider.connectBc();
      if (state !== 'refused') setState('offline');
    },
    destroy() {
      if (destroyed) return;
      const final = computeStatus();
      if (!final.unsynced && ackedThisSession) persistAck(true);
      else if (final.unsynced) persistDirty();
      destroyed = true;
      clearTimeout(probeTimer);
      clearTimeout(waitingTimer);
      clearTimeout(retryTimer);
      doc.off('update', onUpdate);
      provider.destroy();
      if (ownsAwareness) awareness.destroy();
    }
  };
}

/**
 * One document's socket to the relay: the stock y-websocket `WebsocketProvider` (so Mutual
 * speaks exactly what third-party clients speak), plus a look at the sync frames that tell a
 * handle what the relay holds. Made only when a document first syncs; a handle that is only
 * read from the device never opens one.
 */
import type * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import type { Awareness } from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { MessageType } from '#shared/protocol';
import { whenIdle } from '../../idle.ts';

/** A WebSocket constructor (the browser's, or `ws` in Node). */
export type WebSocketConstructor = NonNullable<NonNullable<ConstructorParameters<typeof WebsocketProvider>[3]>['WebSocketPolyfill']>;

/** What a link reports to its handle. */
export interface RelayLinkEvents {
  /** The relay's sync step 1: the state vector of what it holds. */
  relayHolds(stateVector: Uint8Array): void;
  /** A step 2 after the handshake: the answer to one of our probes (a receipt). */
  receipt(): void;
  /** The sync handshake finished on a new connection. */
  handshake(): void;
  /** The socket closed (`code` undefined when the browser gave none). */
  closed(code: number | undefined, reason: string): void;
}

/** Where and how to connect. */
export interface RelayLinkOptions {
  doc: Y.Doc;
  awareness: Awareness;
  /** `ws(s)://host/sync` */
  relayUrl: string;
  workspaceId: string;
  docId: string;
  token: string;
  WebSocket?: WebSocketConstructor;
  disableBc: boolean;
  maxBackoffTime: number;
}

/** The socket of one document. */
export class RelayLink {
  readonly provider: WebsocketProvider;
  /** Whether this device's tabs share the document over a BroadcastChannel (`disableBc` off). */
  private readonly tabs: boolean;
  /** Cancels joining the tabs' channel, which waits for an idle moment. */
  private cancelTabs: (() => void) | null = null;

  constructor(options: RelayLinkOptions, events: RelayLinkEvents) {
    this.tabs = !options.disableBc;
    const provider = new WebsocketProvider(options.relayUrl, `${options.workspaceId}/${options.docId}`, options.doc, {
      connect: false,
      awareness: options.awareness,
      params: { token: options.token },
      // Off until the first idle moment (joinTabs): joining broadcasts the whole document.
      disableBc: true,
      maxBackoffTime: options.maxBackoffTime,
      ...(options.WebSocket ? { WebSocketPolyfill: options.WebSocket } : {})
    });
    this.provider = provider;
    peekAtSyncFrames(provider, events);
    provider.on('sync', (synced) => {
      if (synced) events.handshake();
    });
    provider.on('connection-close', (event) => events.closed(event?.code, event?.reason ?? ''));
  }

  /** Whether the socket is open (and the handshake done): probes can be sent. */
  get open(): boolean {
    return this.provider.synced && this.provider.ws?.readyState === 1;
  }

  connect(): void {
    this.provider.connect();
    this.joinTabs();
  }

  /**
   * Join this device's other tabs once the page is idle. The stock provider joins when it
   * connects and then broadcasts the whole document (its sync step 2) to them: a second
   * encoding of the document, which would land between a person and the document they just
   * opened (issue 25). Later connects join at once (the provider does so itself).
   */
  private joinTabs(): void {
    if (!this.tabs || this.cancelTabs) return;
    this.cancelTabs = whenIdle(() => {
      this.provider.disableBc = false;
      this.provider.connectBc();
    });
  }

  /**
   * Close the relay's socket. Tabs of this device keep editing together over the
   * BroadcastChannel (a no-op when it is turned off).
   */
  disconnect(): void {
    this.provider.disconnect();
    this.cancelTabs?.();
    this.cancelTabs = () => {};
    this.provider.disableBc = !this.tabs;
    this.provider.connectBc();
  }

  /** Stop reconnecting after a permanent refusal (the stock provider does so too; be explicit). */
  stop(): void {
    this.provider.shouldConnect = false;
  }

  /** Ask the relay for a receipt: our sync step 1. False when the socket is closing. */
  sendProbe(doc: Y.Doc): boolean {
    const ws = this.provider.ws;
    if (!ws || ws.readyState !== 1) return false;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageType.sync);
    syncProtocol.writeSyncStep1(encoder, doc);
    try {
      ws.send(encoding.toUint8Array(encoder));
      return true;
    } catch {
      return false;
    }
  }

  destroy(): void {
    this.cancelTabs?.();
    this.provider.destroy();
  }
}

/**
 * Peek at the relay's sync step 1 (its state vector says what it already holds; the provider
 * answers it with our step 2, everything the relay lacks) and at its step 2 answers to our
 * probes. Only frames from the relay's socket count (`emitSynced`): another tab of this device
 * speaks the same protocol over a BroadcastChannel, and what it holds says nothing about the relay.
 */
function peekAtSyncFrames(provider: WebsocketProvider, events: RelayLinkEvents): void {
  const original = provider.messageHandlers[MessageType.sync];
  provider.messageHandlers[MessageType.sync] = (encoder, decoder, p, emitSynced, messageType) => {
    let receipt = false;
    if (emitSynced) {
      try {
        const peek = decoding.clone(decoder);
        const type = decoding.readVarUint(peek);
        if (type === syncProtocol.messageYjsSyncStep1) events.relayHolds(decoding.readVarUint8Array(peek));
        // Before the handshake, a step 2 answers the provider's own step 1.
        else if (type === syncProtocol.messageYjsSyncStep2 && provider.synced) receipt = true;
      } catch {
        // A malformed frame: the stock handler below reports it; nothing to learn here.
      }
    }
    original(encoder, decoder, p, emitSynced, messageType);
    if (receipt) events.receipt();
  };
}

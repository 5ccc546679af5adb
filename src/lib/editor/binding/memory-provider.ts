import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate, removeAwarenessStates } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { ProviderEvents } from '../../local/handle/provider-events';
import type { CollabProvider } from './provider.ts';

/**
 * An in-page provider with no network: an Awareness plus the sync/status events the
 * editor listens to. For the dev sandbox and tests; link two of them with {@link linkPeers}.
 */
export class MemoryProvider extends ProviderEvents implements CollabProvider {
  readonly awareness: Awareness;

  constructor(readonly doc: Y.Doc) {
    super();
    this.awareness = new Awareness(doc);
  }

  /** Announce a connection change (the sandbox's "go offline" switch uses it). */
  setConnected(connected: boolean): void {
    this.emitStatus({ status: connected ? 'connected' : 'disconnected' });
    this.emitSync(connected);
  }

  destroy(): void {
    this.awareness.destroy();
    this.clearListeners();
  }
}

/** A link between two in-page peers; `setOnline(false)` queues updates as a network partition would. */
export interface PeerLink {
  setOnline(online: boolean): void;
  destroy(): void;
}

/**
 * Link two peers in-page: document updates and awareness changes of each are applied to
 * the other, tagged with a link origin so they never bounce back. Starts by exchanging
 * full state, as a provider's first sync does.
 */
export function linkPeers(a: MemoryProvider, b: MemoryProvider): PeerLink {
  const origin = { link: true };
  let online = true;

  const forwardDoc = (to: Y.Doc) => (update: Uint8Array, from: unknown) => {
    if (from !== origin && online) Y.applyUpdate(to, update, origin);
  };
  const forwardAwareness =
    (fromAwareness: Awareness, to: Awareness) =>
    (changes: { added: number[]; updated: number[]; removed: number[] }, from: unknown) => {
      if (from === origin || !online) return;
      const clients = [...changes.added, ...changes.updated, ...changes.removed];
      applyAwarenessUpdate(to, encodeAwarenessUpdate(fromAwareness, clients), origin);
    };

  const aToB = forwardDoc(b.doc);
  const bToA = forwardDoc(a.doc);
  const awAToB = forwardAwareness(a.awareness, b.awareness);
  const awBToA = forwardAwareness(b.awareness, a.awareness);

  const exchange = (): void => {
    Y.applyUpdate(b.doc, Y.encodeStateAsUpdate(a.doc, Y.encodeStateVector(b.doc)), origin);
    Y.applyUpdate(a.doc, Y.encodeStateAsUpdate(b.doc, Y.encodeStateVector(a.doc)), origin);
    const statesA = [...a.awareness.getStates().keys()];
    const statesB = [...b.awareness.getStates().keys()];
    if (statesA.length) applyAwarenessUpdate(b.awareness, encodeAwarenessUpdate(a.awareness, statesA), origin);
    if (statesB.length) applyAwarenessUpdate(a.awareness, encodeAwarenessUpdate(b.awareness, statesB), origin);
  };

  a.doc.on('update', aToB);
  b.doc.on('update', bToA);
  a.awareness.on('update', awAToB);
  b.awareness.on('update', awBToA);
  exchange();
  a.setConnected(true);
  b.setConnected(true);

  return {
    setOnline(next: boolean) {
      if (next === online) return;
      online = next;
      if (online) exchange();
      else {
        // Peers drop each other's presence when the connection goes, as a relay would.
        removeAwarenessStates(a.awareness, [b.doc.clientID], origin);
        removeAwarenessStates(b.awareness, [a.doc.clientID], origin);
      }
      a.setConnected(online);
      b.setConnected(online);
    },
    destroy() {
      a.doc.off('update', aToB);
      b.doc.off('update', bToA);
      a.awareness.off('update', awAToB);
      b.awareness.off('update', awBToA);
    }
  };
}

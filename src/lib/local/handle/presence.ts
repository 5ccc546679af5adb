/**
 * Presence of one document (who is here, their carets) as the editor sees it: the awareness
 * and the provider's `sync`/`status` events. The socket may not exist yet when the editor
 * binds (offline, or still loading), so listeners are kept here and forwarded to whichever
 * socket the handle opens later.
 */
import type { WebsocketProvider } from 'y-websocket';
import type { Awareness } from 'y-protocols/awareness';

type SyncListener = (isSynced: boolean) => void;
type StatusListener = (event: { status: string }) => void;

/** What the editor's binding needs (its `CollabProvider`), in front of a handle's (possibly later) socket. */
export class Presence {
  private readonly syncListeners = new Set<SyncListener>();
  private readonly statusListeners = new Set<StatusListener>();

  constructor(readonly awareness: Awareness) {}

  on(type: 'sync', listener: SyncListener): void;
  on(type: 'status', listener: StatusListener): void;
  on(type: 'sync' | 'status', listener: SyncListener | StatusListener): void {
    if (type === 'sync') this.syncListeners.add(listener as SyncListener);
    else this.statusListeners.add(listener as StatusListener);
  }

  off(type: 'sync', listener: SyncListener): void;
  off(type: 'status', listener: StatusListener): void;
  off(type: 'sync' | 'status', listener: SyncListener | StatusListener): void {
    if (type === 'sync') this.syncListeners.delete(listener as SyncListener);
    else this.statusListeners.delete(listener as StatusListener);
  }

  /** Forward a socket's events (called once, when the handle opens its socket). */
  follow(provider: WebsocketProvider): void {
    provider.on('sync', (synced) => {
      for (const listener of [...this.syncListeners]) listener(synced);
    });
    provider.on('status', (event) => {
      for (const listener of [...this.statusListeners]) listener(event);
    });
  }
}

/**
 * Presence of one document (who is here, their carets) as the editor sees it: the awareness
 * and the provider's `sync`/`status` events. The socket may not exist yet when the editor
 * binds (offline, or still loading), so listeners are kept here and forwarded to whichever
 * socket the handle opens later.
 */
import type { WebsocketProvider } from 'y-websocket';
import type { Awareness } from 'y-protocols/awareness';
import { ProviderEvents } from './provider-events';

/** What the editor's binding needs (its `CollabProvider`), in front of a handle's (possibly later) socket. */
export class Presence extends ProviderEvents {
  constructor(readonly awareness: Awareness) {
    super();
  }

  /** Forward a socket's events (called once, when the handle opens its socket). */
  follow(provider: WebsocketProvider): void {
    provider.on('sync', (synced) => this.emitSync(synced));
    provider.on('status', (event) => this.emitStatus(event));
  }
}

import type { Provider as LexicalProvider, ProviderAwareness } from '@lexical/yjs';
import type { Awareness } from 'y-protocols/awareness';

/**
 * The least an editor needs from a sync layer. Mutual's own sync code, y-websocket's
 * `WebsocketProvider` and the in-memory sandbox provider all fit it.
 *
 * The editor never connects or disconnects: the sync layer owns the connection (it
 * replicates documents in the background whether or not an editor is open). The
 * optional `connect` is called once the editor's listeners are attached, matching
 * upstream's "connect after listeners" order for providers created per editor.
 */
export interface CollabProvider {
  /** Presence: names, colours and cursor positions of everyone in the document. */
  readonly awareness: Awareness;
  on(type: 'sync', listener: (isSynced: boolean) => void): void;
  on(type: 'status', listener: (event: { status: string }) => void): void;
  off(type: 'sync', listener: (isSynced: boolean) => void): void;
  off(type: 'status', listener: (event: { status: string }) => void): void;
  connect?(): void;
}

/** Who is editing: shown to others beside their cursor and in the presence list. */
export interface EditorUser {
  /** Member id (stable across devices); used by block views as "me". */
  id: string;
  name: string;
  /** Any CSS colour; the cursor, selection and avatar use it. */
  colour: string;
}

/**
 * @lexical/yjs types its helpers against its own `Provider` (connect, disconnect,
 * reload events…) but only ever reads `awareness` from it. Adapt ours rather than
 * asking every sync layer to implement methods the editor must not call.
 */
export function toLexicalProvider(provider: CollabProvider): LexicalProvider {
  return {
    awareness: provider.awareness as unknown as ProviderAwareness,
    connect() {},
    disconnect() {},
    on() {},
    off() {}
  } as LexicalProvider;
}

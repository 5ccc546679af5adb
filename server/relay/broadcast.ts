import type { MemberEvent } from '../auth/types.ts';
import type { DocKey } from '../store/types.ts';

/**
 * Fan-out between relay instances serving the same documents (FANOUT=redis:
 * server/relay/broadcast-redis.ts). A relay publishes every update frame after it is durable
 * and every accepted presence frame; other instances apply them and forward them to their
 * own sockets. Membership events (revocations, role changes) travel the same way, so a
 * member removed on one instance loses their sockets on all of them.
 * One instance needs nothing: {@link createLocalBroadcast} does nothing.
 *
 * Delivery is at most once: a frame lost between instances is healed by {@link onGap}
 * (re-read the document from the shared store) and by the sync protocol on reconnect.
 */
export interface Broadcast {
  /** Tell other instances about a frame for `key` (an update frame or an awareness frame). */
  publish(key: DocKey, frame: Uint8Array): void;
  /** Receive frames other instances published for watched keys; returns an unsubscribe function. */
  subscribe(handler: (key: DocKey, frame: Uint8Array) => void): () => void;
  /**
   * Start receiving `key`'s frames; resolves once that is in effect. Called before a document
   * loads, so nothing published after the load's read can be missed. Counted: each call needs
   * one {@link unwatch}.
   */
  watch(key: DocKey): Promise<void>;
  /** Stop receiving `key`'s frames (after its document unloads). */
  unwatch(key: DocKey): void;
  /** Tell other instances a member was revoked or changed role, or one of their devices was removed. */
  publishMemberEvent(event: MemberEvent): void;
  /** Receive other instances' membership events; returns an unsubscribe function. */
  subscribeMemberEvents(handler: (event: MemberEvent) => void): () => void;
  /**
   * Called when frames may have been lost (the connection between instances dropped and came
   * back): loaded documents should be re-read from the store. Returns an unsubscribe function.
   */
  onGap(handler: () => void): () => void;
  close(): Promise<void>;
}

/** A single-instance broadcast: nothing to tell anyone. */
export function createLocalBroadcast(): Broadcast {
  const none = () => () => {};
  return {
    publish() {},
    subscribe: none,
    async watch() {},
    unwatch() {},
    publishMemberEvent() {},
    subscribeMemberEvents: none,
    onGap: none,
    async close() {}
  };
}

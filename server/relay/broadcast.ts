import type { DocKey } from '../store/types.ts';

/**
 * Fan-out between relay instances serving the same documents (Redis pub/sub later).
 * A relay publishes every frame it broadcasts to its own sockets after it is durable;
 * other instances apply and forward what they receive. One instance needs nothing:
 * {@link createLocalBroadcast} does nothing.
 */
export interface Broadcast {
  /** Tell other instances about a frame for `key` (an update frame or an awareness frame). */
  publish(key: DocKey, frame: Uint8Array): void;
  /** Receive frames other instances published; returns an unsubscribe function. */
  subscribe(handler: (key: DocKey, frame: Uint8Array) => void): () => void;
  close(): Promise<void>;
}

/** A single-instance broadcast: nothing to tell anyone. */
export function createLocalBroadcast(): Broadcast {
  return {
    publish() {},
    subscribe() {
      return () => {};
    },
    async close() {}
  };
}

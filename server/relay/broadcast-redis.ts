/**
 * Fan-out between relay instances over Redis pub/sub (FANOUT=redis, REDIS_URL).
 *
 * Channels: `<prefix>doc:<workspaceId>/<docId>` per document (an instance subscribes only
 * to the documents it has loaded, so traffic grows with what each serves, not with the
 * whole host), and `<prefix>members` for revocations and role changes (rare; everyone
 * listens). Each message starts with the publishing instance's id so an instance ignores its
 * own messages (Redis delivers them back to a subscriber that also publishes).
 *
 * Pub/sub is at-most-once: a message published while a subscriber is disconnected is gone.
 * When the subscriber connection comes back, {@link Broadcast.onGap} handlers run so the
 * relay re-reads its loaded documents from the shared store (docs/scaling.md).
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { MemberEvent } from '../auth/types.ts';
import { errorMessage, type Logger } from '../log.ts';
import type { DocKey } from '../store/types.ts';
import type { Broadcast } from './broadcast.ts';

/** Bytes of the instance id at the start of every document message. */
const ID_BYTES = 8;

/** Options of {@link createRedisBroadcast}. */
export interface RedisBroadcastOptions {
  url: string;
  logger: Logger;
  /** Channel prefix (several Mutual hosts may share one Redis). Default `mutual:`. */
  prefix?: string;
}

/** A Redis broadcast with its instance id (tests and logs). */
export interface RedisBroadcast extends Broadcast {
  readonly instanceId: string;
}

/** Connect to Redis (two connections: a subscriber cannot publish) and resolve once both are ready. */
export async function createRedisBroadcast(opts: RedisBroadcastOptions): Promise<RedisBroadcast> {
  const { logger } = opts;
  const prefix = opts.prefix ?? 'mutual:';
  const docPrefix = `${prefix}doc:`;
  const membersChannel = `${prefix}members`;
  const id = randomBytes(ID_BYTES);
  const instanceId = id.toString('hex');
  // Publishing while Redis is away would queue without bound; drop instead (at-most-once anyway).
  const pub = new Redis(opts.url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  const sub = new Redis(opts.url, { lazyConnect: true, autoResubscribe: true });
  for (const [name, conn] of [['publisher', pub], ['subscriber', sub]] as const) {
    conn.on('error', (err: Error) => logger.warn('redis-error', { connection: name, error: errorMessage(err) }));
  }
  await Promise.all([pub.connect(), sub.connect()]);

  const frameHandlers = new Set<(key: DocKey, frame: Uint8Array) => void>();
  const memberHandlers = new Set<(event: MemberEvent) => void>();
  const gapHandlers = new Set<() => void>();
  /** Watched documents: how many watches, and the SUBSCRIBE a second watcher must also await. */
  const watched = new Map<string, { n: number; ready: Promise<unknown> }>();
  let closed = false;

  await sub.subscribe(membersChannel);
  sub.on('messageBuffer', (channelBuf: Buffer, message: Buffer) => {
    if (message.byteLength < ID_BYTES || id.equals(message.subarray(0, ID_BYTES))) return;
    const channel = channelBuf.toString();
    if (channel === membersChannel) {
      let event: MemberEvent;
      try {
        event = JSON.parse(message.subarray(ID_BYTES).toString()) as MemberEvent;
      } catch {
        return logger.warn('redis-member-event-rejected', { reason: 'not JSON' });
      }
      for (const h of memberHandlers) h(event);
      return;
    }
    if (!channel.startsWith(docPrefix)) return;
    const key = channel.slice(docPrefix.length) as DocKey;
    // A copy: the handler may keep it, and Buffers from the parser may share memory.
    const frame = new Uint8Array(message.subarray(ID_BYTES));
    for (const h of frameHandlers) h(key, frame);
  });

  // 'ready' after the first one means the subscriber was away: messages may have been lost.
  let readyOnce = false;
  sub.on('ready', () => {
    if (!readyOnce) {
      readyOnce = true;
      return;
    }
    logger.warn('redis-reconnected', { instance: instanceId });
    // ioredis re-subscribes right after emitting 'ready'. A PING queued behind those
    // SUBSCRIBEs answers once they are in effect: only then re-read, or frames published
    // between the re-read and the re-subscription would be lost too.
    setImmediate(() => {
      sub
        .ping()
        .catch(() => {})
        .then(() => {
          for (const h of gapHandlers) h();
        });
    });
  });
  if (sub.status === 'ready') readyOnce = true;

  const send = (channel: string, body: Uint8Array) => {
    if (closed) return;
    const message = Buffer.allocUnsafe(ID_BYTES + body.byteLength);
    id.copy(message, 0);
    message.set(body, ID_BYTES);
    pub.publish(channel, message).catch((err: unknown) => logger.warn('redis-publish-failed', { channel, error: errorMessage(err) }));
  };
  const register = <T>(set: Set<T>, h: T) => {
    set.add(h);
    return () => void set.delete(h);
  };

  return {
    instanceId,
    publish: (key, frame) => send(docPrefix + key, frame),
    subscribe: (handler) => register(frameHandlers, handler),
    async watch(key) {
      if (closed) return;
      const entry = watched.get(key);
      if (entry) {
        entry.n++;
        await entry.ready;
        return;
      }
      const ready = sub.subscribe(docPrefix + key);
      watched.set(key, { n: 1, ready: ready.catch(() => {}) });
      await ready;
    },
    unwatch(key) {
      const entry = watched.get(key);
      if (!entry) return;
      if (--entry.n > 0) return;
      watched.delete(key);
      if (!closed) sub.unsubscribe(docPrefix + key).catch(() => {});
    },
    publishMemberEvent: (event) => send(membersChannel, Buffer.from(JSON.stringify(event))),
    subscribeMemberEvents: (handler) => register(memberHandlers, handler),
    onGap: (handler) => register(gapHandlers, handler),
    async close() {
      if (closed) return;
      closed = true;
      frameHandlers.clear();
      memberHandlers.clear();
      gapHandlers.clear();
      await Promise.allSettled([pub.quit(), sub.quit()]);
    }
  };
}

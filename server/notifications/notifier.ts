/**
 * Notifications, put together (issue 19; docs/notifications.md): the relay tells the
 * notifier when a document is loaded; the notifier watches it while it is in memory
 * (evaluating it shortly after edits, and once more as it leaves memory), records rows
 * through the recorder, and on every pass (`tick`, on a timer in production, called
 * directly by tests with their own clock):
 *   1. the leader looks at documents whose wake time came (a proposal's last day, a due date),
 *      loading them if needed;
 *   2. digests are bundled for members whose period came;
 *   3. due rows are sent.
 * Removing a member forgets their subscriptions and drops what was still to send.
 */
import type * as Y from 'yjs';
import { notifySource } from '#shared/notifications/events';
import type { Auth } from '../auth/auth.ts';
import { errorMessage, type Logger } from '../log.ts';
import type { DocumentManager } from '../relay/documents.ts';
import { createDelivery, DEFAULT_DELIVERY, type DeliveryPolicy } from './delivery.ts';
import { deviceKeyOf } from './device-key.ts';
import type { Mailer } from './mail.ts';
import type { PushSender, VapidKeys } from './push.ts';
import { createRecorder, isNotifiable } from './recorder.ts';
import type { NotificationStore } from './types.ts';

export interface NotifierOptions {
  store: NotificationStore;
  auth: Auth;
  documents: DocumentManager;
  logger: Logger;
  vapid: VapidKeys;
  push: PushSender | null;
  mailer: Mailer | null;
  origin: string;
  now?: () => number;
  /** Pass interval (0: no timer; tests call tick). */
  intervalMs: number;
  /** Quiet time after an edit before the document is evaluated (edits come in bursts). */
  settleMs?: number;
  isLeader: () => boolean;
  policy?: Partial<DeliveryPolicy>;
}

export interface Notifier {
  readonly vapidPublicKey: string;
  readonly emailEnabled: boolean;
  readonly store: NotificationStore;
  readonly mailer: Mailer | null;
  /** The relay loaded a document. */
  onLoaded(workspaceId: string, docId: string): void;
  /** Evaluate a document now (tests; API actions that should notify at once). */
  evaluate(workspaceId: string, docId: string): Promise<number>;
  /** Someone joined the workspace: tell those who welcome newcomers. */
  memberJoined(workspaceId: string): void;
  /** One pass: wakes (leader), digests, sending. Resolves when done. */
  tick(): Promise<void>;
  /** Ask for a pass soon (after something was recorded). */
  kick(): void;
  stop(): Promise<void>;
}

const WAKES_PER_PASS = 50;

export function createNotifier(opts: NotifierOptions): Notifier {
  const { store, auth, documents, logger, intervalMs, isLeader } = opts;
  const now = opts.now ?? Date.now;
  const settleMs = opts.settleMs ?? 1000;
  const policy = { ...DEFAULT_DELIVERY, ...opts.policy };
  const recorder = createRecorder({ store, auth, documents, now, emailEnabled: opts.mailer !== null });
  // Shutting down ends sends in flight (a push service that hangs must not hold the exit up).
  const aborter = new AbortController();
  const delivery = createDelivery({ store, auth, push: opts.push, mailer: opts.mailer, origin: opts.origin, logger, now, policy, signal: aborter.signal });
  const watched = new WeakSet<Y.Doc>();
  const settling = new Map<string, ReturnType<typeof setTimeout>>();
  let stopped = false;
  let running: Promise<void> | null = null;
  let again = false;

  const warn = (event: string, workspaceId: string, docId: string) => (err: unknown) => {
    if (!stopped) logger.warn(event, { workspace: workspaceId, doc: docId, error: errorMessage(err) });
  };
  const recorded = (n: number) => {
    if (n > 0) kick();
  };

  const evaluate = (workspaceId: string, docId: string) => recorder.evaluate(workspaceId, docId).then((n) => (recorded(n), n));

  /**
   * Evaluate a document only while it is served, from the Y.Doc in memory: holding it (as a
   * read does) would keep it in memory or load it again (leaving memory evaluates it anyway).
   */
  const evaluateServed = (workspaceId: string, docId: string) => {
    const ydoc = documents.peek(workspaceId, docId);
    if (!ydoc) return;
    const summary = notifySource(docId, ydoc);
    recorder.evaluateSummary(workspaceId, docId, summary).then(recorded, warn('notifications-evaluate-failed', workspaceId, docId));
  };

  const settle = (workspaceId: string, docId: string) => {
    const key = `${workspaceId}/${docId}`;
    clearTimeout(settling.get(key));
    const timer = setTimeout(() => {
      settling.delete(key);
      if (!stopped) evaluateServed(workspaceId, docId);
    }, settleMs);
    timer.unref?.();
    settling.set(key, timer);
  };

  const unsubscribeUnloading = documents.onUnloading((key, ydoc) => {
    if (!watched.has(ydoc) || stopped) return;
    const [workspaceId, docId] = splitKey(key);
    clearTimeout(settling.get(`${workspaceId}/${docId}`));
    settling.delete(`${workspaceId}/${docId}`);
    // Its last edits may still be settling: evaluate what it holds now, before it is freed.
    const summary = notifySource(docId, ydoc);
    recorder.evaluateSummary(workspaceId, docId, summary).then(recorded, warn('notifications-evaluate-failed', workspaceId, docId));
  });
  // A removed member or device receives nothing more: its subscriptions go, its pending rows
  // are dropped (delivery checks again before each send, in case this never ran).
  const unsubscribeMembers = auth.onMemberEvent((event) => {
    const forgotten =
      event.type === 'revoked' ? store.forgetMember(event.workspaceId, event.memberId) : event.type === 'device-revoked' ? store.deleteSubscription(deviceKeyOf(event)) : null;
    forgotten?.catch((err: unknown) => logger.warn('notifications-forget-failed', { workspace: event.workspaceId, error: errorMessage(err) }));
  });

  async function wakes(): Promise<void> {
    if (!isLeader()) return;
    for (const { workspaceId, docId } of await store.dueWakes(now(), WAKES_PER_PASS)) {
      try {
        await evaluate(workspaceId, docId);
      } catch (err) {
        // A document that cannot be read now is looked at again in an hour, not in a loop.
        warn('notifications-wake-failed', workspaceId, docId)(err);
        await store.setWake(workspaceId, docId, now() + 3_600_000);
      }
    }
  }

  async function pass(): Promise<void> {
    await wakes();
    await delivery.makeDigests();
    // Keep sending while whole batches come back (a backlog after an outage).
    while (!stopped && (await delivery.deliverDue()) === policy.batch);
  }

  function tick(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await pass();
        } while (again && !stopped);
      } catch (err) {
        if (!stopped) logger.warn('notifications-pass-failed', { error: errorMessage(err) });
      } finally {
        running = null;
      }
    })();
    return running;
  }

  function kick(): void {
    if (!stopped) void tick();
  }

  const timer = intervalMs > 0 ? setInterval(kick, intervalMs) : null;
  timer?.unref?.();

  return {
    vapidPublicKey: opts.vapid.publicKey,
    emailEnabled: opts.mailer !== null,
    store,
    mailer: opts.mailer,
    onLoaded(workspaceId, docId) {
      if (stopped || !isNotifiable(docId)) return;
      const ydoc = documents.peek(workspaceId, docId);
      if (!ydoc || watched.has(ydoc)) return;
      watched.add(ydoc);
      ydoc.on('update', () => settle(workspaceId, docId));
      evaluateServed(workspaceId, docId);
    },
    evaluate,
    memberJoined(workspaceId) {
      if (stopped) return;
      recorder.evaluateMembers(workspaceId).then(recorded, warn('notifications-evaluate-failed', workspaceId, 'members'));
    },
    tick,
    kick,
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      for (const t of settling.values()) clearTimeout(t);
      settling.clear();
      unsubscribeUnloading();
      unsubscribeMembers();
      aborter.abort();
      await running;
      opts.mailer?.close();
    }
  };
}

/** `workspace/doc` → its two ids (ids never contain a slash). */
function splitKey(key: string): [string, string] {
  const i = key.indexOf('/');
  return [key.slice(0, i), key.slice(i + 1)];
}

/** The notifier from the configuration: VAPID keys from the database, push always, email with SMTP_URL. */
import type { Auth } from '../auth/auth.ts';
import type { MutualConfig } from '../config.ts';
import type { Logger } from '../log.ts';
import type { DocumentManager } from '../relay/documents.ts';
import type { Stores } from '../stores.ts';
import type { DeliveryPolicy } from './delivery.ts';
import { createMailer } from './mail.ts';
import { createNotifier, type Notifier } from './notifier.ts';
import { createPushSender, vapidKeys } from './push.ts';

/** One send's timeout: a push service or mail server that hangs is given up on (and retried later). */
const SEND_TIMEOUT_MS = 10_000;

export interface NotificationsSetup {
  config: Pick<MutualConfig, 'smtpUrl' | 'mailFrom' | 'vapidSubject' | 'notifyIntervalMs' | 'pushAllowHttp' | 'publicOrigin' | 'port'>;
  stores: Pick<Stores, 'notifications' | 'memberships'>;
  auth: Auth;
  documents: DocumentManager;
  logger: Logger;
  isLeader: () => boolean;
  now?: () => number;
  policy?: Partial<DeliveryPolicy>;
}

export async function startNotifications({ config, stores, auth, documents, logger, isLeader, now, policy }: NotificationsSetup): Promise<Notifier> {
  const keys = await vapidKeys(stores.memberships);
  const push = createPushSender({ keys, subject: config.vapidSubject, timeoutMs: SEND_TIMEOUT_MS, allowInsecure: config.pushAllowHttp });
  const mailer = config.smtpUrl ? createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, timeoutMs: SEND_TIMEOUT_MS }) : null;
  return createNotifier({
    store: stores.notifications,
    auth,
    documents,
    logger,
    vapid: keys,
    push,
    mailer,
    origin: config.publicOrigin || `http://localhost:${config.port}`,
    intervalMs: config.notifyIntervalMs,
    isLeader,
    ...(now ? { now } : {}),
    ...(policy ? { policy } : {})
  });
}

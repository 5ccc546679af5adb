/**
 * Browser push subscriptions as the API takes them (issue 19): validation, and the renewal a
 * service worker sends when the browser replaces a subscription (`pushsubscriptionchange`):
 *   POST /api/notifications/push-change  {"old": {"endpoint", "auth"}, "subscription": PushSubscription JSON}
 * No login: the worker has no token. It proves the old subscription with its endpoint and its
 * 16-byte auth secret (known only to the browser and this server); every device subscription
 * at that endpoint whose secret matches moves to the new endpoint and keys.
 */
import { timingSafeEqual } from 'node:crypto';
import { endpointAllowed } from '../notifications/push.ts';
import type { NotificationStore } from '../notifications/types.ts';
import { HttpError } from './respond.ts';
import { onlyFields } from './validate.ts';

const B64URL = /^[A-Za-z0-9_-]+={0,2}$/;

export interface SubscriptionKeys {
  endpoint: string;
  p256dh: string;
  auth: string;
}

const endpointOf = (endpoint: unknown, allowHttp: boolean): string => {
  if (typeof endpoint !== 'string' || endpoint.length > 2048 || !endpointAllowed(endpoint, allowHttp)) throw new HttpError(400, 'endpoint must be the push service address (https) the browser gave.');
  return endpoint;
};

const authOf = (auth: unknown, field: string): string => {
  if (typeof auth !== 'string' || !B64URL.test(auth) || Buffer.from(auth, 'base64url').length !== 16) throw new HttpError(400, `${field} must be the browser’s 16-byte secret.`);
  return auth;
};

/** A browser's PushSubscription (its `toJSON()`), checked. */
export function pushSubscription(body: Record<string, unknown>, allowHttp: boolean): SubscriptionKeys {
  onlyFields(body, ['endpoint', 'keys', 'expirationTime']);
  const { endpoint, keys } = body as { endpoint?: unknown; keys?: { p256dh?: unknown; auth?: unknown } };
  const checked = endpointOf(endpoint, allowHttp);
  const p256dh = keys?.p256dh;
  // A P-256 public key is 65 bytes (87 characters of base64url); the auth secret 16 bytes (22).
  if (typeof p256dh !== 'string' || !B64URL.test(p256dh) || Buffer.from(p256dh, 'base64url').length !== 65) throw new HttpError(400, 'keys.p256dh must be the browser’s P-256 key.');
  return { endpoint: checked, p256dh, auth: authOf(keys?.auth, 'keys.auth') };
}

const sameSecret = (a: string, b: string) => {
  const x = Buffer.from(a, 'base64url');
  const y = Buffer.from(b, 'base64url');
  return x.length === y.length && timingSafeEqual(x, y);
};

/** Move the subscriptions the old one proves to the new one; how many moved (0: none matched). */
export async function renewSubscriptions(store: NotificationStore, body: Record<string, unknown>, allowHttp: boolean, now: number): Promise<number> {
  onlyFields(body, ['old', 'subscription']);
  const old = body.old as { endpoint?: unknown; auth?: unknown } | null;
  if (old === null || typeof old !== 'object') throw new HttpError(400, 'old is the replaced subscription: {"endpoint", "auth"}.');
  const oldEndpoint = endpointOf(old.endpoint, allowHttp);
  const oldAuth = authOf(old.auth, 'old.auth');
  if (body.subscription === null || typeof body.subscription !== 'object' || Array.isArray(body.subscription)) throw new HttpError(400, 'subscription is the new PushSubscription.');
  const fresh = pushSubscription(body.subscription as Record<string, unknown>, allowHttp);
  const proven = (await store.subscriptionsAt(oldEndpoint)).filter((s) => sameSecret(s.auth, oldAuth));
  for (const s of proven) await store.putSubscription({ ...s, ...fresh, createdAt: now });
  return proven.length;
}

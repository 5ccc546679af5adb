/**
 * Web Push (issue 19): VAPID keys made once and kept in the database (every instance signs
 * with the same keys, so a subscription made through one instance works through all), and
 * the sending of one encrypted message. `web-push` encrypts the payload (aes128gcm, RFC 8291)
 * and signs the VAPID header; the request itself goes out with fetch and a timeout, so a
 * slow push service never holds anything else up.
 */
import crypto from 'node:crypto';
import webpush from 'web-push';
import type { MembershipStore } from '../auth/types.ts';
import type { PushSubscriptionRecord } from './types.ts';

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

/** The server's VAPID keys: created at first start, then read from the database. */
export async function vapidKeys(memberships: Pick<MembershipStore, 'serverSecret'>): Promise<VapidKeys> {
  const text = await memberships.serverSecret('vapid-keys', () => JSON.stringify(webpush.generateVAPIDKeys()));
  return JSON.parse(text) as VapidKeys;
}

/** What a send did: delivered, or why not, and whether trying again may help. */
export type SendResult = { ok: true } | { ok: false; retry: boolean; gone: boolean; error: string };

export interface PushMessage {
  /** JSON the service worker reads: title, body, url, tag. */
  payload: string;
  /** Collapse key: a second delivery of the same notification replaces the first. */
  topic: string;
  /** Seconds the push service keeps it for an offline device. */
  ttl: number;
}

/** A Topic header value for an event key: 32 URL-safe base64 characters. */
export function topicOf(eventKey: string): string {
  return crypto.createHash('sha256').update(eventKey).digest('base64url').slice(0, 32);
}

export interface PushSender {
  /** `signal` aborts the request (the server is shutting down). */
  send(sub: PushSubscriptionRecord, message: PushMessage, signal?: AbortSignal): Promise<SendResult>;
}

export interface PushSenderOptions {
  keys: VapidKeys;
  /** VAPID contact: a mailto: or https: URL. */
  subject: string;
  timeoutMs: number;
  /** Whether http:// endpoints are allowed (tests' loopback push service only). */
  allowInsecure: boolean;
}

/** Whether the endpoint may be posted to (https, or http when allowed). */
export function endpointAllowed(endpoint: string, allowInsecure: boolean): boolean {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return false;
  }
  return url.protocol === 'https:' || (allowInsecure && url.protocol === 'http:');
}

export function createPushSender({ keys, subject, timeoutMs, allowInsecure }: PushSenderOptions): PushSender {
  return {
    async send(sub, message, signal) {
      if (!endpointAllowed(sub.endpoint, allowInsecure)) return { ok: false, retry: false, gone: true, error: 'the push address is not https' };
      let details: ReturnType<typeof webpush.generateRequestDetails>;
      try {
        details = webpush.generateRequestDetails({ endpoint: sub.endpoint, keys: { p256dh: sub.p256dh, auth: sub.auth } }, message.payload, {
          vapidDetails: { subject, publicKey: keys.publicKey, privateKey: keys.privateKey },
          TTL: message.ttl,
          topic: message.topic,
          urgency: 'normal'
        });
      } catch (err) {
        // Keys the browser gave that do not encrypt: this subscription can never work.
        return { ok: false, retry: false, gone: true, error: `the subscription's keys are not usable (${err instanceof Error ? err.message : String(err)})` };
      }
      try {
        const res = await fetch(details.endpoint, {
          method: details.method,
          headers: details.headers as Record<string, string>,
          body: details.body ? new Uint8Array(details.body) : undefined,
          signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs),
          redirect: 'error'
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) return { ok: true };
        const gone = res.status === 404 || res.status === 410;
        const retry = res.status === 429 || res.status >= 500;
        return { ok: false, retry, gone, error: `the push service answered ${res.status}` };
      } catch (err) {
        return { ok: false, retry: true, gone: false, error: `the push service could not be reached (${err instanceof Error ? err.message : String(err)})` };
      }
    }
  };
}

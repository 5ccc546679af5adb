/**
 * The member's notification settings and this device's push subscription (issue 19), through
 * the server's API (docs/protocol.md, "Notifications"). Failures are Errors in plain words.
 */
import type { EmailMode, NotificationKind, NotificationPrefs } from '$lib/shared/notifications/prefs';
import { serverErrorTextOf } from '../i18n/server-errors.ts';
import { m } from '../paraglide/messages.js';
import { getLocale } from '../paraglide/runtime.js';

export interface NotificationState {
  prefs: NotificationPrefs;
  defaults: NotificationPrefs;
  kinds: { kind: NotificationKind; label: string }[];
  /** `locale`: the language this device's pushes are said in (null: not recorded, English). */
  push: { vapidPublicKey: string; subscribed: boolean; devices: number; locale: string | null };
  /** `locale`: the language of the member's mail (null: not recorded, English). */
  email: { available: false } | { available: true; address: string | null; confirmed: boolean; locale: string | null };
}

export type PrefsPatch = Partial<{ kinds: Partial<Record<NotificationKind, boolean>>; push: boolean; email: EmailMode; quiet: NotificationPrefs['quiet']; timeZone: string }>;

async function call<T>(token: string | null, method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) })
    });
  } catch {
    throw new Error(m.notifications_offline());
  }
  if (res.status === 204) return undefined as T;
  const data = (await res.json().catch(() => ({}))) as { error?: string };
  if (!res.ok) throw new Error(await serverErrorTextOf(res.status, data));
  return data as T;
}

const base = (workspaceId: string) => `/api/workspaces/${encodeURIComponent(workspaceId)}/notifications`;

export const loadNotifications = (token: string, workspaceId: string) => call<NotificationState>(token, 'GET', base(workspaceId));
// Each carries this device's language (issue 21): the server says pushes to this device, and
// the member's mail, in it.
export const savePrefs = (token: string, workspaceId: string, patch: PrefsPatch) => call<NotificationState>(token, 'PUT', `${base(workspaceId)}/prefs`, { ...patch, locale: getLocale() });
export const setEmail = (token: string, workspaceId: string, email: string) => call<NotificationState>(token, 'PUT', `${base(workspaceId)}/email`, { email, locale: getLocale() });
export const removeEmail = (token: string, workspaceId: string) => call<void>(token, 'DELETE', `${base(workspaceId)}/email`);
export const sendTest = (token: string, workspaceId: string) => call<unknown>(token, 'POST', `${base(workspaceId)}/test`);
export const confirmEmail = (token: string) => call<{ workspaceId: string; workspaceName: string | null }>(null, 'POST', '/api/notifications/confirm-email', { token });

/** Whether this browser can receive push notifications at all. */
export function pushSupported(): boolean {
  return typeof window !== 'undefined' && 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64url.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = new Uint8Array(new ArrayBuffer(text.length));
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/**
 * Ask the browser for permission, subscribe this device with the server's VAPID key and
 * register the subscription with the server.
 */
export async function subscribeDevice(token: string, workspaceId: string, vapidPublicKey: string): Promise<NotificationState> {
  if (!pushSupported()) throw new Error(m.notifications_panel_this_browser_cannot_show_notifications());
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') throw new Error(m.notifications_blocked());
  const registration = await navigator.serviceWorker.ready;
  const existing = await registration.pushManager.getSubscription();
  const subscription = existing ?? (await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(vapidPublicKey) }));
  return call<NotificationState>(token, 'PUT', `${base(workspaceId)}/push`, { ...subscription.toJSON(), locale: getLocale() });
}

/** Stop notifications on this device for this workspace (the browser's subscription may serve other workspaces: it stays). */
export async function unsubscribeDevice(token: string, workspaceId: string): Promise<void> {
  await call<void>(token, 'DELETE', `${base(workspaceId)}/push`);
}

const REPORTED_LOCALE = 'mutual-notify-locale:';

/**
 * Tell the server the language this device speaks when it changed since it was last told
 * (issue 21; a workspace opening after the language picker reloaded the page): its pushes,
 * and the member's mail, are then said in it. Offline or refused, it is told on a later visit.
 */
export async function reportLocale(token: string, workspaceId: string): Promise<void> {
  const locale = getLocale();
  const key = REPORTED_LOCALE + workspaceId;
  if (localStorage.getItem(key) === locale || !navigator.onLine) return;
  await call<NotificationState>(token, 'PUT', `${base(workspaceId)}/locale`, { locale });
  localStorage.setItem(key, locale);
}

/** This device's time zone, for quiet hours and digests. */
export function deviceTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

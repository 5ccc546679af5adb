/**
 * The member's notification settings and this device's push subscription (issue 19), through
 * the server's API (docs/protocol.md, "Notifications"). Failures are Errors in plain words.
 */
import type { EmailMode, NotificationKind, NotificationPrefs } from '$lib/shared/notifications/prefs';
import { serverErrorText } from '../i18n/server-errors.ts';
import { m } from '../paraglide/messages.js';

export interface NotificationState {
  prefs: NotificationPrefs;
  defaults: NotificationPrefs;
  kinds: { kind: NotificationKind; label: string }[];
  push: { vapidPublicKey: string; subscribed: boolean; devices: number };
  email: { available: false } | { available: true; address: string | null; confirmed: boolean };
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
  if (!res.ok) throw new Error(serverErrorText(res.status, data));
  return data as T;
}

const base = (workspaceId: string) => `/api/workspaces/${encodeURIComponent(workspaceId)}/notifications`;

export const loadNotifications = (token: string, workspaceId: string) => call<NotificationState>(token, 'GET', base(workspaceId));
export const savePrefs = (token: string, workspaceId: string, patch: PrefsPatch) => call<NotificationState>(token, 'PUT', `${base(workspaceId)}/prefs`, patch);
export const setEmail = (token: string, workspaceId: string, email: string) => call<NotificationState>(token, 'PUT', `${base(workspaceId)}/email`, { email });
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
  return call<NotificationState>(token, 'PUT', `${base(workspaceId)}/push`, subscription.toJSON());
}

/** Stop notifications on this device for this workspace (the browser's subscription may serve other workspaces: it stays). */
export async function unsubscribeDevice(token: string, workspaceId: string): Promise<void> {
  await call<void>(token, 'DELETE', `${base(workspaceId)}/push`);
}

/** This device's time zone, for quiet hours and digests. */
export function deviceTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

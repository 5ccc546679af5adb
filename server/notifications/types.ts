/**
 * What the notifications keep (issue 19): push subscriptions per device, each member's
 * preferences and email address, the outbox of notifications (one row per event, member and
 * target, recorded before anything is sent) and when each document should be looked at
 * again. SQLite (store-sqlite.ts) and PostgreSQL (store-postgres.ts) pass the same
 * acceptance suite (acceptance.ts).
 */

import type { NotifyText } from '#shared/notifications/texts';

/**
 * A browser's push subscription, per device. `deviceKey` names the device: its id with its
 * workspace and member (device-key.ts), so renaming a device keeps its subscription and
 * removing it deletes exactly that one.
 */
export interface PushSubscriptionRecord {
  deviceKey: string;
  workspaceId: string;
  memberId: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  createdAt: number;
  /** The language this device's notifications are said in (a supported locale), or null: English. */
  locale: string | null;
}

/** A member's email address; `confirmedAt` null until the link in the confirmation mail is used. */
export interface MemberEmailRecord {
  workspaceId: string;
  memberId: string;
  email: string;
  confirmedAt: number | null;
  /** The language of this member's mail (the device that last set it), or null: English. */
  locale: string | null;
}

/** Where one outbox row goes: `push:<deviceKey>` or `email`. */
export type OutboxTarget = `push:${string}` | 'email';

/**
 * pending: to send at `nextAt` · held: waits for the member's email digest · digested: went
 * out in a digest · sent · failed: gave up (see `lastError`) · dropped: no longer for this
 * member (removed, device gone, kind switched off).
 */
export type OutboxState = 'pending' | 'held' | 'digested' | 'sent' | 'failed' | 'dropped';

/** What a notification says (the minimum: see docs/security.md). */
export interface NotificationContent {
  kind: string;
  /** The workspace's name. */
  title: string;
  /** Short text: what happened and a block's title; a digest: its lines. */
  body: string;
  /** Path in the app. */
  url: string;
  /** `body`'s words as a message key and parameters, said in the recipient's language when sent (absent on older rows). */
  text?: NotifyText;
}

export interface OutboxRow {
  id: number;
  eventKey: string;
  workspaceId: string;
  memberId: string;
  target: OutboxTarget;
  content: NotificationContent;
  state: OutboxState;
  attempts: number;
  createdAt: number;
  nextAt: number;
  lastError: string | null;
  sentAt: number | null;
}

/** A row to record (state pending or held). */
export type NewOutboxRow = Pick<OutboxRow, 'eventKey' | 'workspaceId' | 'memberId' | 'target' | 'content' | 'nextAt'> & {
  state: 'pending' | 'held';
  createdAt: number;
};

/** How a claimed row ended. */
export type OutboxOutcome =
  | { state: 'sent'; at: number }
  | { state: 'pending'; nextAt: number; error: string }
  | { state: 'failed' | 'dropped'; error: string };

export interface NotificationStore {
  putSubscription(sub: PushSubscriptionRecord): Promise<void>;
  /** The device's subscription, or null. */
  getSubscription(deviceKey: string): Promise<PushSubscriptionRecord | null>;
  listSubscriptions(workspaceId: string, memberId: string): Promise<PushSubscriptionRecord[]>;
  /** Every device's subscription at this push endpoint (one browser subscription may serve several workspaces). */
  subscriptionsAt(endpoint: string): Promise<PushSubscriptionRecord[]>;
  /** Forget a device's subscription (unsubscribed, device revoked, endpoint gone); its pending pushes are dropped. */
  deleteSubscription(deviceKey: string): Promise<void>;
  /** Forget everything of a member removed from a workspace: subscriptions, email, preferences; pending rows dropped. */
  forgetMember(workspaceId: string, memberId: string): Promise<void>;

  /** Stored preferences (JSON as the member saved them), or null for the defaults. */
  getPrefs(workspaceId: string, memberId: string): Promise<unknown>;
  setPrefs(workspaceId: string, memberId: string, prefs: unknown): Promise<void>;

  getEmail(workspaceId: string, memberId: string): Promise<MemberEmailRecord | null>;
  /** Set a new, unconfirmed address with the hash of its confirmation secret and its mail's language (replaces the old one). */
  setEmail(workspaceId: string, memberId: string, email: string, confirmHash: string, expiresAt: number, locale: string | null): Promise<void>;
  /** The language a device's pushes and (when given) its member's mail are said in; changes only what exists. */
  setLocale(deviceKey: string, mail: { workspaceId: string; memberId: string } | null, locale: string): Promise<void>;
  /** Confirm the address whose secret hashes to `confirmHash` if not expired; the member it belongs to, or null. */
  confirmEmail(confirmHash: string, now: number): Promise<{ workspaceId: string; memberId: string } | null>;
  deleteEmail(workspaceId: string, memberId: string): Promise<void>;

  /** Record rows unless a row with the same event, member and target exists; returns how many were new. */
  record(rows: readonly NewOutboxRow[]): Promise<number>;
  /**
   * Claim up to `limit` pending rows due at `now` that no instance holds, for `leaseMs`:
   * each row is claimed by one caller at a time (another instance skips it); a claim not
   * finished within the lease (the instance died) can be claimed again.
   */
  claimDue(now: number, limit: number, leaseMs: number): Promise<OutboxRow[]>;
  finish(id: number, outcome: OutboxOutcome): Promise<void>;
  /**
   * Record a digest row (keyed by the member's period) and mark the held rows `heldIds` as
   * digested, atomically: true when this call made the digest, false when the period's
   * digest already exists (then nothing changes).
   */
  bundleDigest(digest: NewOutboxRow, heldIds: readonly number[]): Promise<boolean>;
  /** Members with held rows (digest candidates). */
  membersWithHeld(): Promise<{ workspaceId: string; memberId: string }[]>;
  heldRows(workspaceId: string, memberId: string): Promise<OutboxRow[]>;
  /** Rows of a member, newest first (diagnostics and tests). */
  listOutbox(workspaceId: string, memberId?: string): Promise<OutboxRow[]>;

  /** When to look at a document again (null: no need). */
  setWake(workspaceId: string, docId: string, at: number | null): Promise<void>;
  /** Documents whose wake time has come. */
  dueWakes(now: number, limit: number): Promise<{ workspaceId: string; docId: string }[]>;
}

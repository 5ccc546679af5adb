/**
 * The notification tables' rows as both SQL stores return them, and their conversion: one
 * mapping for SQLite and PostgreSQL. PostgreSQL returns BIGINT columns as strings and SQLite
 * as numbers, so every number goes through `Number()` here, never in a store.
 */
import type { MemberEmailRecord, NotificationContent, OutboxRow, OutboxState, OutboxTarget, PushSubscriptionRecord } from './types.ts';

type DbNumber = number | string;

export interface OutboxDbRow {
  id: DbNumber;
  event_key: string;
  workspace_id: string;
  member_id: string;
  target: string;
  content: string;
  state: string;
  attempts: number;
  created_at: DbNumber;
  next_at: DbNumber;
  last_error: string | null;
  sent_at: DbNumber | null;
}

export function toOutboxRow(r: OutboxDbRow): OutboxRow {
  return {
    id: Number(r.id),
    eventKey: r.event_key,
    workspaceId: r.workspace_id,
    memberId: r.member_id,
    target: r.target as OutboxTarget,
    content: JSON.parse(r.content) as NotificationContent,
    state: r.state as OutboxState,
    attempts: Number(r.attempts),
    createdAt: Number(r.created_at),
    nextAt: Number(r.next_at),
    lastError: r.last_error,
    sentAt: r.sent_at === null ? null : Number(r.sent_at)
  };
}

/** A `push_subscriptions` row (`SELECT *`). */
export interface SubscriptionDbRow {
  device_key: string;
  workspace_id: string;
  member_id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  created_at: DbNumber;
  /** Absent before migration 7's column existed (null: English). */
  locale?: string | null;
}

export function toSubscription(r: SubscriptionDbRow): PushSubscriptionRecord {
  return {
    deviceKey: r.device_key,
    workspaceId: r.workspace_id,
    memberId: r.member_id,
    endpoint: r.endpoint,
    p256dh: r.p256dh,
    auth: r.auth,
    createdAt: Number(r.created_at),
    locale: r.locale ?? null
  };
}

/** The columns of `member_emails` a store reads back ({@link EMAIL_COLUMNS}). */
export interface EmailDbRow {
  workspace_id: string;
  member_id: string;
  email: string;
  confirmed_at: DbNumber | null;
  locale: string | null;
}
export const EMAIL_COLUMNS = 'workspace_id, member_id, email, confirmed_at, locale';

export function toEmail(r: EmailDbRow): MemberEmailRecord {
  return { workspaceId: r.workspace_id, memberId: r.member_id, email: r.email, confirmedAt: r.confirmed_at === null ? null : Number(r.confirmed_at), locale: r.locale ?? null };
}

/** A workspace and member pair (`workspace_id, member_id`). */
export interface MemberDbRow {
  workspace_id: string;
  member_id: string;
}

export function toMemberRef(r: MemberDbRow): { workspaceId: string; memberId: string } {
  return { workspaceId: r.workspace_id, memberId: r.member_id };
}

/** A `notification_wakes` row (`workspace_id, doc_id`). */
export interface WakeDbRow {
  workspace_id: string;
  doc_id: string;
}

export function toWake(r: WakeDbRow): { workspaceId: string; docId: string } {
  return { workspaceId: r.workspace_id, docId: r.doc_id };
}

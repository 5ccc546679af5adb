/** The outbox row as both SQL stores return it, and its conversion. */
import type { NotificationContent, OutboxRow, OutboxState, OutboxTarget } from './types.ts';

export interface OutboxDbRow {
  id: number | string;
  event_key: string;
  workspace_id: string;
  member_id: string;
  target: string;
  content: string;
  state: string;
  attempts: number;
  created_at: number | string;
  next_at: number | string;
  last_error: string | null;
  sent_at: number | string | null;
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

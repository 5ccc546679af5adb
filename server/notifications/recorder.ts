/**
 * From documents to outbox rows (issue 19): evaluate a document (the pure rules in
 * src/lib/shared/notifications/events.ts), then for each event and recipient record one row
 * per target the member wants — each push device, and email (now, or held for a digest).
 * Recording is idempotent (the outbox's unique key), so evaluating the same document again,
 * after a restart or on another instance, adds nothing.
 */
import { documentNotifications, notifySource, type NotifyMember, type NotifySource } from '#shared/notifications/events';
import { newcomerEvents } from '#shared/notifications/newcomers';
import type { NotificationEvent } from '#shared/notifications/event-parts';
import { DEFAULT_PREFS, parsePrefs, pushAllowedAt, type NotificationPrefs } from '#shared/notifications/prefs';
import { isGroupDoc } from '#shared/model/reserved-docs';
import type { Auth, MemberInfo } from '../auth/auth.ts';
import type { DocumentManager } from '../relay/documents.ts';
import type { NewOutboxRow, NotificationStore } from './types.ts';

export interface RecorderOptions {
  store: NotificationStore;
  auth: Pick<Auth, 'listMembers' | 'workspaceName'>;
  documents: Pick<DocumentManager, 'read'>;
  now: () => number;
  /** Whether email can be sent at all (SMTP configured). */
  emailEnabled: boolean;
}

/** Whether the notification rules look at a document: never the catalogue, never private documents (a board's, a member's). */
export function isNotifiable(docId: string): boolean {
  return isGroupDoc(docId);
}

/** A member's preferences (stored over the defaults; unreadable stored values fall back to the defaults). */
export async function prefsOf(store: NotificationStore, workspaceId: string, memberId: string): Promise<NotificationPrefs> {
  const stored = await store.getPrefs(workspaceId, memberId);
  if (stored === null) return DEFAULT_PREFS;
  const parsed = parsePrefs(stored);
  return typeof parsed === 'string' ? DEFAULT_PREFS : parsed;
}

export interface Recorder {
  /** Evaluate a document (loading it if needed); resolves to the number of rows recorded. */
  evaluate(workspaceId: string, docId: string): Promise<number>;
  /** Evaluate from a summary already taken (a document leaving memory). */
  evaluateSummary(workspaceId: string, docId: string, summary: NotifySource): Promise<number>;
  /** Evaluate the workspace's members (someone joined). */
  evaluateMembers(workspaceId: string): Promise<number>;
}

export function createRecorder({ store, auth, documents, now, emailEnabled }: RecorderOptions): Recorder {
  const rowsFor = async (workspaceId: string, memberId: string, base: Omit<NewOutboxRow, 'memberId' | 'target' | 'state' | 'nextAt'>, kind: keyof NotificationPrefs['kinds']) => {
    const prefs = await prefsOf(store, workspaceId, memberId);
    if (!prefs.kinds[kind]) return [];
    const rows: NewOutboxRow[] = [];
    if (prefs.push) {
      const at = pushAllowedAt(base.createdAt, prefs);
      for (const sub of await store.listSubscriptions(workspaceId, memberId)) {
        rows.push({ ...base, memberId, target: `push:${sub.deviceKey}`, state: 'pending', nextAt: at });
      }
    }
    if (emailEnabled && prefs.email !== 'off' && (await store.getEmail(workspaceId, memberId))?.confirmedAt) {
      rows.push({ ...base, memberId, target: 'email', state: prefs.email === 'immediate' ? 'pending' : 'held', nextAt: base.createdAt });
    }
    return rows;
  };

  const record = async (workspaceId: string, events: readonly NotificationEvent[], at: number): Promise<number> => {
    if (events.length === 0) return 0;
    const title = (await auth.workspaceName(workspaceId)) ?? 'Mutual';
    const rows: NewOutboxRow[] = [];
    for (const e of events) {
      const base = { eventKey: e.key, workspaceId, createdAt: at, content: { kind: e.kind, title, body: e.body, url: e.url, text: e.text } };
      for (const memberId of e.recipients) rows.push(...(await rowsFor(workspaceId, memberId, base, e.kind)));
    }
    return store.record(rows);
  };

  /** Every evaluation also looks for newcomers: a join missed (a crash right after it) is told later. */
  const evaluateSummary = async (workspaceId: string, docId: string, summary: NotifySource): Promise<number> => {
    if (!isNotifiable(docId)) return 0;
    const at = now();
    const listed = await auth.listMembers(workspaceId);
    const members: NotifyMember[] = listed.filter((m) => !m.revoked).map((m) => ({ id: m.memberId, role: m.role, coordinator: m.coordinator }));
    const { events, wakeAt } = documentNotifications(summary, { workspaceId, docId, now: at, members });
    await store.setWake(workspaceId, docId, wakeAt);
    return record(workspaceId, [...events, ...newcomers(workspaceId, listed, at)], at);
  };

  return {
    evaluateSummary,
    async evaluateMembers(workspaceId) {
      const at = now();
      return record(workspaceId, newcomers(workspaceId, await auth.listMembers(workspaceId), at), at);
    },
    async evaluate(workspaceId, docId) {
      if (!isNotifiable(docId)) return 0;
      const summary = await documents.read(workspaceId, docId, (ydoc) => notifySource(docId, ydoc));
      return evaluateSummary(workspaceId, docId, summary);
    }
  };
}

const newcomers = (workspaceId: string, listed: readonly MemberInfo[], at: number) =>
  newcomerEvents(
    listed.map((m) => ({ id: m.memberId, name: m.name, joinedAt: m.joinedAt, revoked: m.revoked })),
    workspaceId,
    at
  );

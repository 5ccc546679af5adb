/**
 * The notification store on the server's SQLite database (handle borrowed, not closed). Its
 * tables are schema migration 6 (store/sqlite-migrations.ts); 7 adds the locale columns.
 */
import type { SqliteDatabase } from '../database.ts';
import { EMAIL_COLUMNS, toEmail, toMemberRef, toOutboxRow, toSubscription, toWake, type EmailDbRow, type MemberDbRow, type OutboxDbRow, type SubscriptionDbRow, type WakeDbRow } from './rows.ts';
import type { NotificationStore } from './types.ts';

export function createSqliteNotificationStore(db: SqliteDatabase): NotificationStore {
  const q = {
    putSub: db.prepare(
      `INSERT INTO push_subscriptions (device_key, workspace_id, member_id, endpoint, p256dh, auth, created_at, locale)
       VALUES (@deviceKey, @workspaceId, @memberId, @endpoint, @p256dh, @auth, @createdAt, @locale)
       ON CONFLICT (device_key) DO UPDATE SET workspace_id = excluded.workspace_id, member_id = excluded.member_id,
         endpoint = excluded.endpoint, p256dh = excluded.p256dh, auth = excluded.auth, created_at = excluded.created_at,
         locale = excluded.locale`
    ),
    getSub: db.prepare<[string], SubscriptionDbRow>('SELECT * FROM push_subscriptions WHERE device_key = ?'),
    listSubs: db.prepare<[string, string], SubscriptionDbRow>('SELECT * FROM push_subscriptions WHERE workspace_id = ? AND member_id = ? ORDER BY created_at, device_key'),
    subsAt: db.prepare<[string], SubscriptionDbRow>('SELECT * FROM push_subscriptions WHERE endpoint = ? ORDER BY device_key'),
    delSub: db.prepare('DELETE FROM push_subscriptions WHERE device_key = ?'),
    dropDevicePending: db.prepare("UPDATE notification_outbox SET state = 'dropped', last_error = 'the device stopped receiving notifications' WHERE target = ? AND state = 'pending'"),
    delMemberSubs: db.prepare('DELETE FROM push_subscriptions WHERE workspace_id = ? AND member_id = ?'),
    delPrefs: db.prepare('DELETE FROM notification_prefs WHERE workspace_id = ? AND member_id = ?'),
    dropMemberRows: db.prepare(
      "UPDATE notification_outbox SET state = 'dropped', last_error = 'no longer a member' WHERE workspace_id = ? AND member_id = ? AND state IN ('pending', 'held')"
    ),
    getPrefs: db.prepare<[string, string], { prefs: string }>('SELECT prefs FROM notification_prefs WHERE workspace_id = ? AND member_id = ?'),
    setPrefs: db.prepare('INSERT INTO notification_prefs (workspace_id, member_id, prefs) VALUES (?, ?, ?) ON CONFLICT (workspace_id, member_id) DO UPDATE SET prefs = excluded.prefs'),
    getEmail: db.prepare<[string, string], EmailDbRow>(`SELECT ${EMAIL_COLUMNS} FROM member_emails WHERE workspace_id = ? AND member_id = ?`),
    setEmail: db.prepare(
      `INSERT INTO member_emails (workspace_id, member_id, email, confirmed_at, confirm_hash, confirm_expires, locale) VALUES (?, ?, ?, NULL, ?, ?, ?)
       ON CONFLICT (workspace_id, member_id) DO UPDATE SET email = excluded.email, confirmed_at = NULL,
         confirm_hash = excluded.confirm_hash, confirm_expires = excluded.confirm_expires, locale = excluded.locale`
    ),
    subLocale: db.prepare('UPDATE push_subscriptions SET locale = ? WHERE device_key = ?'),
    emailLocale: db.prepare('UPDATE member_emails SET locale = ? WHERE workspace_id = ? AND member_id = ?'),
    findConfirm: db.prepare<[string, number], MemberDbRow>(
      'SELECT workspace_id, member_id FROM member_emails WHERE confirm_hash = ? AND confirm_expires >= ?'
    ),
    confirm: db.prepare('UPDATE member_emails SET confirmed_at = ?, confirm_hash = NULL, confirm_expires = NULL WHERE workspace_id = ? AND member_id = ?'),
    delEmail: db.prepare('DELETE FROM member_emails WHERE workspace_id = ? AND member_id = ?'),
    insertRow: db.prepare(
      `INSERT INTO notification_outbox (event_key, workspace_id, member_id, target, content, state, created_at, next_at)
       VALUES (@eventKey, @workspaceId, @memberId, @target, @content, @state, @createdAt, @nextAt)
       ON CONFLICT (event_key, member_id, target) DO NOTHING`
    ),
    due: db.prepare<[number, number, number], OutboxDbRow>(
      `SELECT * FROM notification_outbox WHERE state = 'pending' AND next_at <= ? AND (claimed_until IS NULL OR claimed_until < ?)
       ORDER BY next_at, id LIMIT ?`
    ),
    claim: db.prepare('UPDATE notification_outbox SET claimed_until = ?, attempts = attempts + 1 WHERE id = ?'),
    finishSent: db.prepare("UPDATE notification_outbox SET state = 'sent', sent_at = ?, claimed_until = NULL, last_error = NULL WHERE id = ?"),
    finishRetry: db.prepare("UPDATE notification_outbox SET state = 'pending', next_at = ?, last_error = ?, claimed_until = NULL WHERE id = ?"),
    finishEnd: db.prepare('UPDATE notification_outbox SET state = ?, last_error = ?, claimed_until = NULL WHERE id = ?'),
    markDigested: db.prepare("UPDATE notification_outbox SET state = 'digested' WHERE id = ? AND state = 'held'"),
    withHeld: db.prepare<[], MemberDbRow>("SELECT DISTINCT workspace_id, member_id FROM notification_outbox WHERE state = 'held'"),
    held: db.prepare<[string, string], OutboxDbRow>("SELECT * FROM notification_outbox WHERE workspace_id = ? AND member_id = ? AND state = 'held' ORDER BY created_at, id"),
    listAll: db.prepare<[string], OutboxDbRow>('SELECT * FROM notification_outbox WHERE workspace_id = ? ORDER BY id DESC'),
    listMember: db.prepare<[string, string], OutboxDbRow>('SELECT * FROM notification_outbox WHERE workspace_id = ? AND member_id = ? ORDER BY id DESC'),
    setWake: db.prepare('INSERT INTO notification_wakes (workspace_id, doc_id, wake_at) VALUES (?, ?, ?) ON CONFLICT (workspace_id, doc_id) DO UPDATE SET wake_at = excluded.wake_at'),
    delWake: db.prepare('DELETE FROM notification_wakes WHERE workspace_id = ? AND doc_id = ?'),
    dueWakes: db.prepare<[number, number], WakeDbRow>('SELECT workspace_id, doc_id FROM notification_wakes WHERE wake_at <= ? ORDER BY wake_at LIMIT ?')
  };

  const forget = db.transaction((workspaceId: string, memberId: string) => {
    q.delMemberSubs.run(workspaceId, memberId);
    q.delEmail.run(workspaceId, memberId);
    q.delPrefs.run(workspaceId, memberId);
    q.dropMemberRows.run(workspaceId, memberId);
  });
  const insertRows = db.transaction((rows: readonly Parameters<NotificationStore['record']>[0][number][]) => {
    let added = 0;
    for (const r of rows) added += q.insertRow.run({ ...r, content: JSON.stringify(r.content) }).changes;
    return added;
  });
  const claimRows = db.transaction((now: number, limit: number, leaseMs: number) => {
    const rows = q.due.all(now, now, limit);
    for (const r of rows) q.claim.run(now + leaseMs, r.id);
    return rows.map((r) => toOutboxRow({ ...r, attempts: r.attempts + 1 }));
  });
  const bundle = db.transaction((digest: Parameters<NotificationStore['record']>[0][number], heldIds: readonly number[]) => {
    if (q.insertRow.run({ ...digest, content: JSON.stringify(digest.content) }).changes === 0) return false;
    for (const id of heldIds) q.markDigested.run(id);
    return true;
  });
  const confirmEmail = db.transaction((hash: string, now: number) => {
    const row = q.findConfirm.get(hash, now);
    if (!row) return null;
    q.confirm.run(now, row.workspace_id, row.member_id);
    return toMemberRef(row);
  });

  return {
    async putSubscription(sub) {
      q.putSub.run(sub);
    },
    async getSubscription(deviceKey) {
      const row = q.getSub.get(deviceKey);
      return row ? toSubscription(row) : null;
    },
    async listSubscriptions(workspaceId, memberId) {
      return q.listSubs.all(workspaceId, memberId).map(toSubscription);
    },
    async subscriptionsAt(endpoint) {
      return q.subsAt.all(endpoint).map(toSubscription);
    },
    async deleteSubscription(deviceKey) {
      q.delSub.run(deviceKey);
      q.dropDevicePending.run(`push:${deviceKey}`);
    },
    async forgetMember(workspaceId, memberId) {
      forget(workspaceId, memberId);
    },
    async getPrefs(workspaceId, memberId) {
      const row = q.getPrefs.get(workspaceId, memberId);
      return row ? (JSON.parse(row.prefs) as unknown) : null;
    },
    async setPrefs(workspaceId, memberId, prefs) {
      q.setPrefs.run(workspaceId, memberId, JSON.stringify(prefs));
    },
    async getEmail(workspaceId, memberId) {
      const row = q.getEmail.get(workspaceId, memberId);
      return row ? toEmail(row) : null;
    },
    async setEmail(workspaceId, memberId, email, confirmHash, expiresAt, locale) {
      q.setEmail.run(workspaceId, memberId, email, confirmHash, expiresAt, locale);
    },
    async setLocale(deviceKey, mail, locale) {
      q.subLocale.run(locale, deviceKey);
      if (mail) q.emailLocale.run(locale, mail.workspaceId, mail.memberId);
    },
    async confirmEmail(confirmHash, now) {
      return confirmEmail(confirmHash, now);
    },
    async deleteEmail(workspaceId, memberId) {
      q.delEmail.run(workspaceId, memberId);
    },
    async record(rows) {
      return rows.length === 0 ? 0 : insertRows(rows);
    },
    async claimDue(now, limit, leaseMs) {
      return claimRows(now, limit, leaseMs);
    },
    async finish(id, outcome) {
      if (outcome.state === 'sent') q.finishSent.run(outcome.at, id);
      else if (outcome.state === 'pending') q.finishRetry.run(outcome.nextAt, outcome.error, id);
      else q.finishEnd.run(outcome.state, outcome.error, id);
    },
    async bundleDigest(digest, heldIds) {
      return bundle(digest, heldIds);
    },
    async membersWithHeld() {
      return q.withHeld.all().map(toMemberRef);
    },
    async heldRows(workspaceId, memberId) {
      return q.held.all(workspaceId, memberId).map(toOutboxRow);
    },
    async listOutbox(workspaceId, memberId) {
      return (memberId === undefined ? q.listAll.all(workspaceId) : q.listMember.all(workspaceId, memberId)).map(toOutboxRow);
    },
    async setWake(workspaceId, docId, at) {
      if (at === null) q.delWake.run(workspaceId, docId);
      else q.setWake.run(workspaceId, docId, at);
    },
    async dueWakes(now, limit) {
      return q.dueWakes.all(now, limit).map(toWake);
    }
  };
}

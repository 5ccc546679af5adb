/**
 * The notification store on PostgreSQL (STORE=postgres), shared by every instance: the
 * outbox's unique key makes one row per event, member and target whichever instance records
 * it first, and `claimDue` hands each due row to one instance (FOR UPDATE SKIP LOCKED).
 */
import type pg from 'pg';
import { EMAIL_COLUMNS, toEmail, toMemberRef, toOutboxRow, toSubscription, toWake, type EmailDbRow, type MemberDbRow, type OutboxDbRow, type SubscriptionDbRow, type WakeDbRow } from './rows.ts';
import type { NewOutboxRow, NotificationStore } from './types.ts';

const INSERT_ROW = `INSERT INTO notification_outbox (event_key, workspace_id, member_id, target, content, state, created_at, next_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (event_key, member_id, target) DO NOTHING`;
const rowValues = (r: NewOutboxRow) => [r.eventKey, r.workspaceId, r.memberId, r.target, JSON.stringify(r.content), r.state, r.createdAt, r.nextAt];

/** Run `fn` in one transaction on one connection. */
async function inTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const value = await fn(client);
    await client.query('COMMIT');
    return value;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

export function createPostgresNotificationStore(pool: pg.Pool): NotificationStore {
  return {
    async putSubscription(s) {
      await pool.query(
        `INSERT INTO push_subscriptions (device_key, workspace_id, member_id, endpoint, p256dh, auth, created_at, locale) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (device_key) DO UPDATE SET workspace_id = EXCLUDED.workspace_id, member_id = EXCLUDED.member_id,
           endpoint = EXCLUDED.endpoint, p256dh = EXCLUDED.p256dh, auth = EXCLUDED.auth, created_at = EXCLUDED.created_at, locale = EXCLUDED.locale`,
        [s.deviceKey, s.workspaceId, s.memberId, s.endpoint, s.p256dh, s.auth, s.createdAt, s.locale ?? null]
      );
    },
    async getSubscription(deviceKey) {
      const res = await pool.query<SubscriptionDbRow>('SELECT * FROM push_subscriptions WHERE device_key = $1', [deviceKey]);
      return res.rows[0] ? toSubscription(res.rows[0]) : null;
    },
    async listSubscriptions(workspaceId, memberId) {
      const res = await pool.query<SubscriptionDbRow>('SELECT * FROM push_subscriptions WHERE workspace_id = $1 AND member_id = $2 ORDER BY created_at, device_key', [workspaceId, memberId]);
      return res.rows.map(toSubscription);
    },
    async subscriptionsAt(endpoint) {
      const res = await pool.query<SubscriptionDbRow>('SELECT * FROM push_subscriptions WHERE endpoint = $1 ORDER BY device_key', [endpoint]);
      return res.rows.map(toSubscription);
    },
    async deleteSubscription(deviceKey) {
      await inTransaction(pool, async (c) => {
        await c.query('DELETE FROM push_subscriptions WHERE device_key = $1', [deviceKey]);
        await c.query("UPDATE notification_outbox SET state = 'dropped', last_error = 'the device stopped receiving notifications' WHERE target = $1 AND state = 'pending'", [
          `push:${deviceKey}`
        ]);
      });
    },
    async forgetMember(workspaceId, memberId) {
      await inTransaction(pool, async (c) => {
        const ids = [workspaceId, memberId];
        await c.query('DELETE FROM push_subscriptions WHERE workspace_id = $1 AND member_id = $2', ids);
        await c.query('DELETE FROM member_emails WHERE workspace_id = $1 AND member_id = $2', ids);
        await c.query('DELETE FROM notification_prefs WHERE workspace_id = $1 AND member_id = $2', ids);
        await c.query(
          "UPDATE notification_outbox SET state = 'dropped', last_error = 'no longer a member' WHERE workspace_id = $1 AND member_id = $2 AND state IN ('pending', 'held')",
          ids
        );
      });
    },
    async getPrefs(workspaceId, memberId) {
      const res = await pool.query<{ prefs: string }>('SELECT prefs FROM notification_prefs WHERE workspace_id = $1 AND member_id = $2', [workspaceId, memberId]);
      return res.rows[0] ? (JSON.parse(res.rows[0].prefs) as unknown) : null;
    },
    async setPrefs(workspaceId, memberId, prefs) {
      await pool.query(
        'INSERT INTO notification_prefs (workspace_id, member_id, prefs) VALUES ($1, $2, $3) ON CONFLICT (workspace_id, member_id) DO UPDATE SET prefs = EXCLUDED.prefs',
        [workspaceId, memberId, JSON.stringify(prefs)]
      );
    },
    async getEmail(workspaceId, memberId) {
      const res = await pool.query<EmailDbRow>(`SELECT ${EMAIL_COLUMNS} FROM member_emails WHERE workspace_id = $1 AND member_id = $2`, [workspaceId, memberId]);
      return res.rows[0] ? toEmail(res.rows[0]) : null;
    },
    async setEmail(workspaceId, memberId, email, confirmHash, expiresAt, locale) {
      await pool.query(
        `INSERT INTO member_emails (workspace_id, member_id, email, confirmed_at, confirm_hash, confirm_expires, locale) VALUES ($1, $2, $3, NULL, $4, $5, $6)
         ON CONFLICT (workspace_id, member_id) DO UPDATE SET email = EXCLUDED.email, confirmed_at = NULL,
           confirm_hash = EXCLUDED.confirm_hash, confirm_expires = EXCLUDED.confirm_expires, locale = EXCLUDED.locale`,
        [workspaceId, memberId, email, confirmHash, expiresAt, locale]
      );
    },
    async setLocale(deviceKey, mail, locale) {
      await pool.query('UPDATE push_subscriptions SET locale = $1 WHERE device_key = $2', [locale, deviceKey]);
      if (mail) await pool.query('UPDATE member_emails SET locale = $1 WHERE workspace_id = $2 AND member_id = $3', [locale, mail.workspaceId, mail.memberId]);
    },
    async confirmEmail(confirmHash, now) {
      const res = await pool.query<MemberDbRow>(
        `UPDATE member_emails SET confirmed_at = $2, confirm_hash = NULL, confirm_expires = NULL
         WHERE confirm_hash = $1 AND confirm_expires >= $2 RETURNING workspace_id, member_id`,
        [confirmHash, now]
      );
      return res.rows[0] ? toMemberRef(res.rows[0]) : null;
    },
    async deleteEmail(workspaceId, memberId) {
      await pool.query('DELETE FROM member_emails WHERE workspace_id = $1 AND member_id = $2', [workspaceId, memberId]);
    },
    async record(rows) {
      if (rows.length === 0) return 0;
      return inTransaction(pool, async (c) => {
        let added = 0;
        for (const r of rows) added += (await c.query(INSERT_ROW, rowValues(r))).rowCount ?? 0;
        return added;
      });
    },
    async claimDue(now, limit, leaseMs) {
      const res = await pool.query<OutboxDbRow>(
        `UPDATE notification_outbox SET claimed_until = $2, attempts = attempts + 1
         WHERE id IN (SELECT id FROM notification_outbox WHERE state = 'pending' AND next_at <= $1 AND (claimed_until IS NULL OR claimed_until < $1)
                      ORDER BY next_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
         RETURNING *`,
        [now, now + leaseMs, limit]
      );
      return res.rows.map(toOutboxRow).sort((a, b) => a.nextAt - b.nextAt || a.id - b.id);
    },
    async finish(id, outcome) {
      if (outcome.state === 'sent') {
        await pool.query("UPDATE notification_outbox SET state = 'sent', sent_at = $2, claimed_until = NULL, last_error = NULL WHERE id = $1", [id, outcome.at]);
      } else if (outcome.state === 'pending') {
        await pool.query("UPDATE notification_outbox SET state = 'pending', next_at = $2, last_error = $3, claimed_until = NULL WHERE id = $1", [id, outcome.nextAt, outcome.error]);
      } else {
        await pool.query('UPDATE notification_outbox SET state = $2, last_error = $3, claimed_until = NULL WHERE id = $1', [id, outcome.state, outcome.error]);
      }
    },
    async bundleDigest(digest, heldIds) {
      return inTransaction(pool, async (c) => {
        if (((await c.query(INSERT_ROW, rowValues(digest))).rowCount ?? 0) === 0) return false;
        if (heldIds.length > 0) await c.query("UPDATE notification_outbox SET state = 'digested' WHERE id = ANY($1::bigint[]) AND state = 'held'", [heldIds]);
        return true;
      });
    },
    async membersWithHeld() {
      const res = await pool.query<MemberDbRow>("SELECT DISTINCT workspace_id, member_id FROM notification_outbox WHERE state = 'held'");
      return res.rows.map(toMemberRef);
    },
    async heldRows(workspaceId, memberId) {
      const res = await pool.query<OutboxDbRow>("SELECT * FROM notification_outbox WHERE workspace_id = $1 AND member_id = $2 AND state = 'held' ORDER BY created_at, id", [
        workspaceId,
        memberId
      ]);
      return res.rows.map(toOutboxRow);
    },
    async listOutbox(workspaceId, memberId) {
      const res =
        memberId === undefined
          ? await pool.query<OutboxDbRow>('SELECT * FROM notification_outbox WHERE workspace_id = $1 ORDER BY id DESC', [workspaceId])
          : await pool.query<OutboxDbRow>('SELECT * FROM notification_outbox WHERE workspace_id = $1 AND member_id = $2 ORDER BY id DESC', [workspaceId, memberId]);
      return res.rows.map(toOutboxRow);
    },
    async setWake(workspaceId, docId, at) {
      if (at === null) await pool.query('DELETE FROM notification_wakes WHERE workspace_id = $1 AND doc_id = $2', [workspaceId, docId]);
      else {
        await pool.query(
          'INSERT INTO notification_wakes (workspace_id, doc_id, wake_at) VALUES ($1, $2, $3) ON CONFLICT (workspace_id, doc_id) DO UPDATE SET wake_at = EXCLUDED.wake_at',
          [workspaceId, docId, at]
        );
      }
    },
    async dueWakes(now, limit) {
      const res = await pool.query<WakeDbRow>('SELECT workspace_id, doc_id FROM notification_wakes WHERE wake_at <= $1 ORDER BY wake_at LIMIT $2', [now, limit]);
      return res.rows.map(toWake);
    }
  };
}

/**
 * Devices, device links and connection tickets on PostgreSQL (issue 18): the same rows as
 * server/auth/devices-sqlite.ts, shared by every instance. Tables: migration 5 of
 * server/store/pg-migrations.ts.
 */
import type pg from 'pg';
import { MEMBER_COLUMNS, toMember, type MemberRow } from './postgres-rows.ts';
import type { DeviceRecord, DeviceStore } from './types.ts';

interface DeviceRow {
  workspace_id: string;
  member_id: string;
  id: string;
  name: string;
  token_hash: string;
  created_at: string;
  last_seen_at: string | null;
  revoked_at: string | null;
}

const DEVICE_COLUMNS = 'workspace_id, member_id, id, name, token_hash, created_at, last_seen_at, revoked_at';

/** Insert one device (inside the caller's transaction when given a client). */
export const INSERT_DEVICE = `INSERT INTO devices (${DEVICE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`;

export function deviceValues(d: DeviceRecord): unknown[] {
  return [d.workspaceId, d.memberId, d.id, d.name, d.tokenHash, d.createdAt, d.lastSeenAt, d.revokedAt];
}

const num = (v: string | null) => (v === null ? null : Number(v));

function toDevice(r: DeviceRow): DeviceRecord {
  return {
    workspaceId: r.workspace_id,
    memberId: r.member_id,
    id: r.id,
    name: r.name,
    tokenHash: r.token_hash,
    createdAt: Number(r.created_at),
    lastSeenAt: num(r.last_seen_at),
    revokedAt: num(r.revoked_at)
  };
}

/** The device part of the PostgreSQL membership store. */
export function createPostgresDeviceStore(pool: pg.Pool): DeviceStore {
  return {
    async findDeviceByTokenHash(tokenHash) {
      const d = (await pool.query<DeviceRow>(`SELECT ${DEVICE_COLUMNS} FROM devices WHERE token_hash = $1`, [tokenHash])).rows[0];
      if (!d) return null;
      const m = (await pool.query<MemberRow>(`SELECT ${MEMBER_COLUMNS} FROM members WHERE workspace_id = $1 AND id = $2`, [d.workspace_id, d.member_id])).rows[0];
      return m ? { device: toDevice(d), member: toMember(m) } : null;
    },
    async addDevice(device) {
      await pool.query(INSERT_DEVICE, deviceValues(device));
    },
    async listDevices(workspaceId, memberId) {
      const res = await pool.query<DeviceRow>(`SELECT ${DEVICE_COLUMNS} FROM devices WHERE workspace_id = $1 AND member_id = $2 ORDER BY created_at, position`, [workspaceId, memberId]);
      return res.rows.map(toDevice);
    },
    async renameDevice(workspaceId, memberId, deviceId, name) {
      const res = await pool.query('UPDATE devices SET name = $1 WHERE workspace_id = $2 AND member_id = $3 AND id = $4', [name, workspaceId, memberId, deviceId]);
      return res.rowCount === 1;
    },
    async revokeDevice(workspaceId, memberId, deviceId, at) {
      const res = await pool.query('UPDATE devices SET revoked_at = $1 WHERE workspace_id = $2 AND member_id = $3 AND id = $4 AND revoked_at IS NULL', [at, workspaceId, memberId, deviceId]);
      return res.rowCount === 1;
    },
    async touchDevice(tokenHash, at, staleBefore) {
      await pool.query('UPDATE devices SET last_seen_at = $1 WHERE token_hash = $2 AND (last_seen_at IS NULL OR last_seen_at < $3)', [at, tokenHash, staleBefore]);
    },
    async addDeviceLink(l) {
      await pool.query('INSERT INTO device_links (secret_hash, workspace_id, member_id, created_at, expires_at, used_at) VALUES ($1, $2, $3, $4, $5, $6)', [
        l.secretHash,
        l.workspaceId,
        l.memberId,
        l.createdAt,
        l.expiresAt,
        l.usedAt
      ]);
    },
    async getDeviceLink(secretHash) {
      const r = (
        await pool.query<{ secret_hash: string; workspace_id: string; member_id: string; created_at: string; expires_at: string; used_at: string | null }>(
          'SELECT secret_hash, workspace_id, member_id, created_at, expires_at, used_at FROM device_links WHERE secret_hash = $1',
          [secretHash]
        )
      ).rows[0];
      return r
        ? { secretHash: r.secret_hash, workspaceId: r.workspace_id, memberId: r.member_id, createdAt: Number(r.created_at), expiresAt: Number(r.expires_at), usedAt: num(r.used_at) }
        : null;
    },
    async useDeviceLink(secretHash, at) {
      const res = await pool.query('UPDATE device_links SET used_at = $1 WHERE secret_hash = $2 AND used_at IS NULL AND expires_at > $1', [at, secretHash]);
      return res.rowCount === 1;
    },
    async addTicket(ticketHash, tokenHash, expiresAt, now) {
      await pool.query('DELETE FROM connection_tickets WHERE expires_at < $1', [now]);
      await pool.query('INSERT INTO connection_tickets (ticket_hash, token_hash, expires_at) VALUES ($1, $2, $3)', [ticketHash, tokenHash, expiresAt]);
    },
    async takeTicket(ticketHash) {
      const r = (await pool.query<{ token_hash: string; expires_at: string }>('DELETE FROM connection_tickets WHERE ticket_hash = $1 RETURNING token_hash, expires_at', [ticketHash])).rows[0];
      return r ? { tokenHash: r.token_hash, expiresAt: Number(r.expires_at) } : null;
    },
    async listWorkspaces() {
      const res = await pool.query<{ id: string; name: string; created_at: string; members: string; last_seen_at: string | null }>(`
        SELECT w.id, w.name, w.created_at,
          (SELECT COUNT(*) FROM members m WHERE m.workspace_id = w.id AND m.revoked_at IS NULL) AS members,
          (SELECT MAX(d.last_seen_at) FROM devices d WHERE d.workspace_id = w.id) AS last_seen_at
        FROM workspaces w ORDER BY w.created_at, w.id`);
      return res.rows.map((r) => ({ id: r.id, name: r.name, createdAt: Number(r.created_at), members: Number(r.members), lastSeenAt: num(r.last_seen_at) }));
    }
  };
}

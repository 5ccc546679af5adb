/**
 * Devices, device links and connection tickets on SQLite (issue 18). The tables sit beside
 * the membership tables (schema migration 5, store/sqlite-migrations.ts, which also makes each
 * member's token their first device in an older database, so every device that worked before
 * keeps working).
 */
import type { SqliteDatabase } from '../database.ts';
import { toMember, type MemberRow } from './sqlite-rows.ts';
import { FIRST_DEVICE_ID, FIRST_DEVICE_NAME, type DeviceLinkRecord, type DeviceRecord, type DeviceStore } from './types.ts';

interface DeviceRow {
  workspace_id: string;
  member_id: string;
  id: string;
  name: string;
  token_hash: string;
  created_at: number;
  last_seen_at: number | null;
  revoked_at: number | null;
}
interface LinkRow {
  secret_hash: string;
  workspace_id: string;
  member_id: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

function toDevice(r: DeviceRow): DeviceRecord {
  return {
    workspaceId: r.workspace_id,
    memberId: r.member_id,
    id: r.id,
    name: r.name,
    tokenHash: r.token_hash,
    createdAt: r.created_at,
    lastSeenAt: r.last_seen_at,
    revokedAt: r.revoked_at
  };
}

/** The device part of the SQLite membership store, plus the insert its member inserts share. */
export function createSqliteDeviceStore(db: SqliteDatabase): { devices: DeviceStore; insertDevice: (d: DeviceRecord) => void } {
  const insert = db.prepare(
    'INSERT INTO devices (workspace_id, member_id, id, name, token_hash, created_at, last_seen_at, revoked_at) VALUES (@workspaceId, @memberId, @id, @name, @tokenHash, @createdAt, @lastSeenAt, @revokedAt)'
  );
  const byToken = db.prepare<[string], DeviceRow>('SELECT * FROM devices WHERE token_hash = ?');
  const memberOf = db.prepare<[string, string], MemberRow>('SELECT * FROM members WHERE workspace_id = ? AND id = ?');
  const list = db.prepare<[string, string], DeviceRow>('SELECT * FROM devices WHERE workspace_id = ? AND member_id = ? ORDER BY created_at, rowid');
  const rename = db.prepare('UPDATE devices SET name = ? WHERE workspace_id = ? AND member_id = ? AND id = ?');
  const revoke = db.prepare('UPDATE devices SET revoked_at = ? WHERE workspace_id = ? AND member_id = ? AND id = ? AND revoked_at IS NULL');
  const touch = db.prepare('UPDATE devices SET last_seen_at = ? WHERE token_hash = ? AND (last_seen_at IS NULL OR last_seen_at < ?)');
  const insertLink = db.prepare(
    'INSERT INTO device_links (secret_hash, workspace_id, member_id, created_at, expires_at, used_at) VALUES (@secretHash, @workspaceId, @memberId, @createdAt, @expiresAt, @usedAt)'
  );
  const selectLink = db.prepare<[string], LinkRow>('SELECT * FROM device_links WHERE secret_hash = ?');
  const useLink = db.prepare('UPDATE device_links SET used_at = ? WHERE secret_hash = ? AND used_at IS NULL AND expires_at > ?');
  const purgeTickets = db.prepare('DELETE FROM connection_tickets WHERE expires_at < ?');
  const insertTicket = db.prepare('INSERT INTO connection_tickets (ticket_hash, token_hash, expires_at) VALUES (?, ?, ?)');
  const takeTicket = db.prepare<[string], { token_hash: string; expires_at: number }>('DELETE FROM connection_tickets WHERE ticket_hash = ? RETURNING token_hash, expires_at');
  const summaries = db.prepare<[], { id: string; name: string; created_at: number; members: number; last_seen_at: number | null }>(`
    SELECT w.id, w.name, w.created_at,
      (SELECT COUNT(*) FROM members m WHERE m.workspace_id = w.id AND m.revoked_at IS NULL) AS members,
      (SELECT MAX(d.last_seen_at) FROM devices d WHERE d.workspace_id = w.id) AS last_seen_at
    FROM workspaces w ORDER BY w.created_at, w.rowid`);

  const devices: DeviceStore = {
    async findDeviceByTokenHash(tokenHash) {
      const row = byToken.get(tokenHash);
      const member = row ? memberOf.get(row.workspace_id, row.member_id) : undefined;
      return row && member ? { device: toDevice(row), member: toMember(member) } : null;
    },
    async addDevice(device) {
      insert.run(device);
    },
    async listDevices(workspaceId, memberId) {
      return list.all(workspaceId, memberId).map(toDevice);
    },
    async renameDevice(workspaceId, memberId, deviceId, name) {
      return rename.run(name, workspaceId, memberId, deviceId).changes === 1;
    },
    async revokeDevice(workspaceId, memberId, deviceId, at) {
      return revoke.run(at, workspaceId, memberId, deviceId).changes === 1;
    },
    async touchDevice(tokenHash, at, staleBefore) {
      touch.run(at, tokenHash, staleBefore);
    },
    async addDeviceLink(link: DeviceLinkRecord) {
      insertLink.run(link);
    },
    async getDeviceLink(secretHash) {
      const r = selectLink.get(secretHash);
      return r ? { secretHash: r.secret_hash, workspaceId: r.workspace_id, memberId: r.member_id, createdAt: r.created_at, expiresAt: r.expires_at, usedAt: r.used_at } : null;
    },
    async useDeviceLink(secretHash, at) {
      return useLink.run(at, secretHash, at).changes === 1;
    },
    async addTicket(ticketHash, tokenHash, expiresAt, now) {
      purgeTickets.run(now);
      insertTicket.run(ticketHash, tokenHash, expiresAt);
    },
    async takeTicket(ticketHash) {
      const r = takeTicket.get(ticketHash);
      return r ? { tokenHash: r.token_hash, expiresAt: r.expires_at } : null;
    },
    async listWorkspaces() {
      return summaries.all().map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at, members: r.members, lastSeenAt: r.last_seen_at }));
    }
  };
  return { devices, insertDevice: (d) => insert.run(d) };
}

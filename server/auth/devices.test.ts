import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE, openDatabase, type SqliteDatabase } from '../database.ts';
import { createAuth, type Auth } from './auth.ts';
import { DEVICE_LINK_TTL_MS, MAX_DEVICES_PER_MEMBER, TICKET_TTL_MS } from './devices.ts';
import { hashSecret } from './secrets.ts';
import { createSqliteMembershipStore } from './sqlite.ts';
import type { MemberEvent } from './types.ts';

describe('device rules (a clock the test moves)', () => {
  let db: SqliteDatabase;
  let auth: Auth;
  let clock = 1_000_000;
  beforeEach(() => {
    clock = 1_000_000;
    db = openDatabase(':memory:');
    auth = createAuth(createSqliteMembershipStore(db), { now: () => clock });
  });
  afterEach(() => db.close());

  it('a device link expires after 15 minutes, unused, and says so', async () => {
    const ws = await auth.createWorkspace({ name: 'W', memberName: 'Ada' });
    const link = await auth.createDeviceLink(ws.workspaceId, ws.member.memberId);
    expect(link.expiresAt).toBe(clock + DEVICE_LINK_TTL_MS);
    clock += DEVICE_LINK_TTL_MS - 1;
    expect(await auth.previewDeviceLink(ws.workspaceId, link.secret)).toMatchObject({ memberName: 'Ada' });
    clock += 1;
    await expect(auth.redeemDeviceLink(ws.workspaceId, link.secret, 'Phone')).rejects.toMatchObject({ kind: 'gone', message: expect.stringMatching(/expired/) });
    await expect(auth.previewDeviceLink(ws.workspaceId, link.secret)).rejects.toMatchObject({ kind: 'gone' });
    // Not for another workspace, not a guess.
    const other = await auth.createWorkspace({ name: 'X', memberName: 'Bo' });
    const otherLink = await auth.createDeviceLink(other.workspaceId, other.member.memberId);
    await expect(auth.previewDeviceLink(ws.workspaceId, otherLink.secret)).rejects.toMatchObject({ kind: 'forbidden' });
  });

  it('a device link is used once even when two devices race for it', async () => {
    const ws = await auth.createWorkspace({ name: 'W', memberName: 'Ada' });
    const link = await auth.createDeviceLink(ws.workspaceId, ws.member.memberId);
    const results = await Promise.allSettled([auth.redeemDeviceLink(ws.workspaceId, link.secret, 'A'), auth.redeemDeviceLink(ws.workspaceId, link.secret, 'B')]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((await auth.listDevices(ws.workspaceId, ws.member.memberId)).length).toBe(2);
  });

  it('device tokens are stored only as hashes, and each authenticates as the member with its own device id', async () => {
    const ws = await auth.createWorkspace({ name: 'W', memberName: 'Ada' });
    const link = await auth.createDeviceLink(ws.workspaceId, ws.member.memberId);
    const phone = await auth.redeemDeviceLink(ws.workspaceId, link.secret, 'Phone');
    const dump = JSON.stringify([db.prepare('SELECT * FROM devices').all(), db.prepare('SELECT * FROM device_links').all()]);
    for (const s of [phone.token, link.secret, ws.token]) {
      expect(Buffer.from(s, 'base64url').length).toBeGreaterThanOrEqual(16);
      expect(dump).not.toContain(s);
    }
    expect(dump).toContain(hashSecret(phone.token));
    expect(await auth.authenticate(phone.token)).toMatchObject({ memberId: ws.member.memberId, deviceId: phone.device.deviceId, role: 'admin' });
    expect(await auth.authenticate(ws.token)).toMatchObject({ memberId: ws.member.memberId, deviceId: 'first' });
  });

  it('last seen follows authentication, at most once a minute', async () => {
    const ws = await auth.createWorkspace({ name: 'W', memberName: 'Ada' });
    await auth.authenticate(ws.token);
    expect((await auth.listDevices(ws.workspaceId, ws.member.memberId))[0].lastSeenAt).toBe(clock);
    const first = clock;
    clock += 30_000;
    await auth.authenticate(ws.token);
    expect((await auth.listDevices(ws.workspaceId, ws.member.memberId))[0].lastSeenAt).toBe(first);
    clock += 31_000;
    await auth.authenticate(ws.token);
    expect((await auth.listDevices(ws.workspaceId, ws.member.memberId))[0].lastSeenAt).toBe(clock);
  });

  it('a ticket works once, within 60 s, and not for a revoked device', async () => {
    const ws = await auth.createWorkspace({ name: 'W', memberName: 'Ada' });
    const t1 = await auth.issueTicket(ws.token);
    expect(await auth.authenticateTicket(t1.ticket)).toMatchObject({ memberId: ws.member.memberId, deviceId: 'first' });
    expect(await auth.authenticateTicket(t1.ticket)).toBeNull();
    const t2 = await auth.issueTicket(ws.token);
    clock += TICKET_TTL_MS;
    expect(await auth.authenticateTicket(t2.ticket)).toBeNull();
    const link = await auth.createDeviceLink(ws.workspaceId, ws.member.memberId);
    const phone = await auth.redeemDeviceLink(ws.workspaceId, link.secret, 'Phone');
    const t3 = await auth.issueTicket(phone.token);
    await auth.revokeDevice(ws.workspaceId, ws.member.memberId, phone.device.deviceId);
    expect(await auth.authenticateTicket(t3.ticket)).toBeNull();
    expect(await auth.authenticateTicket('nonsense')).toBeNull();
  });

  it('revoking a device tells the relay which device; the token is refused and says why', async () => {
    const events: MemberEvent[] = [];
    auth.onMemberEvent((e) => events.push(e));
    const ws = await auth.createWorkspace({ name: 'W', memberName: 'Ada' });
    const link = await auth.createDeviceLink(ws.workspaceId, ws.member.memberId);
    const phone = await auth.redeemDeviceLink(ws.workspaceId, link.secret, 'Phone');
    await auth.revokeDevice(ws.workspaceId, ws.member.memberId, 'first');
    expect(events).toEqual([{ type: 'device-revoked', workspaceId: ws.workspaceId, memberId: ws.member.memberId, deviceId: 'first' }]);
    expect(await auth.authenticate(ws.token)).toBeNull();
    expect(await auth.whyRefused(ws.token)).toBe('device-removed');
    expect(await auth.authenticate(phone.token)).not.toBeNull();
    await expect(auth.revokeDevice(ws.workspaceId, ws.member.memberId, phone.device.deviceId)).rejects.toMatchObject({ kind: 'conflict' });
  });

  it(`a member may have at most ${MAX_DEVICES_PER_MEMBER} devices at once`, async () => {
    const ws = await auth.createWorkspace({ name: 'W', memberName: 'Ada' });
    for (let i = 1; i < MAX_DEVICES_PER_MEMBER; i++) {
      const link = await auth.createDeviceLink(ws.workspaceId, ws.member.memberId);
      await auth.redeemDeviceLink(ws.workspaceId, link.secret, `D${i}`);
    }
    await expect(auth.createDeviceLink(ws.workspaceId, ws.member.memberId)).rejects.toMatchObject({ kind: 'conflict' });
  });
});

describe('migrating a database from before devices', () => {
  it("each member's token becomes their first device, revoked members' revoked", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mutual-devices-migrate-'));
    // The tables as they were before devices (and before schema versions), with one active and one removed member.
    const old = new Database(path.join(dir, DATABASE_FILE));
    old.exec(fs.readFileSync(new URL('../../tests/fixtures/sqlite-schema-v0.sql', import.meta.url), 'utf8'));
    old.prepare("INSERT INTO workspaces VALUES ('w1', 'W', 'e', 'v', 1)").run();
    old.prepare("INSERT INTO members (id, workspace_id, name, role, token_hash, joined_at, revoked_at) VALUES ('ada', 'w1', 'Ada', 'admin', ?, 5, NULL)").run(hashSecret('a'.repeat(43)));
    old.prepare("INSERT INTO members (id, workspace_id, name, role, token_hash, joined_at, revoked_at) VALUES ('bo', 'w1', 'Bo', 'editor', ?, 6, 9)").run(hashSecret('b'.repeat(43)));
    old.close();
    const db = openDatabase(dir);
    try {
      const auth = createAuth(createSqliteMembershipStore(db));
      expect(await auth.authenticate('a'.repeat(43))).toMatchObject({ memberId: 'ada', deviceId: 'first' });
      expect(await auth.authenticate('b'.repeat(43))).toBeNull();
      expect(await auth.listDevices('w1', 'ada')).toEqual([{ deviceId: 'first', name: 'First device', createdAt: 5, lastSeenAt: expect.any(Number), revoked: false }]);
    } finally {
      db.close();
    }
    // Opening it again changes nothing.
    const again = openDatabase(dir);
    try {
      createSqliteMembershipStore(again);
      expect((again.prepare('SELECT COUNT(*) AS n FROM devices').get() as { n: number }).n).toBe(2);
    } finally {
      again.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

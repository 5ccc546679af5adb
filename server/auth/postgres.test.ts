import pgClient from 'pg';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PG_MIGRATIONS, migratePostgres } from '../store/pg-migrations.ts';
import { freshSchemaPool, stopTestPostgres, testPostgres } from '../store/pg-test-db.ts';
import { AuthError, createAuth, type Auth } from './auth.ts';
import { createPostgresMembershipStore } from './postgres.ts';
import { createPostgresNotificationStore } from '../notifications/store-postgres.ts';
import { hashSecret } from './secrets.ts';
import type { MemberEvent } from './types.ts';

beforeAll(() => testPostgres().then(() => {}), 60_000);
afterAll(() => stopTestPostgres(), 30_000);

// The same behaviours auth.test.ts checks over SQLite, over the PostgreSQL membership store.
describe('auth over the PostgreSQL membership store', () => {
  let pool: pg.Pool;
  let auth: Auth;
  beforeEach(async () => {
    pool = (await freshSchemaPool()).pool;
    auth = createAuth(createPostgresMembershipStore(pool));
  });
  afterEach(() => pool.end());

  it('stores tokens and invite secrets only as hashes', async () => {
    const created = await auth.createWorkspace({ name: 'W', memberName: 'Ada' });
    const dump = JSON.stringify([(await pool.query('SELECT * FROM workspaces')).rows, (await pool.query('SELECT * FROM members')).rows]);
    for (const secret of [created.token, created.invites.editor, created.invites.viewer]) {
      expect(dump).not.toContain(secret);
      expect(dump).toContain(hashSecret(secret));
    }
  });

  it('authenticates members; revoked tokens are null; members list in join order', async () => {
    const created = await auth.createWorkspace({ name: 'W', memberName: 'Ada' });
    const joined = await auth.join(created.workspaceId, created.invites.viewer, 'Vic');
    const third = await auth.join(created.workspaceId, created.invites.editor, 'Eve');
    expect(await auth.authenticate(joined.token)).toMatchObject({ workspaceId: created.workspaceId, role: 'viewer', name: 'Vic', coordinator: false });
    expect(await auth.authenticate('x'.repeat(43))).toBeNull();
    expect((await auth.listMembers(created.workspaceId)).map((m) => m.name)).toEqual(['Ada', 'Vic', 'Eve']);
    expect(await auth.workspaceName(created.workspaceId)).toBe('W');
    await auth.revokeMember(created.workspaceId, joined.member.memberId);
    expect(await auth.authenticate(joined.token)).toBeNull();
    expect(await auth.getMember(created.workspaceId, joined.member.memberId)).toMatchObject({ revoked: true });
    expect(await auth.authenticate(third.token)).not.toBeNull();
  });

  it('rotating invites invalidates the old ones', async () => {
    const created = await auth.createWorkspace({ name: 'W', memberName: 'Ada' });
    const fresh = await auth.rotateInvites(created.workspaceId);
    await expect(auth.join(created.workspaceId, created.invites.editor, 'X')).rejects.toMatchObject({ kind: 'forbidden' });
    await expect(auth.join(created.workspaceId, fresh.editor, 'X')).resolves.toMatchObject({ member: { role: 'editor' } });
  });

  it('patches only the fields given; emits events; keeps at least one admin', async () => {
    const events: MemberEvent[] = [];
    auth.onMemberEvent((e) => events.push(e));
    const created = await auth.createWorkspace({ name: 'W', memberName: 'Ada' });
    const e = await auth.join(created.workspaceId, created.invites.editor, 'Ed');
    const id = e.member.memberId;
    await auth.updateMember(created.workspaceId, id, { coordinator: true });
    await auth.updateMember(created.workspaceId, id, { publicKey: 'key-1' });
    expect(await auth.updateMember(created.workspaceId, id, { name: 'Eddie' })).toMatchObject({ name: 'Eddie', coordinator: true, publicKey: 'key-1', role: 'editor' });
    expect(await auth.updateMember(created.workspaceId, id, { publicKey: null })).toMatchObject({ publicKey: null, name: 'Eddie' });
    await auth.revokeMember(created.workspaceId, id);
    expect(events).toEqual([
      { type: 'updated', workspaceId: created.workspaceId, memberId: id, role: 'editor', coordinator: true, name: 'Ed' },
      { type: 'updated', workspaceId: created.workspaceId, memberId: id, role: 'editor', coordinator: true, name: 'Eddie' },
      { type: 'revoked', workspaceId: created.workspaceId, memberId: id }
    ]);
    await expect(auth.revokeMember(created.workspaceId, created.member.memberId)).rejects.toBeInstanceOf(AuthError);
    await expect(auth.updateMember(created.workspaceId, created.member.memberId, { role: 'viewer' })).rejects.toMatchObject({ kind: 'conflict' });
  });
});

/** A pool on a new, empty schema of the test server (migrations chosen by the test). */
async function emptySchemaPool(name: string): Promise<pg.Pool> {
  const { url } = await testPostgres();
  const schema = `${name}${process.pid}`;
  const admin = new pgClient.Client(url);
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const pool = new pgClient.Pool({ connectionString: url, options: `-c search_path=${schema}`, max: 2 });
  pool.on('error', () => {});
  return pool;
}

/** The notification tables (migration 6) work: a subscription stored and read back. */
async function expectNotificationTables(pool: pg.Pool, workspaceId: string, memberId: string): Promise<void> {
  const notifications = createPostgresNotificationStore(pool);
  const sub = { deviceKey: `${workspaceId}/${memberId}/first`, workspaceId, memberId, endpoint: 'https://push.example/1', p256dh: 'p', auth: 'a', createdAt: 7, locale: 'es' };
  await notifications.putSubscription(sub);
  expect(await notifications.listSubscriptions(workspaceId, memberId)).toEqual([sub]);
}

describe('PostgreSQL migrations 5 (devices), 6 (notifications) and 7 (their languages)', () => {
  it("from version 4: makes each member's token their first device; revoked members' devices revoked; adds the notification tables", async () => {
    const pool = await emptySchemaPool('devmig');
    try {
      await migratePostgres(pool, PG_MIGRATIONS.filter((m) => m.version < 5));
      await pool.query("INSERT INTO workspaces VALUES ('w1', 'W', 'e', 'v', 1)");
      await pool.query("INSERT INTO members (id, workspace_id, name, role, token_hash, joined_at, revoked_at) VALUES ('ada', 'w1', 'Ada', 'admin', $1, 5, NULL), ('bo', 'w1', 'Bo', 'editor', $2, 6, 9)", [
        hashSecret('a'.repeat(43)),
        hashSecret('b'.repeat(43))
      ]);
      expect(await migratePostgres(pool)).toEqual([5, 6, 7, 8]);
      const auth = createAuth(createPostgresMembershipStore(pool));
      expect(await auth.authenticate('a'.repeat(43))).toMatchObject({ memberId: 'ada', deviceId: 'first' });
      expect(await auth.authenticate('b'.repeat(43))).toBeNull();
      expect((await auth.listDevices('w1', 'ada')).map((d) => [d.deviceId, d.name, d.revoked])).toEqual([['first', 'First device', false]]);
      await expectNotificationTables(pool, 'w1', 'ada');
    } finally {
      await pool.end();
    }
  });

  it('from version 5: keeps every device and link, adds the notification tables', async () => {
    const pool = await emptySchemaPool('notifmig');
    try {
      await migratePostgres(pool, PG_MIGRATIONS.filter((m) => m.version < 6));
      const auth = createAuth(createPostgresMembershipStore(pool));
      const created = await auth.createWorkspace({ name: 'W', memberName: 'Ada' });
      const { workspaceId, member } = created;
      const link = await auth.createDeviceLink(workspaceId, member.memberId);
      const phone = await auth.redeemDeviceLink(workspaceId, link.secret, 'Phone');
      expect(await migratePostgres(pool)).toEqual([6, 7, 8]);
      expect(await auth.authenticate(created.token)).toMatchObject({ memberId: member.memberId, deviceId: 'first' });
      expect(await auth.authenticate(phone.token)).toMatchObject({ memberId: member.memberId, deviceId: phone.device.deviceId });
      expect((await auth.listDevices(workspaceId, member.memberId)).map((d) => d.name)).toEqual(['First device', 'Phone']);
      await expectNotificationTables(pool, workspaceId, member.memberId);
      expect(await migratePostgres(pool)).toEqual([]);
    } finally {
      await pool.end();
    }
  });

  it('from version 6: keeps subscriptions and addresses (their language unknown: English), then records languages', async () => {
    const pool = await emptySchemaPool('localemig');
    try {
      await migratePostgres(pool, PG_MIGRATIONS.filter((m) => m.version < 7));
      await pool.query("INSERT INTO push_subscriptions VALUES ('w1/ada/first', 'w1', 'ada', 'https://push.example/1', 'p', 'a', 7)");
      await pool.query("INSERT INTO member_emails (workspace_id, member_id, email, confirmed_at) VALUES ('w1', 'ada', 'ada@example.org', 8)");
      expect(await migratePostgres(pool)).toEqual([7, 8]);
      const notifications = createPostgresNotificationStore(pool);
      expect(await notifications.getSubscription('w1/ada/first')).toMatchObject({ endpoint: 'https://push.example/1', locale: null });
      expect(await notifications.getEmail('w1', 'ada')).toMatchObject({ email: 'ada@example.org', confirmedAt: 8, locale: null });
      await notifications.setLocale('w1/ada/first', { workspaceId: 'w1', memberId: 'ada' }, 'es');
      expect((await notifications.getSubscription('w1/ada/first'))?.locale).toBe('es');
      expect((await notifications.getEmail('w1', 'ada'))?.locale).toBe('es');
    } finally {
      await pool.end();
    }
  });
});

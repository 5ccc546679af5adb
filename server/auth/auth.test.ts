import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type SqliteDatabase } from '../database.ts';
import { AuthError, createAuth, mayRead, type Auth } from './auth.ts';
import { hashSecret } from './secrets.ts';
import { createSqliteMembershipStore } from './sqlite.ts';
import type { MemberEvent } from './types.ts';

describe('auth over the SQLite membership store', () => {
  let db: SqliteDatabase;
  let auth: Auth;
  beforeEach(() => {
    db = openDatabase(':memory:');
    auth = createAuth(createSqliteMembershipStore(db));
  });
  afterEach(() => db.close());

  it('stores tokens and invite secrets only as SHA-256 hashes', async () => {
    const created = await auth.createWorkspace({ name: 'W', memberName: 'Ada' });
    const dump = JSON.stringify([db.prepare('SELECT * FROM workspaces').all(), db.prepare('SELECT * FROM members').all()]);
    for (const secret of [created.token, created.invites.editor, created.invites.viewer]) {
      expect(Buffer.from(secret, 'base64url').length).toBeGreaterThanOrEqual(16); // ≥ 128 bits
      expect(dump).not.toContain(secret);
      expect(dump).toContain(hashSecret(secret));
    }
  });

  it('authenticates members; unknown, malformed and revoked tokens are null', async () => {
    const created = await auth.createWorkspace({ name: 'W', memberName: 'Ada' });
    const joined = await auth.join(created.workspaceId, created.invites.viewer, 'Vic');
    expect(await auth.authenticate(joined.token)).toMatchObject({ workspaceId: created.workspaceId, role: 'viewer', name: 'Vic' });
    expect(await auth.authenticate('nope')).toBeNull();
    expect(await auth.authenticate(undefined)).toBeNull();
    expect(await auth.authenticate('x'.repeat(10_000))).toBeNull();
    await auth.revokeMember(created.workspaceId, joined.member.memberId);
    expect(await auth.authenticate(joined.token)).toBeNull();
  });

  it('rotating invites invalidates the old ones and keeps members', async () => {
    const created = await auth.createWorkspace({ name: 'W', memberName: 'Ada' });
    const fresh = await auth.rotateInvites(created.workspaceId);
    await expect(auth.join(created.workspaceId, created.invites.editor, 'X')).rejects.toMatchObject({ kind: 'forbidden' });
    await expect(auth.join(created.workspaceId, fresh.editor, 'X')).resolves.toMatchObject({ member: { role: 'editor' } });
    expect(await auth.authenticate(created.token)).not.toBeNull();
  });

  it('emits revoked and updated events; keeps at least one admin', async () => {
    const events: MemberEvent[] = [];
    auth.onMemberEvent((e) => events.push(e));
    const created = await auth.createWorkspace({ name: 'W', memberName: 'Ada' });
    const e = await auth.join(created.workspaceId, created.invites.editor, 'Ed');
    await auth.updateMember(created.workspaceId, e.member.memberId, { coordinator: true });
    await auth.updateMember(created.workspaceId, e.member.memberId, { name: 'Eddie' });
    await auth.updateMember(created.workspaceId, e.member.memberId, { name: 'Eddie' }); // no change: no event
    await auth.revokeMember(created.workspaceId, e.member.memberId);
    expect(events).toEqual([
      { type: 'updated', workspaceId: created.workspaceId, memberId: e.member.memberId, role: 'editor', coordinator: true, name: 'Ed' },
      { type: 'updated', workspaceId: created.workspaceId, memberId: e.member.memberId, role: 'editor', coordinator: true, name: 'Eddie' },
      { type: 'revoked', workspaceId: created.workspaceId, memberId: e.member.memberId }
    ]);
    await expect(auth.revokeMember(created.workspaceId, created.member.memberId)).rejects.toBeInstanceOf(AuthError);
    await expect(auth.updateMember(created.workspaceId, created.member.memberId, { role: 'viewer' })).rejects.toMatchObject({ kind: 'conflict' });
  });

  it('private documents: admins and coordinators only', () => {
    expect(mayRead({ memberId: 'm1', role: 'editor', coordinator: false }, 'private-contacts')).toBe(false);
    expect(mayRead({ memberId: 'm1', role: 'viewer', coordinator: true }, 'private-contacts')).toBe(true);
    expect(mayRead({ memberId: 'm1', role: 'admin', coordinator: false }, 'private-contacts')).toBe(true);
    expect(mayRead({ memberId: 'm1', role: 'viewer', coordinator: false }, 'agenda')).toBe(true);
  });

  it('a member’s private document (issue 24): that member only — no admin, no coordinator', () => {
    expect(mayRead({ memberId: 'm1', role: 'viewer', coordinator: false }, 'member-private-m1')).toBe(true);
    expect(mayRead({ memberId: 'm2', role: 'admin', coordinator: true }, 'member-private-m1')).toBe(false);
    expect(mayRead({ memberId: 'm2', role: 'editor', coordinator: true }, 'member-private-m1')).toBe(false);
    // A needs board called "member-m1" keeps its own rule (its private document starts with "private-").
    expect(mayRead({ memberId: 'm1', role: 'editor', coordinator: false }, 'private-member-m1')).toBe(false);
  });
});

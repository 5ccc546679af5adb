/**
 * The membership store acceptance suite: every MembershipStore adapter runs it (SQLite and
 * PostgreSQL), as DocumentStore adapters run server/store/acceptance.ts. It checks the store
 * alone (rows in, rows out); the rules on top (hashing, roles, the last admin) are auth.ts's
 * and are tested in auth.test.ts and postgres.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MemberRecord, MembershipStore, WorkspaceRecord } from './types.ts';

/** What an adapter under test provides. */
export interface MembershipStoreFixture {
  store: MembershipStore;
  /** Another store over the same data (another process or instance). */
  second(): Promise<MembershipStore>;
  teardown(): Promise<void>;
}

const workspace = (id: string): WorkspaceRecord => ({ id, name: `Workspace ${id}`, editorInviteHash: `e-${id}`, viewerInviteHash: `v-${id}`, createdAt: 1000 });
const member = (workspaceId: string, id: string, patch: Partial<MemberRecord> = {}): MemberRecord => ({
  id,
  workspaceId,
  name: `Member ${id}`,
  role: 'editor',
  coordinator: false,
  tokenHash: `t-${workspaceId}-${id}`,
  publicKey: null,
  joinedAt: 2000,
  revokedAt: null,
  ...patch
});

/** Run the acceptance suite for one adapter. */
export function runMembershipStoreTests(name: string, setup: () => Promise<MembershipStoreFixture>): void {
  describe(`MembershipStore acceptance: ${name}`, () => {
    let fx: MembershipStoreFixture;
    let s: MembershipStore;
    beforeEach(async () => {
      fx = await setup();
      s = fx.store;
    });
    afterEach(async () => {
      await fx.teardown();
    });

    it('creates a workspace with its first member and reads both back', async () => {
      const admin = member('w1', 'ada', { role: 'admin' });
      await s.createWorkspace(workspace('w1'), admin);
      expect(await s.getWorkspace('w1')).toEqual(workspace('w1'));
      expect(await s.getMember('w1', 'ada')).toEqual(admin);
      expect(await s.findMemberByTokenHash(admin.tokenHash)).toEqual(admin);
      expect(await s.getWorkspace('nope')).toBeNull();
      expect(await s.getMember('w1', 'nope')).toBeNull();
      expect(await s.findMemberByTokenHash('nope')).toBeNull();
    });

    it('creating a workspace is atomic: a first member that cannot be stored leaves no workspace', async () => {
      await s.createWorkspace(workspace('w1'), member('w1', 'ada'));
      // Same token hash as an existing member: refused, and the workspace is not left behind.
      await expect(s.createWorkspace(workspace('w2'), member('w2', 'ben', { tokenHash: 't-w1-ada' }))).rejects.toThrow();
      expect(await s.getWorkspace('w2')).toBeNull();
    });

    it('lists members in join order, revoked ones included; ties keep insertion order', async () => {
      await s.createWorkspace(workspace('w1'), member('w1', 'ada', { joinedAt: 5 }));
      await s.addMember(member('w1', 'cleo', { joinedAt: 7 }));
      await s.addMember(member('w1', 'ben', { joinedAt: 7, revokedAt: 9, role: 'viewer' }));
      await s.createWorkspace(workspace('w2'), member('w2', 'dan'));
      expect((await s.listMembers('w1')).map((m) => m.id)).toEqual(['ada', 'cleo', 'ben']);
      expect((await s.getMember('w1', 'ben'))!).toMatchObject({ revokedAt: 9, role: 'viewer' });
    });

    it('patches only the fields given; null clears a key; unknown members are null', async () => {
      await s.createWorkspace(workspace('w1'), member('w1', 'ada'));
      expect(await s.updateMember('w1', 'ada', { coordinator: true })).toMatchObject({ coordinator: true, name: 'Member ada', role: 'editor' });
      expect(await s.updateMember('w1', 'ada', { publicKey: 'k1', name: 'Ada' })).toMatchObject({ publicKey: 'k1', name: 'Ada', coordinator: true });
      expect(await s.updateMember('w1', 'ada', { role: 'admin', publicKey: null })).toMatchObject({ role: 'admin', publicKey: null, name: 'Ada' });
      expect(await s.getMember('w1', 'ada')).toMatchObject({ role: 'admin', publicKey: null, name: 'Ada', coordinator: true });
      expect(await s.updateMember('w1', 'nope', { name: 'X' })).toBeNull();
    });

    it('revokes once; a revoked member is still found by token (callers check)', async () => {
      await s.createWorkspace(workspace('w1'), member('w1', 'ada'));
      expect(await s.revokeMember('w1', 'ada', 42)).toBe(true);
      expect(await s.revokeMember('w1', 'ada', 43)).toBe(false);
      expect(await s.revokeMember('w1', 'nope', 43)).toBe(false);
      expect(await s.findMemberByTokenHash('t-w1-ada')).toMatchObject({ revokedAt: 42 });
    });

    it('renames a workspace and replaces its invite hashes', async () => {
      await s.createWorkspace(workspace('w1'), member('w1', 'ada'));
      await s.renameWorkspace('w1', 'Elm Street');
      await s.setInviteHashes('w1', 'e2', 'v2');
      expect(await s.getWorkspace('w1')).toMatchObject({ name: 'Elm Street', editorInviteHash: 'e2', viewerInviteHash: 'v2' });
    });

    it('keeps every signing key once, oldest first, per workspace', async () => {
      await s.createWorkspace(workspace('w1'), member('w1', 'ada'));
      await s.addMember(member('w1', 'ben'));
      await s.addMemberKey('w1', 'ada', 'k1', 10);
      await s.addMemberKey('w1', 'ben', 'k2', 20);
      await s.addMemberKey('w1', 'ada', 'k1', 30); // again: nothing changes
      await s.addMemberKey('w1', 'ada', 'k3', 20);
      expect(await s.listMemberKeys('w1')).toEqual([
        { memberId: 'ada', publicKey: 'k1', addedAt: 10 },
        { memberId: 'ben', publicKey: 'k2', addedAt: 20 },
        { memberId: 'ada', publicKey: 'k3', addedAt: 20 }
      ]);
    });

    it('a server secret is made once, whoever asks first, and kept', async () => {
      let made = 0;
      const make = () => `secret-${++made}`;
      const [a, b] = await Promise.all([s.serverSecret('code', make), s.serverSecret('code', make)]);
      expect(a).toBe(b);
      expect(await s.serverSecret('code', () => 'other')).toBe(a);
      expect(await (await fx.second()).serverSecret('code', () => 'other')).toBe(a);
    });

    it('deletes a workspace with its members and keys, and nothing else', async () => {
      await s.createWorkspace(workspace('w1'), member('w1', 'ada'));
      await s.addMemberKey('w1', 'ada', 'k1', 10);
      await s.createWorkspace(workspace('w2'), member('w2', 'ben'));
      await s.deleteWorkspace('w1');
      expect(await s.getWorkspace('w1')).toBeNull();
      expect(await s.listMembers('w1')).toEqual([]);
      expect(await s.listMemberKeys('w1')).toEqual([]);
      expect(await s.findMemberByTokenHash('t-w1-ada')).toBeNull();
      expect(await s.getMember('w2', 'ben')).not.toBeNull();
      // The same ids can be created again (a restore).
      await s.createWorkspace(workspace('w1'), member('w1', 'ada'));
      expect(await s.getMember('w1', 'ada')).not.toBeNull();
    });

    it('another store over the same data sees every change (another instance)', async () => {
      await s.createWorkspace(workspace('w1'), member('w1', 'ada'));
      const other = await fx.second();
      await other.addMember(member('w1', 'ben'));
      await other.revokeMember('w1', 'ada', 5);
      expect((await s.listMembers('w1')).map((m) => [m.id, m.revokedAt])).toEqual([
        ['ada', 5],
        ['ben', null]
      ]);
    });
  });
}

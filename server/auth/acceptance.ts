/**
 * The membership store acceptance suite: every MembershipStore adapter runs it (SQLite and
 * PostgreSQL), as DocumentStore adapters run server/store/acceptance.ts. It checks the store
 * alone (rows in, rows out); the rules on top (hashing, roles, the last admin) are auth.ts's
 * and are tested in auth.test.ts and postgres.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIRST_DEVICE_ID, FIRST_DEVICE_NAME, type DeviceRecord, type MemberRecord, type MembershipStore, type WorkspaceRecord } from './types.ts';

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

const device = (workspaceId: string, memberId: string, id: string, patch: Partial<DeviceRecord> = {}): DeviceRecord => ({
  workspaceId,
  memberId,
  id,
  name: `Device ${id}`,
  tokenHash: `d-${id}`,
  createdAt: 3000,
  lastSeenAt: null,
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

    it('every new member gets a first device holding their token; devices are found by token with their member', async () => {
      const ada = member('w1', 'ada', { joinedAt: 5 });
      await s.createWorkspace(workspace('w1'), ada);
      await s.addMember(member('w1', 'ben', { joinedAt: 6 }));
      expect(await s.listDevices('w1', 'ada')).toEqual([
        { workspaceId: 'w1', memberId: 'ada', id: FIRST_DEVICE_ID, name: FIRST_DEVICE_NAME, tokenHash: 't-w1-ada', createdAt: 5, lastSeenAt: null, revokedAt: null }
      ]);
      const laptop = device('w1', 'ada', 'laptop', { createdAt: 9 });
      await s.addDevice(laptop);
      expect(await s.findDeviceByTokenHash('d-laptop')).toEqual({ device: laptop, member: ada });
      expect((await s.findDeviceByTokenHash('t-w1-ben'))?.member.id).toBe('ben');
      expect(await s.findDeviceByTokenHash('nope')).toBeNull();
      expect((await s.listDevices('w1', 'ada')).map((d) => d.id)).toEqual([FIRST_DEVICE_ID, 'laptop']);
      // A token hash is one device's only.
      await expect(s.addDevice(device('w1', 'ben', 'x', { tokenHash: 'd-laptop' }))).rejects.toThrow();
    });

    it('renames and revokes one device; last seen moves only when stale', async () => {
      await s.createWorkspace(workspace('w1'), member('w1', 'ada'));
      await s.addDevice(device('w1', 'ada', 'phone'));
      expect(await s.renameDevice('w1', 'ada', 'phone', "Ada's phone")).toBe(true);
      expect(await s.renameDevice('w1', 'ada', 'nope', 'x')).toBe(false);
      expect(await s.revokeDevice('w1', 'ada', 'phone', 50)).toBe(true);
      expect(await s.revokeDevice('w1', 'ada', 'phone', 51)).toBe(false);
      await s.touchDevice('t-w1-ada', 100, 100);
      await s.touchDevice('t-w1-ada', 120, 90); // seen at 100, not stale before 90: unchanged
      const [first, phone] = await s.listDevices('w1', 'ada');
      expect(first).toMatchObject({ lastSeenAt: 100, revokedAt: null });
      expect(phone).toMatchObject({ name: "Ada's phone", revokedAt: 50 });
      expect((await s.findDeviceByTokenHash('d-phone'))?.device.revokedAt).toBe(50);
    });

    it('a device link is used once, never after it expires', async () => {
      await s.createWorkspace(workspace('w1'), member('w1', 'ada'));
      const link = { secretHash: 'l1', workspaceId: 'w1', memberId: 'ada', createdAt: 10, expiresAt: 100, usedAt: null };
      await s.addDeviceLink(link);
      await s.addDeviceLink({ ...link, secretHash: 'l2' });
      expect(await s.getDeviceLink('l1')).toEqual(link);
      const [a, b] = await Promise.all([s.useDeviceLink('l1', 50), (await fx.second()).useDeviceLink('l1', 50)]);
      expect([a, b].filter(Boolean)).toHaveLength(1);
      expect(await s.getDeviceLink('l1')).toMatchObject({ usedAt: 50 });
      expect(await s.useDeviceLink('l2', 100)).toBe(false);
      expect(await s.getDeviceLink('l2')).toMatchObject({ usedAt: null });
      expect(await s.getDeviceLink('nope')).toBeNull();
    });

    it('a ticket is taken once; expired ones are forgotten when new ones are added', async () => {
      await s.addTicket('k1', 'tok', 100, 0);
      await s.addTicket('k2', 'tok', 200, 0);
      const [a, b] = await Promise.all([s.takeTicket('k1'), (await fx.second()).takeTicket('k1')]);
      expect([a, b].filter(Boolean)).toEqual([{ tokenHash: 'tok', expiresAt: 100 }]);
      await s.addTicket('k3', 'tok', 400, 300); // k2 expired at 200: gone
      expect(await s.takeTicket('k2')).toBeNull();
      expect(await s.takeTicket('k3')).toEqual({ tokenHash: 'tok', expiresAt: 400 });
    });

    it('lists workspaces with their active members and latest device sighting', async () => {
      await s.createWorkspace(workspace('w1'), member('w1', 'ada'));
      await s.addMember(member('w1', 'ben'));
      await s.addMember(member('w1', 'cy', { revokedAt: 3 }));
      await s.createWorkspace({ ...workspace('w2'), createdAt: 2000 }, member('w2', 'dan'));
      await s.touchDevice('t-w1-ben', 700, 700);
      expect(await s.listWorkspaces()).toEqual([
        { id: 'w1', name: 'Workspace w1', createdAt: 1000, members: 2, lastSeenAt: 700 },
        { id: 'w2', name: 'Workspace w2', createdAt: 2000, members: 1, lastSeenAt: null }
      ]);
    });

    it('deleting a workspace removes its devices and links', async () => {
      await s.createWorkspace(workspace('w1'), member('w1', 'ada'));
      await s.addDevice(device('w1', 'ada', 'phone'));
      await s.addDeviceLink({ secretHash: 'l1', workspaceId: 'w1', memberId: 'ada', createdAt: 1, expiresAt: 2, usedAt: null });
      await s.deleteWorkspace('w1');
      expect(await s.findDeviceByTokenHash('d-phone')).toBeNull();
      expect(await s.getDeviceLink('l1')).toBeNull();
      await s.createWorkspace(workspace('w1'), member('w1', 'ada'));
      expect((await s.listDevices('w1', 'ada')).map((d) => d.id)).toEqual([FIRST_DEVICE_ID]);
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

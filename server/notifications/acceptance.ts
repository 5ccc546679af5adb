/**
 * The notification store acceptance suite: SQLite and PostgreSQL run it (as the other stores
 * run theirs), so exactly-once recording and claiming behave the same on both.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewOutboxRow, NotificationStore } from './types.ts';

export interface NotificationStoreFixture {
  store: NotificationStore;
  /** Another store over the same data (another instance). */
  second(): Promise<NotificationStore>;
  teardown(): Promise<void>;
}

const content = { kind: 'proposal-opened', title: 'Elm Street', body: 'Open for your vote: Paint', url: '/w/ws1/d/d1#block-b1' };
function row(eventKey: string, memberId = 'm1', target: NewOutboxRow['target'] = 'push:dev1', extra: Partial<NewOutboxRow> = {}): NewOutboxRow {
  return { eventKey, workspaceId: 'ws1', memberId, target, content, state: 'pending', createdAt: 1000, nextAt: 1000, ...extra };
}
const sub = (deviceKey: string, memberId = 'm1') => ({ deviceKey, workspaceId: 'ws1', memberId, endpoint: `https://push.example/${deviceKey}`, p256dh: 'p', auth: 'a', createdAt: 5, locale: null });

export function runNotificationStoreTests(name: string, setup: () => Promise<NotificationStoreFixture>): void {
  describe(`NotificationStore acceptance: ${name}`, () => {
    let fx: NotificationStoreFixture;
    beforeEach(async () => {
      fx = await setup();
    });
    afterEach(async () => {
      await fx.teardown();
    });

    it('keeps one push subscription per device, replaced by a new one, listed per member', async () => {
      await fx.store.putSubscription(sub('dev1'));
      await fx.store.putSubscription({ ...sub('dev1'), endpoint: 'https://push.example/new' });
      await fx.store.putSubscription(sub('dev2'));
      await fx.store.putSubscription(sub('dev3', 'm2'));
      expect((await fx.store.getSubscription('dev1'))?.endpoint).toBe('https://push.example/new');
      expect((await fx.store.listSubscriptions('ws1', 'm1')).map((s) => s.deviceKey)).toEqual(['dev1', 'dev2']);
      expect((await fx.store.subscriptionsAt('https://push.example/new')).map((s) => s.deviceKey)).toEqual(['dev1']);
      expect(await fx.store.subscriptionsAt('https://push.example/none')).toEqual([]);
    });

    it("keeps each device's language and the member's mail language; a language change touches only what exists", async () => {
      await fx.store.putSubscription({ ...sub('dev1'), locale: 'es' });
      await fx.store.putSubscription(sub('dev2'));
      expect((await fx.store.listSubscriptions('ws1', 'm1')).map((s) => [s.deviceKey, s.locale])).toEqual([['dev1', 'es'], ['dev2', null]]);
      await fx.store.setLocale('dev2', { workspaceId: 'ws1', memberId: 'm1' }, 'en');
      await fx.store.setLocale('nodevice', null, 'es');
      expect((await fx.store.listSubscriptions('ws1', 'm1')).map((s) => [s.deviceKey, s.locale])).toEqual([['dev1', 'es'], ['dev2', 'en']]);
      expect(await fx.store.getEmail('ws1', 'm1')).toBeNull();
      await fx.store.setEmail('ws1', 'm1', 'ana@example.org', 'h1', 2000, null);
      await fx.store.setLocale('dev1', { workspaceId: 'ws1', memberId: 'm1' }, 'es');
      expect((await fx.store.getEmail('ws1', 'm1'))?.locale).toBe('es');
      expect((await fx.store.getSubscription('dev1'))?.locale).toBe('es');
    });

    it('records a notification once per event, member and target, also from another instance', async () => {
      const other = await fx.second();
      expect(await fx.store.record([row('e1'), row('e1', 'm2'), row('e1', 'm1', 'email')])).toBe(3);
      expect(await other.record([row('e1'), row('e2')])).toBe(1);
      expect(await fx.store.record([row('e1', 'm2')])).toBe(0);
      expect((await fx.store.listOutbox('ws1')).length).toBe(4);
    });

    it('hands each due row to one claimer; an unfinished claim is claimed again after its lease', async () => {
      const other = await fx.second();
      await fx.store.record([row('e1'), row('e2'), row('e3', 'm1', 'push:dev1', { nextAt: 5000 })]);
      const [a, b] = await Promise.all([fx.store.claimDue(2000, 10, 100), other.claimDue(2000, 10, 100)]);
      expect([...a, ...b].map((r) => r.eventKey).sort()).toEqual(['e1', 'e2']);
      expect(await other.claimDue(2050, 10, 100)).toEqual([]);
      const again = await other.claimDue(2101, 10, 100);
      expect(again.map((r) => [r.eventKey, r.attempts])).toEqual([
        ['e1', 2],
        ['e2', 2]
      ]);
      await other.finish(again[0].id, { state: 'sent', at: 2102 });
      await other.finish(again[1].id, { state: 'pending', nextAt: 9000, error: 'push service said 503' });
      expect(await fx.store.claimDue(8999, 10, 100)).toMatchObject([{ eventKey: 'e3', content }]);
      const rows = await fx.store.listOutbox('ws1', 'm1');
      expect(rows.find((r) => r.eventKey === 'e1')).toMatchObject({ state: 'sent', sentAt: 2102 });
      expect(rows.find((r) => r.eventKey === 'e2')).toMatchObject({ state: 'pending', lastError: 'push service said 503', nextAt: 9000 });
    });

    it('ends a row as failed or dropped with the reason', async () => {
      await fx.store.record([row('e1')]);
      const [r] = await fx.store.claimDue(1000, 1, 100);
      await fx.store.finish(r.id, { state: 'failed', error: 'gave up after 24 hours' });
      expect((await fx.store.listOutbox('ws1'))[0]).toMatchObject({ state: 'failed', lastError: 'gave up after 24 hours' });
      expect(await fx.store.claimDue(1_000_000, 1, 100)).toEqual([]);
    });

    it('bundles held rows into one digest per period', async () => {
      const other = await fx.second();
      await fx.store.record([row('e1', 'm1', 'email', { state: 'held' }), row('e2', 'm1', 'email', { state: 'held' })]);
      expect(await fx.store.membersWithHeld()).toEqual([{ workspaceId: 'ws1', memberId: 'm1' }]);
      const held = await fx.store.heldRows('ws1', 'm1');
      expect(held.map((r) => r.eventKey)).toEqual(['e1', 'e2']);
      const digest = row('digest:daily:2026-11-30', 'm1', 'email');
      const ids = held.map((r) => r.id);
      const [one, two] = await Promise.all([fx.store.bundleDigest(digest, ids), other.bundleDigest(digest, ids)]);
      expect([one, two].sort()).toEqual([false, true]);
      expect(await fx.store.heldRows('ws1', 'm1')).toEqual([]);
      expect((await fx.store.listOutbox('ws1')).map((r) => [r.eventKey, r.state])).toEqual([
        ['digest:daily:2026-11-30', 'pending'],
        ['e2', 'digested'],
        ['e1', 'digested']
      ]);
    });

    it('confirms an email address once, with an unexpired secret', async () => {
      await fx.store.setEmail('ws1', 'm1', 'ana@example.org', 'h1', 2000, 'es');
      expect(await fx.store.getEmail('ws1', 'm1')).toEqual({ workspaceId: 'ws1', memberId: 'm1', email: 'ana@example.org', confirmedAt: null, locale: 'es' });
      expect(await fx.store.confirmEmail('h1', 2001)).toBeNull();
      await fx.store.setEmail('ws1', 'm1', 'ana@example.org', 'h2', 3000, null);
      expect(await fx.store.confirmEmail('h1', 1000)).toBeNull();
      expect(await fx.store.confirmEmail('h2', 2500)).toEqual({ workspaceId: 'ws1', memberId: 'm1' });
      expect(await fx.store.confirmEmail('h2', 2500)).toBeNull();
      expect((await fx.store.getEmail('ws1', 'm1'))?.confirmedAt).toBe(2500);
    });

    it('forgets a removed member and a revoked device, dropping what was still to send', async () => {
      await fx.store.putSubscription(sub('dev1'));
      await fx.store.putSubscription(sub('dev2'));
      await fx.store.putSubscription(sub('dev9', 'm2'));
      await fx.store.setPrefs('ws1', 'm1', { push: false });
      await fx.store.setEmail('ws1', 'm1', 'ana@example.org', 'h1', 2000, null);
      await fx.store.record([row('e1', 'm1', 'push:dev2'), row('e1', 'm2', 'push:dev9'), row('e2', 'm1', 'email', { state: 'held' })]);
      await fx.store.deleteSubscription('dev2');
      expect((await fx.store.listSubscriptions('ws1', 'm1')).map((s) => s.deviceKey)).toEqual(['dev1']);
      expect((await fx.store.listOutbox('ws1', 'm1')).find((r) => r.eventKey === 'e1')?.state).toBe('dropped');
      await fx.store.forgetMember('ws1', 'm1');
      expect(await fx.store.listSubscriptions('ws1', 'm1')).toEqual([]);
      expect(await fx.store.getEmail('ws1', 'm1')).toBeNull();
      expect(await fx.store.getPrefs('ws1', 'm1')).toBeNull();
      expect((await fx.store.listOutbox('ws1', 'm1')).map((r) => r.state)).toEqual(['dropped', 'dropped']);
      expect((await fx.store.listOutbox('ws1', 'm2'))[0].state).toBe('pending');
      expect(await fx.store.listSubscriptions('ws1', 'm2')).toHaveLength(1);
    });

    it('keeps preferences as saved', async () => {
      expect(await fx.store.getPrefs('ws1', 'm1')).toBeNull();
      await fx.store.setPrefs('ws1', 'm1', { push: false, timeZone: 'Europe/Berlin' });
      expect(await (await fx.second()).getPrefs('ws1', 'm1')).toEqual({ push: false, timeZone: 'Europe/Berlin' });
    });

    it('lists documents whose wake time has come', async () => {
      await fx.store.setWake('ws1', 'd1', 100);
      await fx.store.setWake('ws1', 'd2', 300);
      await fx.store.setWake('ws1', 'd3', 50);
      await fx.store.setWake('ws1', 'd3', null);
      expect(await fx.store.dueWakes(200, 10)).toEqual([{ workspaceId: 'ws1', docId: 'd1' }]);
      await fx.store.setWake('ws1', 'd1', 400);
      expect(await fx.store.dueWakes(350, 10)).toEqual([{ workspaceId: 'ws1', docId: 'd2' }]);
    });
  });
}

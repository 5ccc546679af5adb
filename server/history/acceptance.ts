/**
 * The version store acceptance suite: every VersionStore adapter runs it (as DocumentStore
 * adapters run server/store/acceptance.ts), so SQLite and PostgreSQL keep the same behaviour.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VersionReason } from '#shared/history/versions';
import { MAX_AUTO_VERSIONS, MAX_VERSIONS_PER_AUTHOR, type StoredVersion, type VersionStore } from './store.ts';

/** What an adapter under test provides. */
export interface VersionStoreFixture {
  store: VersionStore;
  /** Another store over the same data (another process or instance). */
  second(): Promise<VersionStore>;
  teardown(): Promise<void>;
}

let seq = 0;
/** A version of `docId` at `createdAt` with a few bytes of state. */
function version(docId: string, createdAt: number, reason: VersionReason = 'named', actor: string | null = 'ada', workspaceId = 'ws1'): StoredVersion {
  const state = Uint8Array.from([1, 2, 3, createdAt % 256, ++seq % 256]);
  return { id: `v${seq}-${createdAt}`, workspaceId, docId, createdAt, reason, name: reason === 'auto' ? null : `at ${createdAt}`, actor: reason === 'auto' ? null : actor, size: state.byteLength, state };
}
const withoutState = ({ state: _s, workspaceId: _w, ...info }: StoredVersion) => info;

/** Run the acceptance suite for one adapter. */
export function runVersionStoreTests(name: string, setup: () => Promise<VersionStoreFixture>): void {
  describe(`VersionStore acceptance: ${name}`, () => {
    let fx: VersionStoreFixture;
    beforeEach(async () => {
      fx = await setup();
    });
    afterEach(async () => {
      await fx.teardown();
    });

    it('an unknown document has no versions', async () => {
      expect(await fx.store.list('ws1', 'nothing')).toEqual([]);
      expect(await fx.store.latestAt('ws1', 'nothing')).toBeNull();
      expect(await fx.store.get('ws1', 'nothing', 'v1')).toBeNull();
    });

    it('lists newest first and gives a version back byte for byte', async () => {
      const [a, b, c] = [version('agenda', 1000), version('agenda', 3000, 'auto'), version('agenda', 2000, 'proposal-closed')];
      for (const v of [a, b, c]) await fx.store.add(v);
      expect(await fx.store.list('ws1', 'agenda')).toEqual([b, c, a].map(withoutState));
      expect(await fx.store.get('ws1', 'agenda', c.id)).toEqual({ ...c, state: c.state });
      expect(Array.from((await fx.store.get('ws1', 'agenda', a.id))!.state)).toEqual(Array.from(a.state));
      expect(await fx.store.latestAt('ws1', 'agenda')).toBe(3000);
    });

    it('keeps documents and workspaces apart', async () => {
      const mine = version('agenda', 1000);
      const otherDoc = version('minutes', 1000);
      const otherWorkspace = version('agenda', 1000, 'named', 'ada', 'ws2');
      for (const v of [mine, otherDoc, otherWorkspace]) await fx.store.add(v);
      expect((await fx.store.list('ws1', 'agenda')).map((v) => v.id)).toEqual([mine.id]);
      expect(await fx.store.get('ws1', 'agenda', otherDoc.id)).toBeNull();
      expect(await fx.store.get('ws1', 'agenda', otherWorkspace.id)).toBeNull();
    });

    it(`keeps the newest ${MAX_AUTO_VERSIONS} automatic versions of a document`, async () => {
      const named = version('agenda', 0);
      await fx.store.add(named);
      for (let i = 1; i <= MAX_AUTO_VERSIONS + 2; i++) await fx.store.add(version('agenda', i, 'auto'));
      const list = await fx.store.list('ws1', 'agenda');
      const autos = list.filter((v) => v.reason === 'auto');
      expect(autos).toHaveLength(MAX_AUTO_VERSIONS);
      expect(Math.min(...autos.map((v) => v.createdAt))).toBe(3);
      expect(list.some((v) => v.id === named.id)).toBe(true);
    }, 60_000);

    it(`keeps the newest ${MAX_VERSIONS_PER_AUTHOR} other versions per author (unknown authors counted together)`, async () => {
      for (let i = 1; i <= MAX_VERSIONS_PER_AUTHOR + 1; i++) await fx.store.add(version('agenda', i, 'named', 'ada'));
      await fx.store.add(version('agenda', 500, 'named', 'ben'));
      await fx.store.add(version('agenda', 501, 'meeting-ended', null));
      const list = await fx.store.list('ws1', 'agenda');
      const ada = list.filter((v) => v.actor === 'ada');
      expect(ada).toHaveLength(MAX_VERSIONS_PER_AUTHOR);
      expect(Math.min(...ada.map((v) => v.createdAt))).toBe(2);
      expect(list.filter((v) => v.actor !== 'ada').map((v) => v.createdAt).sort()).toEqual([500, 501]);
    }, 60_000);

    it('lists a whole workspace oldest first with content, and deletes a whole workspace', async () => {
      const vs = [version('b', 30), version('a', 10, 'auto'), version('a', 20), version('a', 5, 'named', 'ada', 'ws2')];
      for (const v of vs) await fx.store.add(v);
      const all = await fx.store.listWorkspace('ws1');
      expect(all.map((v) => v.createdAt)).toEqual([10, 20, 30]);
      expect(all.map((v) => Array.from(v.state))).toEqual([vs[1], vs[2], vs[0]].map((v) => Array.from(v.state)));
      await fx.store.deleteWorkspace('ws1');
      expect(await fx.store.listWorkspace('ws1')).toEqual([]);
      expect((await fx.store.listWorkspace('ws2')).map((v) => v.id)).toEqual([vs[3].id]);
    });

    it('another store over the same data lists the same versions (another instance)', async () => {
      const v = version('agenda', 1000);
      await fx.store.add(v);
      const other = await fx.second();
      expect(await other.list('ws1', 'agenda')).toEqual([withoutState(v)]);
      const w = version('agenda', 2000, 'auto');
      await other.add(w);
      expect((await fx.store.list('ws1', 'agenda')).map((x) => x.id)).toEqual([w.id, v.id]);
    });
  });
}

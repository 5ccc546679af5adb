import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { isGroupDoc, isReservedDocId, reservedDocRoute } from './reserved-docs';
import {
  ModelError,
  addCatalogueEntry,
  addMember,
  getCatalogue,
  getMembers,
  readCatalogue,
  readMembers,
  readSettings,
  removeMember,
  renameCatalogueEntry,
  setArchived,
  updateMember,
  updateSettings,
  type Actor
} from './index';

const act = (memberId: string, at = 1000): Actor => ({ memberId, at });

describe('workspace index', () => {
  it('catalogue: add, rename, archive', () => {
    const index = new Y.Doc();
    addCatalogueEntry(index, { id: 'agenda-1', kind: 'agenda', title: 'March meeting' }, act('ana', 1));
    addCatalogueEntry(index, { id: 'needs', kind: 'needs', title: 'Needs board' }, act('ana', 2));
    expect(() => addCatalogueEntry(index, { id: 'needs', kind: 'needs', title: 'again' }, act('ana'))).toThrow(ModelError);
    renameCatalogueEntry(index, 'agenda-1', 'March general meeting', act('ana'));
    setArchived(index, 'needs', true, act('ana'));
    expect(readCatalogue(index).value).toEqual([{ id: 'agenda-1', kind: 'agenda', title: 'March general meeting', created: 1, archived: false }]);
    expect(readCatalogue(index, { includeArchived: true }).value).toHaveLength(2);
  });

  it("catalogue: never lists the workspace's own documents (index, pulse totals, private documents)", () => {
    const index = new Y.Doc();
    for (const id of ['index', 'group-pulse', 'private-board-1', 'member-private-ben']) {
      expect(isReservedDocId(id), id).toBe(true);
      expect(() => addCatalogueEntry(index, { id, kind: 'page', title: 'Untitled page' }, act('ana')), id).toThrow(/kept for the workspace/);
    }
    expect(readCatalogue(index).value).toEqual([]);
    // One written by a peer anyway (a stock client, a device from before this rule) is skipped.
    const entry = new Y.Map<unknown>();
    index.getMap('catalogue').set('group-pulse', entry);
    entry.set('kind', 'page');
    expect(readCatalogue(index)).toMatchObject({ value: [], issues: [{ blockId: 'group-pulse' }] });
    for (const id of ['indexes', 'pulse', 'member-private', 'board-private-1']) expect(isReservedDocId(id), id).toBe(false);
    expect(reservedDocRoute('group-pulse')).toBe('work');
    expect(reservedDocRoute('index')).toBeNull();
  });

  it('group documents: pages and the pulse totals, never the index or a private document', () => {
    for (const id of ['agenda-1', 'group-pulse', 'indexes', 'board-private-1']) expect(isGroupDoc(id), id).toBe(true);
    for (const id of ['index', 'private-board-1', 'member-private-ben']) expect(isGroupDoc(id), id).toBe(false);
  });

  it('members: add, update role and public key, remove', () => {
    const index = new Y.Doc();
    addMember(index, { id: 'ana', name: 'Ana', colour: '#c33', role: 'admin' }, act('ana', 5));
    addMember(index, { id: 'ben', name: 'Ben', colour: '#33c', role: 'editor' }, act('ana', 6));
    updateMember(index, 'ben', { role: 'viewer', publicKey: 'AAAA' }, act('ana'));
    expect(readMembers(index).value).toEqual([
      { id: 'ana', name: 'Ana', colour: '#c33', role: 'admin', publicKey: null, joinedAt: 5, coordinator: false },
      { id: 'ben', name: 'Ben', colour: '#33c', role: 'viewer', publicKey: 'AAAA', joinedAt: 6, coordinator: false }
    ]);
    expect(() => updateMember(index, 'ben', { role: 'owner' as never }, act('ana'))).toThrow(/Unknown role/);
    removeMember(index, 'ben', act('ana'));
    expect(readMembers(index).value.map((m) => m.id)).toEqual(['ana']);
  });

  it('settings: defaults are read, not written; updates validated', () => {
    const index = new Y.Doc();
    expect(readSettings(index).value).toEqual({ name: '', workloadNorm: 3, needsRetentionDays: 30, invitesRotatedAt: 0, pulse: false, pulseCadence: 1, viewersMayComment: false });
    expect(index.getMap('settings').size).toBe(0);
    updateSettings(index, { name: 'Eastside Mutual Aid', workloadNorm: 4 }, act('ana'));
    expect(readSettings(index).value).toEqual({ name: 'Eastside Mutual Aid', workloadNorm: 4, needsRetentionDays: 30, invitesRotatedAt: 0, pulse: false, pulseCadence: 1, viewersMayComment: false });
    expect(() => updateSettings(index, { needsRetentionDays: 0 }, act('ana'))).toThrow(ModelError);
    // Viewers may comment only once an admin says so (issue 22).
    updateSettings(index, { viewersMayComment: true }, act('ana'));
    expect(readSettings(index).value.viewersMayComment).toBe(true);
    expect(() => updateSettings(index, { viewersMayComment: 'yes' as never }, act('ana'))).toThrow(ModelError);
  });

  it('malformed entries are skipped with a reason', () => {
    const index = new Y.Doc();
    getCatalogue(index).set('bad', 'x');
    const m = new Y.Map<unknown>();
    getMembers(index).set('eve', m);
    m.set('role', 'overlord');
    index.getMap('settings').set('workloadNorm', 'lots');
    expect(readCatalogue(index).issues[0].reason).toMatch(/not a map/);
    expect(readMembers(index).issues[0].reason).toMatch(/unknown role/);
    expect(readSettings(index)).toMatchObject({ value: { workloadNorm: 3 }, issues: [{ reason: expect.stringMatching(/workloadNorm/) }] });
  });
});

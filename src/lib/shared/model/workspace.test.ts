import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
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

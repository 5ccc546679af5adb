/**
 * Restoring a version first keeps the document as it is now ("before a restore"), so the
 * restore can be undone. When that version cannot be saved, nothing may be restored.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { restoreToVersion, RestoreRefusedError, type HistoryTarget } from './history';
import type { CachedVersion } from '$lib/local/versions';

const target: HistoryTarget = { workspaceId: 'w', docId: 'd', token: () => 'token' };

function versionOf(text: string): CachedVersion {
  const old = new Y.Doc();
  old.getText('t').insert(0, text);
  const update = Y.encodeStateAsUpdate(old);
  return { id: 'v1', docId: 'd', workspaceId: 'w', createdAt: 1, reason: 'named', name: 'old', actor: 'ana', size: update.byteLength, update };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('restoreToVersion', () => {
  it('stops, and says why, when the "before a restore" version cannot be saved', async () => {
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify({ error: 'The server could not save this version.' }), { status: 500 }));
    const doc = new Y.Doc();
    doc.getText('t').insert(0, 'what the group wrote since');
    const before = Y.encodeStateAsUpdate(doc);
    await expect(restoreToVersion(doc, target, versionOf('an old text'), { memberId: 'ana' })).rejects.toBeInstanceOf(RestoreRefusedError);
    await expect(restoreToVersion(doc, target, versionOf('an old text'), { memberId: 'ana' })).rejects.toThrow(/Nothing was restored.*could not be saved as a version first/);
    expect(doc.getText('t').toString()).toBe('what the group wrote since');
    expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
  });

  it('restores once the current state is kept', async () => {
    const saved: unknown[] = [];
    vi.stubGlobal('fetch', async (_url: string, init: RequestInit) => {
      saved.push(JSON.parse(String(init.body)).reason);
      return new Response(JSON.stringify({ version: { id: 'v2', docId: 'd', createdAt: 2, reason: 'before-restore', name: null, actor: 'ana', size: 1 } }), { status: 201 });
    });
    const doc = new Y.Doc();
    doc.getText('t').insert(0, 'what the group wrote since');
    await restoreToVersion(doc, target, versionOf('an old text'), { memberId: 'ana' });
    expect(saved).toEqual(['before-restore']);
  });
});

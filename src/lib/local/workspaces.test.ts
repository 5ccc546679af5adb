import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { DocStorage } from './doc-storage.ts';
import { WorkspaceError } from './errors.ts';
import { openIdbLocalStore } from './store-idb.ts';
import { colourFor, MEMBER_COLOURS, parseInviteLink, Workspaces } from './workspaces.ts';

type Call = { url: string; body: unknown };

/** A fetch that answers from a table and records calls. */
function fakeFetch(answer: (url: string, body: any) => { status: number; body?: unknown } | Error) {
  const calls: Call[] = [];
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    const body = init?.body ? JSON.parse(String(init.body)) : undefined;
    calls.push({ url, body });
    const result = answer(url, body);
    if (result instanceof Error) throw result;
    return new Response(result.body === undefined ? null : JSON.stringify(result.body), { status: result.status });
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

let n = 0;
async function setup(answer: Parameters<typeof fakeFetch>[0]) {
  const store = await openIdbLocalStore({ name: `workspaces-test-${++n}` });
  const storage = new DocStorage(store);
  const { fetch, calls } = fakeFetch(answer);
  return { store, storage, calls, workspaces: new Workspaces({ storage, fetch, apiBase: 'http://relay.test/' }) };
}

const created = {
  workspaceId: 'ws1',
  memberId: 'm-admin',
  token: 'tok-admin',
  role: 'admin',
  invites: { editor: 'http://relay.test/join/ws1#ed', viewer: 'http://relay.test/join/ws1#vi' }
};

describe('Workspaces', () => {
  it('creates a workspace and keeps its credentials on the device', async () => {
    const { workspaces, calls, store } = await setup(() => ({ status: 201, body: created }));
    const seen: string[][] = [];
    workspaces.catalogue.subscribe((list) => seen.push(list.map((w) => w.workspaceId)));
    const record = await workspaces.create({ name: ' Food bank ', memberName: 'Ada' });
    expect(calls[0]).toEqual({ url: 'http://relay.test/api/workspaces', body: { name: 'Food bank', memberName: 'Ada' } });
    expect(record).toMatchObject({ workspaceId: 'ws1', name: 'Food bank', role: 'admin', token: 'tok-admin', memberName: 'Ada' });
    expect(record.invites?.editor).toBe(created.invites.editor);
    expect(MEMBER_COLOURS).toContain(record.colour);
    expect(await store.getWorkspace('ws1')).toEqual(record);
    expect(seen.at(-1)).toEqual(['ws1']);
  });

  it('joins with an invite link', async () => {
    const { workspaces, calls } = await setup(() => ({ status: 201, body: { memberId: 'm2', token: 't2', role: 'editor' } }));
    const invite = parseInviteLink('https://mutual.example/join/ws1#s3cret');
    expect(invite).toEqual({ workspaceId: 'ws1', invite: 's3cret' });
    const record = await workspaces.join({ workspaceId: 'ws1', invite: 's3cret', name: 'Ben' });
    expect(calls[0]).toEqual({ url: 'http://relay.test/api/workspaces/ws1/join', body: { invite: 's3cret', name: 'Ben' } });
    expect(record).toMatchObject({ workspaceId: 'ws1', role: 'editor', memberName: 'Ben', memberId: 'm2' });
  });

  it('says in plain words when an invite is no longer valid (403)', async () => {
    const { workspaces } = await setup(() => ({ status: 403, body: { error: 'invite rotated' } }));
    const error = await workspaces.join({ workspaceId: 'ws1', invite: 'old', name: 'Ben' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkspaceError);
    expect(error).toMatchObject({ kind: 'invite-invalid', status: 403, message: 'That invite link is no longer valid — ask for a new one.' });
  });

  it('says "You\'re offline" when there is no network', async () => {
    const { workspaces } = await setup(() => new TypeError('fetch failed'));
    const error = await workspaces.join({ workspaceId: 'ws1', invite: 'x', name: 'Ben' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'offline' });
    expect((error as Error).message).toMatch(/^You're offline — joining needs a connection/);
  });

  it('shows the server’s words for form mistakes, and a fixed message for server failures', async () => {
    let status = 400;
    const { workspaces } = await setup(() => ({ status, body: { error: 'Your name is too long (120 characters at most).' } }));
    await expect(workspaces.create({ name: 'x', memberName: 'y'.repeat(500) })).rejects.toMatchObject({
      kind: 'bad-request',
      message: 'Your name is too long (120 characters at most).'
    });
    status = 500;
    await expect(workspaces.create({ name: 'x', memberName: 'y' })).rejects.toMatchObject({ kind: 'server' });
  });

  it('rejects a malformed answer instead of storing broken credentials', async () => {
    const { workspaces, store } = await setup(() => ({ status: 201, body: { workspaceId: 'ws1', token: 5 } }));
    await expect(workspaces.create({ name: 'x', memberName: 'y' })).rejects.toMatchObject({ kind: 'server' });
    expect(await store.listWorkspaces()).toEqual([]);
  });

  it('updates the own name and colour, marks a revocation, and leaving deletes all local data', async () => {
    const { workspaces, storage, store } = await setup(() => ({ status: 201, body: created }));
    await workspaces.create({ name: 'Food bank', memberName: 'Ada' });
    expect(await workspaces.updateProfile('ws1', { memberName: 'Ada L.', colour: '#123456' })).toMatchObject({
      memberName: 'Ada L.',
      colour: '#123456'
    });
    await workspaces.markRevoked('ws1', { code: 4401, reason: 'gone' });
    expect((await workspaces.get('ws1'))?.revoked).toEqual({ code: 4401, reason: 'gone' });
    await storage.append('ws1', 'index', new Uint8Array([0, 0]));
    await workspaces.leave('ws1');
    expect(await workspaces.get('ws1')).toBeUndefined();
    expect(await store.listDocuments('ws1')).toEqual([]);
    expect(workspaces.catalogue.get()).toEqual([]);
    await expect(workspaces.updateProfile('ws1', { memberName: 'x' })).rejects.toMatchObject({ kind: 'not-found' });
  });

  it('parses only real invite links, and colours are stable', () => {
    expect(parseInviteLink('/join/ws1')).toBeNull();
    expect(parseInviteLink('/join/bad id#x')).toBeNull();
    expect(parseInviteLink('https://x/w/ws1#x')).toBeNull();
    expect(colourFor('m1')).toBe(colourFor('m1'));
  });
});

/**
 * Sign-ups, joins, keys and versions have limits (issue 27, items 10–12 and 15): a stranger
 * cannot fill the server, a leaked invite cannot add thousands of members, a removed member
 * cannot walk back in, a member cannot grow the directory or the version history without end.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { toBase64Url } from '../../src/lib/shared/model/signatures.ts';
import { DEFAULT_RATE_BUDGETS } from '../../server/http/rate-limits.ts';
import { MAX_VERSIONS_PER_AUTHOR } from '../../server/history/store.ts';
import * as Y from 'yjs';
import { api, inviteSecret } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { Arena } from './fixture.ts';

let arena: Arena | null = null;
afterEach(async () => {
  await arena?.stop();
  arena = null;
});

const create = (base: string, body: Record<string, unknown> = {}) => api(base, 'POST', '/api/workspaces', { body: { name: 'Ours', memberName: 'Ada', ...body } });
const join = (a: Arena, invite: string, name: string) => api(a.server.httpUrl, 'POST', `/api/workspaces/${a.ws.workspaceId}/join`, { body: { invite: inviteSecret(invite), name } });

describe('item 11: who may create workspaces', () => {
  it('with a creation code, only people who know it create workspaces', async () => {
    arena = await new Arena({ workspaceCreation: 'code', workspaceCreationCode: 'FOOD-BANK-2026' }).start({ workspace: false });
    const base = arena.server.httpUrl;
    expect((await api(base, 'GET', '/api/config')).body).toEqual({ workspaceCreation: 'code' });
    const none = await create(base);
    expect(none.status).toBe(403);
    expect(none.body.error).toMatch(/creation code/);
    expect((await create(base, { creationCode: 'GUESS-1234' })).status).toBe(403);
    expect((await create(base, { creationCode: 'FOOD-BANK-2026' })).status).toBe(201);
  });

  it('without a configured code, the server makes one, keeps it and asks for it', async () => {
    arena = await new Arena({ workspaceCreation: 'code' }).start({ workspace: false });
    const base = arena.server.httpUrl;
    const code = await arena.server.mutual.creation.code();
    expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    expect((await create(base)).status).toBe(403);
    expect((await create(base, { creationCode: code })).status).toBe(201);
    await arena.restart();
    expect(await arena.server.mutual.creation.code()).toBe(code);
  });

  it('closed: nobody creates workspaces', async () => {
    arena = await new Arena({ workspaceCreation: 'closed' }).start({ workspace: false });
    const r = await create(arena.server.httpUrl);
    expect(r.status).toBe(403);
    expect(r.body.error).toMatch(/switched off/);
  });

  it('one address creating workspaces in a loop is slowed with 429 and Retry-After', async () => {
    arena = await new Arena({}, { rateBudgets: DEFAULT_RATE_BUDGETS }).start();
    const base = arena.server.httpUrl;
    const statuses: number[] = [];
    let limited: Awaited<ReturnType<typeof create>> | null = null;
    for (let i = 0; i < DEFAULT_RATE_BUDGETS.createWorkspace.burst + 1; i++) {
      const r = await create(base);
      statuses.push(r.status);
      if (r.status === 429) limited = r;
    }
    // The arena's own workspace used one of the burst.
    expect(statuses.filter((s) => s === 201)).toHaveLength(DEFAULT_RATE_BUDGETS.createWorkspace.burst - 1);
    expect(limited?.body.error).toMatch(/^Too many new workspaces from this address\. Please wait/);
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('issue 18: device links', () => {
  it('guessing device-link secrets from one address is slowed with 429 and Retry-After', async () => {
    arena = await new Arena({}, { rateBudgets: DEFAULT_RATE_BUDGETS }).start();
    const statuses: number[] = [];
    let limited: Awaited<ReturnType<typeof api>> | null = null;
    for (let i = 0; i <= DEFAULT_RATE_BUDGETS.deviceLink.burst; i++) {
      const r = await api(arena.server.httpUrl, 'POST', `/api/workspaces/${arena.ws.workspaceId}/device-links/preview`, { body: { secret: `guess-${i}-${'x'.repeat(40)}` } });
      statuses.push(r.status);
      if (r.status === 429) limited = r;
    }
    expect(statuses.filter((s) => s === 403)).toHaveLength(DEFAULT_RATE_BUDGETS.deviceLink.burst);
    expect(limited?.body.error).toMatch(/^Too many device links from this address\. Please wait/);
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('items 10–11: joining', () => {
  it('a leaked invite adds members only up to the workspace’s limit', async () => {
    arena = await new Arena({ maxMembers: 5 }).start();
    const results = [];
    for (let i = 0; i < 4; i++) results.push((await join(arena, arena.ws.invites.viewer, `Guest ${i}`)).status);
    // Ada, Ben and Cleo are three of five.
    expect(results).toEqual([201, 201, 409, 409]);
    const full = await join(arena, arena.ws.invites.viewer, 'One more');
    expect(full.body.error).toMatch(/full/);
  });

  it('joins to one workspace are rate limited, whatever the address', async () => {
    arena = await new Arena({}, { rateBudgets: DEFAULT_RATE_BUDGETS }).start();
    const statuses: number[] = [];
    // The arena's two joins (Ben, Cleo) already used part of the burst.
    for (let i = 0; i < DEFAULT_RATE_BUDGETS.joinPerWorkspace.burst; i++) statuses.push((await join(arena, arena.ws.invites.viewer, `Guest ${i}`)).status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 201).length).toBe(DEFAULT_RATE_BUDGETS.joinPerWorkspace.burst - 2);
  });

  it('a removed member cannot rejoin with the invite link they had', async () => {
    arena = await new Arena().start();
    const { admin, editor, workspaceId } = arena.ws;
    const del = await api(arena.server.httpUrl, 'DELETE', `/api/workspaces/${workspaceId}/members/${editor.memberId}`, { token: admin.token });
    expect(del.status).toBe(204);
    const back = await join(arena, arena.ws.invites.editor, 'Ben again');
    expect(back.status).toBe(403);
    expect((await join(arena, arena.ws.invites.viewer, 'Ben as viewer')).status).toBe(403);
    const settings = await arena.read('index', (d) => d.getMap('settings').get('invitesRotatedAt'));
    expect(typeof settings).toBe('number');
  });
});

describe('item 12: signing keys', () => {
  it('only Ed25519 keys, and at most 16 per member; the history is kept in the database', async () => {
    arena = await new Arena().start();
    const { viewer, workspaceId } = arena.ws;
    const patch = (publicKey: unknown) => api(arena!.server.httpUrl, 'PATCH', `/api/workspaces/${workspaceId}/members/${viewer.memberId}`, { token: viewer.token, body: { publicKey } });
    expect((await patch('x'.repeat(4096))).status).toBe(400);
    const keys = Array.from({ length: 17 }, (_, i) => toBase64Url(new Uint8Array(32).fill(i + 1)));
    for (const k of keys.slice(0, 16)) expect((await patch(k)).status).toBe(200);
    const seventeenth = await patch(keys[16]);
    expect(seventeenth.status).toBe(409);
    expect(seventeenth.body.error).toMatch(/16 signing keys/);
    // Re-registering a known key is fine (a device registering again).
    expect((await patch(keys[3])).status).toBe(200);
    await arena.restart();
    const history = await arena.read('index', (d) => (d.getMap('members').get(viewer.memberId) as { get(k: string): unknown }).get('publicKeys'));
    expect(history).toEqual(keys.slice(0, 16));
  });
});

describe('item 15: versions saved from devices', () => {
  it('are capped per author and document: the oldest give way', async () => {
    arena = await new Arena().start();
    const { editor, workspaceId } = arena.ws;
    const writer = await arena.member('plan', editor.token);
    writer.doc.get('root', Y.XmlText).insert(0, 'Plan for the winter coat drive');
    await waitFor(() => arena!.read('plan', (d) => d.get('root', Y.XmlText).length > 0), { message: 'the text to reach the relay' });
    const path = `/api/workspaces/${workspaceId}/docs/plan/versions`;
    for (let i = 0; i <= MAX_VERSIONS_PER_AUTHOR; i++) {
      const r = await api(arena.server.httpUrl, 'POST', path, { token: editor.token, body: { reason: 'named', name: `v${i}` } });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    const list = (await api(arena.server.httpUrl, 'GET', path, { token: editor.token })).body.versions as { name: string; actor: string }[];
    const mine = list.filter((v) => v.actor === editor.memberId);
    expect(mine).toHaveLength(MAX_VERSIONS_PER_AUTHOR);
    expect(mine.some((v) => v.name === 'v0')).toBe(false);
    expect(mine.some((v) => v.name === `v${MAX_VERSIONS_PER_AUTHOR}`)).toBe(true);
  });
});

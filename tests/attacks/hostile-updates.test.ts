/**
 * A member with an ordinary editor link sends hand-written Yjs updates to the real relay
 * (issue 27, items 1–6, 9 and 15). Each attack is refused or held, the process stays up,
 * honest members keep editing together, and what they wrote is all there after a restart.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CloseCode } from '../../src/lib/shared/protocol.ts';
import { api } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { craftUpdate, nestedMaps, type Struct } from './craft.ts';
import { Arena } from './fixture.ts';

let arena: Arena;
beforeEach(async () => {
  // Held updates time out quickly here; production waits 10 s.
  arena = await new Arena({}, { admission: { maxHoldMs: 300 } }).start();
});
afterEach(async () => {
  await arena.stop();
});

/** The relay's state vector of a document, as a plain object. */
const stateOf = (docId: string) => arena.read(docId, (d) => Object.fromEntries(Y.decodeStateVector(Y.encodeStateVector(d))));
/** Whether the relay's copy holds anything back (pending structs or deletes). */
const holdsPending = (docId: string) => arena.read(docId, (d) => d.store.pendingStructs !== null || d.store.pendingDs !== null);

describe('items 1–2: a 5,000-deep chain of maps, then deleting its outermost map', () => {
  it.each(['index', 'agenda'])('is refused in %s before Yjs sees it; nothing crashes, nothing breaks', async (docId) => {
    const line = await arena.honestEditsFlow(docId);
    const root = docId === 'index' ? 'catalogue' : 'blocks';
    const s = await arena.socket(docId);
    // The chain, then the 55-byte frame that deleted it recursively and overflowed the stack.
    await arena.send(s, nestedMaps(4242, root, 'evil', 5000), craftUpdate([], [{ client: 4242, ranges: [[0, 1]] }]));
    expect(await arena.closeCode(s)).toBe(CloseCode.tooLarge);
    expect(await arena.healthy()).toBe(true);
    expect(await stateOf(docId)).not.toHaveProperty('4242');
    const later = await arena.honestEditsFlow(docId);
    await arena.restart();
    const text = await arena.read(docId, (d) => d.getText('notes').toString());
    expect(text).toContain(line);
    expect(text).toContain(later);
    expect(await holdsPending(docId)).toBe(false);
  });
});

describe('item 3: racing a held-back directory write with a frame that releases it', () => {
  it('refuses the pair; roles and key history are unchanged, also after a restart', async () => {
    await arena.member('index');
    const adminEntry = await arena.read('index', (d) => (d.getMap('members').get(arena.ws.admin.memberId) as Y.Map<unknown>)._item!.id);
    const parent = { item: { client: adminEntry.client, clock: adminEntry.clock } };
    const s = await arena.socket('index');
    // Frame A: clock 1 onwards (clock 0 missing) swaps the admin's role and plants a key.
    const held = craftUpdate([
      {
        client: 999,
        clock: 1,
        structs: [
          { parent, parentSub: 'role', content: { kind: 'any', values: ['editor'] } },
          { parent, parentSub: 'publicKeys', content: { kind: 'any', values: [['ATTACKERKEYATTACKERKEYATTACKERKEYATTACKERK']] } }
        ]
      }
    ]);
    // Frame B: clock 0, touching only the catalogue. Both arrive in the same turn.
    const release = craftUpdate([{ client: 999, clock: 0, structs: [{ parent: { root: 'catalogue' }, parentSub: 'innocent', content: { kind: 'any', values: ['x'] } }] }]);
    await arena.send(s, held, release);
    expect(await arena.closeCode(s)).toBe(CloseCode.changeRefused);
    const check = async () => {
      const entry = await arena.read('index', (d) => (d.getMap('members').get(arena.ws.admin.memberId) as Y.Map<unknown>).toJSON());
      expect(entry.role).toBe('admin');
      expect(entry.publicKeys).toEqual([]);
      const me = await api(arena.server.httpUrl, 'GET', `/api/workspaces/${arena.ws.workspaceId}/me`, { token: arena.ws.admin.token });
      expect(me.body.role).toBe('admin');
    };
    await check();
    await arena.restart();
    await check();
  });
});

describe('item 4: a held-back delete aimed at what the server writes next', () => {
  it('is judged when it becomes complete, and refused; the new member stays in the directory', async () => {
    await arena.member('index');
    const server = await arena.read('index', (d) => ({ client: d.clientID, next: Y.getState(d.store, d.clientID) }));
    const s = await arena.socket('index');
    await arena.send(s, craftUpdate([], [{ client: server.client, ranges: [[server.next, 1]] }]));
    const joined = await api(arena.server.httpUrl, 'POST', `/api/workspaces/${arena.ws.workspaceId}/join`, {
      body: { invite: new URL(arena.ws.invites.editor).hash.slice(1), name: 'Newcomer' }
    });
    expect(joined.status).toBe(201);
    expect([CloseCode.changeRefused, CloseCode.retryLater]).toContain(await arena.closeCode(s));
    const entry = await arena.read('index', (d) => (d.getMap('members').get(joined.body.memberId) as Y.Map<unknown> | undefined)?.toJSON());
    expect(entry).toMatchObject({ name: 'Newcomer', role: 'editor' });
    expect(await holdsPending('index')).toBe(false);
  });
});

describe('item 5: the state-vector bomb', () => {
  const sessions = (first: number, n: number) =>
    craftUpdate(Array.from({ length: n }, (_, i) => ({ client: first + i, clock: 0, structs: [{ parent: { root: 'notes' }, content: { kind: 'string' as const, text: 'x' } }] })));

  it('refuses one update bringing hundreds of editing sessions, and a member’s stream of them', async () => {
    const before = Object.keys(await stateOf('agenda')).length;
    const s = await arena.socket('agenda');
    await arena.send(s, sessions(100_000, 300));
    expect(await arena.closeCode(s)).toBe(CloseCode.tooLarge);
    // Within one update's bound, but past the member's budget of new sessions.
    const t = await arena.socket('agenda');
    await arena.send(t, sessions(200_000, 200), sessions(300_000, 200));
    expect(await arena.closeCode(t)).toBe(CloseCode.tooLarge);
    const after = Object.keys(await stateOf('agenda')).length;
    expect(after - before).toBeLessThanOrEqual(256);
    await arena.honestEditsFlow('agenda');
  });
});

describe('item 6: the pending delete-set poison aimed at a victim’s device', () => {
  it('is held and dropped; everything the victim types afterwards stays', async () => {
    const victim = await arena.member('agenda', arena.ws.admin.token);
    const other = await arena.member('agenda', arena.ws.editor.token);
    const s = await arena.socket('agenda');
    // 17 bytes or so: delete everything the victim's client id will ever write.
    await arena.send(s, craftUpdate([], [{ client: victim.doc.clientID, ranges: [[0, 1_000_000]] }]));
    expect(await holdsPending('agenda')).toBe(false);
    victim.doc.getText('notes').insert(0, 'Rent help for the Okafors');
    await waitFor(() => other.doc.getText('notes').toString() === 'Rent help for the Okafors', { message: 'the victim’s words to arrive' });
    expect(await arena.closeCode(s)).toBe(CloseCode.retryLater);
    victim.doc.getText('notes').insert(25, ' — due Friday');
    await waitFor(() => other.doc.getText('notes').toString() === 'Rent help for the Okafors — due Friday', { message: 'later words too' });
    expect(await holdsPending('agenda')).toBe(false);
  });
});

describe('item 9: structs with missing dependencies', () => {
  it('are never kept in the document, written to a snapshot or sent to a device', async () => {
    const s = await arena.socket('agenda');
    await arena.send(s, craftUpdate([{ client: 5555, clock: 7, structs: [{ parent: { root: 'notes' }, content: { kind: 'string', text: 'ghost' } }] }]));
    expect(await arena.closeCode(s)).toBe(CloseCode.retryLater);
    expect(await holdsPending('agenda')).toBe(false);
    await arena.server.mutual.documents.compactNow(arena.ws.workspaceId, 'agenda');
    const device = await arena.member('agenda');
    expect(device.doc.store.pendingStructs).toBeNull();
    expect(Y.getState(device.doc.store, 5555)).toBe(0);
    await arena.restart();
    expect(await holdsPending('agenda')).toBe(false);
  });
});

describe('a device asking for confirmation while its update waits', () => {
  it('gets no answer to its sync step 1 until the update is admitted (here: never, it is dropped)', async () => {
    const s = await arena.socket('agenda');
    const greeting = s.frames.length;
    await arena.send(s, craftUpdate([{ client: 7777, clock: 3, structs: [{ parent: { root: 'notes' }, content: { kind: 'string', text: 'waits' } }] }]));
    // Step 1 with an empty state vector: "tell me what I lack" — the device's confirmation request.
    s.ws.send(Uint8Array.from([0, 0, 1, 0]));
    const { framesBeforeClose, code } = await s.closed;
    expect(code).toBe(CloseCode.retryLater);
    const answers = s.frames.slice(greeting, framesBeforeClose).filter((f) => f[0] === 0 && f[1] === 1);
    expect(answers).toEqual([]);
  });
});

describe('item 15: one frame of a quarter of a million tiny items', () => {
  it('is refused as too large; the relay keeps serving', async () => {
    const structs: Struct[] = [{ parent: { root: 'notes' }, content: { kind: 'any', values: [0] } }];
    for (let i = 1; i < 250_000; i++) structs.push({ origin: { client: 6666, clock: i - 1 }, content: { kind: 'any', values: [0] } });
    const s = await arena.socket('agenda');
    await arena.send(s, craftUpdate([{ client: 6666, clock: 0, structs }]));
    expect(await arena.closeCode(s)).toBe(CloseCode.tooLarge);
    await arena.honestEditsFlow('agenda');
  });
});

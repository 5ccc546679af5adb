/**
 * Presence is bound to the socket that set it and stamped from its token (issue 27, item 14):
 * a viewer cannot appear as another member, take over another person's cursor, or flood the
 * relay with presence entries; the meeting's attendance (read from presence) stays truthful.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as encoding from 'lib0/encoding';
import { CloseCode } from '../../src/lib/shared/protocol.ts';
import { writePresenceUpdate, type PresenceEntry } from '../../server/relay/presence.ts';
import { api } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { Arena } from './fixture.ts';

let arena: Arena;
beforeEach(async () => {
  arena = await new Arena().start();
});
afterEach(async () => {
  await arena.stop();
});

function presenceFrame(entries: PresenceEntry[]): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 1);
  encoding.writeVarUint8Array(e, writePresenceUpdate(entries));
  return encoding.toUint8Array(e);
}

type State = { name?: string; awarenessData?: { memberId?: string } };

describe('item 14: presence comes from the token', () => {
  it('a viewer announcing itself as the admin is shown as itself', async () => {
    const { admin, viewer } = arena.ws;
    const watcher = await arena.member('meeting', admin.token);
    const s = await arena.socket('meeting', viewer.token);
    s.ws.send(presenceFrame([{ clientId: 31337, clock: 1, state: { name: 'Ada (admin)', color: '#000', awarenessData: { memberId: admin.memberId } } }]));
    await waitFor(() => watcher.provider.awareness.getStates().has(31337), { message: 'the viewer’s presence to arrive' });
    const state = watcher.provider.awareness.getStates().get(31337) as State;
    expect(state.awarenessData?.memberId).toBe(viewer.memberId);
    expect(state.name).toBe('Cleo');
  });

  it('another socket cannot overwrite or remove someone’s presence', async () => {
    const { admin, editor, viewer } = arena.ws;
    const ana = await arena.member('meeting', admin.token);
    ana.provider.awareness.setLocalStateField('user', { name: 'Ada' });
    const watcher = await arena.member('meeting', editor.token);
    const id = ana.doc.clientID;
    await waitFor(() => (watcher.provider.awareness.getStates().get(id) as State | undefined)?.awarenessData?.memberId === admin.memberId, {
      message: 'Ada’s presence at the watcher'
    });
    const s = await arena.socket('meeting', viewer.token);
    s.ws.send(presenceFrame([{ clientId: id, clock: 1_000, state: { name: 'Ada', awarenessData: { memberId: viewer.memberId } } }]));
    s.ws.send(presenceFrame([{ clientId: id, clock: 1_001, state: null }]));
    // A marker after the forgeries: once it arrives, the forgeries were processed.
    s.ws.send(presenceFrame([{ clientId: 4711, clock: 1, state: { name: 'marker' } }]));
    await waitFor(() => watcher.provider.awareness.getStates().has(4711), { message: 'the marker' });
    expect((watcher.provider.awareness.getStates().get(id) as State).awarenessData?.memberId).toBe(admin.memberId);
  });

  it('a member who renames themselves is shown under the new name at once, their cursor kept, without reconnecting', async () => {
    const { editor, admin } = arena.ws;
    const ed = await arena.member('meeting', editor.token);
    ed.provider.awareness.setLocalStateField('cursor', 1);
    const watcher = await arena.member('meeting', admin.token);
    const id = ed.doc.clientID;
    const seen = () => watcher.provider.awareness.getStates().get(id) as (State & { cursor?: number }) | undefined;
    await waitFor(() => seen()?.cursor === 1, { message: 'the editor’s presence at the watcher' });
    const before = seen()?.name;
    const renamed = await api(arena.server.httpUrl, 'PATCH', `/api/workspaces/${arena.ws.workspaceId}/members/${editor.memberId}`, { token: editor.token, body: { name: 'Edwina' } });
    expect(renamed.status).toBe(200);
    await waitFor(() => seen()?.name === 'Edwina', { message: 'the new name on the editor’s presence' });
    expect(before).not.toBe('Edwina');
    expect(seen()?.cursor).toBe(1);
    expect(seen()?.awarenessData?.memberId).toBe(editor.memberId);
    // The editor's next move is taken (its clock follows the relay's), still under the new name.
    ed.provider.awareness.setLocalStateField('cursor', 2);
    await waitFor(() => seen()?.cursor === 2, { message: 'the editor’s next move' });
    expect(seen()?.name).toBe('Edwina');
  });

  it('one member’s sockets together may set at most 16 presence entries in a document', async () => {
    const sockets = await Promise.all(Array.from({ length: 5 }, () => arena.socket('meeting', arena.ws.viewer.token)));
    sockets.forEach((s, i) => s.ws.send(presenceFrame(Array.from({ length: 4 }, (_, k) => ({ clientId: 20_000 + i * 10 + k, clock: 1, state: { name: 'x' } })))));
    const codes = await Promise.all(sockets.map((s) => Promise.race([arena.closeCode(s), arena.honestEditsFlow('meeting').then(() => 'open')])));
    expect(codes.filter((c) => c === CloseCode.badRequest)).toHaveLength(1);
  });

  it('a socket setting more presence entries than one device needs is closed', async () => {
    const s = await arena.socket('meeting', arena.ws.viewer.token);
    s.ws.send(presenceFrame(Array.from({ length: 32 }, (_, i) => ({ clientId: 9000 + i, clock: 1, state: { name: 'x' } }))));
    expect(await arena.closeCode(s)).toBe(CloseCode.badRequest);
    await arena.honestEditsFlow('meeting');
  });
});

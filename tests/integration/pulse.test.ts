/**
 * Issue 24, the group pulse through the real relay: members' check-ins (with private notes)
 * go to their own private documents; the pulse aggregator publishes the group's totals into
 * the shared `group-pulse` document once three members answered. STOCK y-websocket clients
 * holding another member's or an admin's token never receive an answer or a note: the
 * private document refuses them without a byte, and no frame of the shared document carries
 * them. The pulse's settings are server-written, changed by admins through the API.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { memberPrivateDocId, PULSE_DOC_ID, pulseTotalsOf, readSettings, recordPulse, readTotals, type PulseAnswer } from '../../src/lib/shared/model/index.ts';
import { connectClient, type TestClient } from '../helpers/clients.ts';
import { api, createWorkspace, joinWorkspace, removeDir, startServer, type TestServer, type TestWorkspace } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';

const WEEK = '2026-11-30';
const NOTE = 'Exams and my mother is ill';
const stretched: PulseAnswer = { energy: 'low', workload: 'stretched', connection: 'apart' };
const calm: PulseAnswer = { energy: 'high', workload: 'room', connection: 'close' };

function recordingWebSocket(frames: Buffer[]) {
  return class RecordingWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols);
      this.on('message', (data: Buffer) => frames.push(Buffer.from(data)));
    }
  };
}

type Who = { memberId: string; token: string };

describe('the group pulse (real relay, stock y-websocket clients)', () => {
  let server: TestServer;
  let ws: TestWorkspace;
  let dee: Who;
  const clients: TestClient[] = [];
  const providers: WebsocketProvider[] = [];

  const open = (docId: string, token: string) => {
    const c = connectClient(server.syncUrl, ws.workspaceId, docId, token);
    clients.push(c);
    return c;
  };
  const checkIn = async (who: Who, answer: PulseAnswer, note = '') => {
    const own = open(memberPrivateDocId(who.memberId)!, who.token);
    await own.synced();
    recordPulse(own.doc, WEEK, answer, note, { memberId: who.memberId });
  };
  /** A stock client on `docId` with `token`, recording every byte the relay sends it. */
  const stock = (docId: string, token: string) => {
    const frames: Buffer[] = [];
    const doc = new Y.Doc();
    const provider = new WebsocketProvider(server.syncUrl, `${ws.workspaceId}/${docId}`, doc, {
      params: { token },
      WebSocketPolyfill: recordingWebSocket(frames) as unknown as typeof globalThis.WebSocket,
      disableBc: true,
      maxBackoffTime: 100
    });
    providers.push(provider);
    const closes: number[] = [];
    provider.on('connection-close', (event) => {
      if (event) closes.push(event.code);
    });
    return { frames, doc, provider, closes };
  };
  const received = (frames: Buffer[]) => Buffer.concat(frames);

  beforeEach(async () => {
    server = await startServer();
    ws = await createWorkspace(server.httpUrl);
    dee = await joinWorkspace(server.httpUrl, ws.workspaceId, ws.invites.editor, 'Dee');
  });
  afterEach(async () => {
    for (const p of providers.splice(0)) p.destroy();
    for (const c of clients.splice(0)) c.destroy();
    await server.close();
    removeDir(server.dataDir);
  });

  it('publishes no totals for two check-ins and the totals from three', async () => {
    const shared = open(PULSE_DOC_ID, ws.viewer.token);
    await shared.synced();
    await checkIn(ws.admin, calm);
    await checkIn(ws.editor, stretched, NOTE);
    await waitFor(() => readTotals(shared.doc, 'pulse', WEEK)?.count === 2, { message: 'two answers counted' });
    expect(readTotals(shared.doc, 'pulse', WEEK)!.totals).toBeNull();
    expect(pulseTotalsOf(shared.doc).periods).toEqual({});
    await checkIn(dee, stretched);
    await waitFor(() => pulseTotalsOf(shared.doc).periods[WEEK], { message: 'totals published at three' });
    expect(pulseTotalsOf(shared.doc).periods[WEEK]).toEqual({
      answered: 3,
      energy: { low: 2, steady: 0, high: 1 },
      workload: { stretched: 2, full: 0, room: 1 },
      connection: { apart: 2, somewhat: 0, close: 1 }
    });
  });

  it('publishes in steps of three: later answers and a revision change nothing shown until three more answered', async () => {
    const watcher = stock(PULSE_DOC_ID, dee.token);
    // Every totals the watcher ever sees, in order (one per update from the relay).
    const seen: Array<number | null> = [];
    watcher.doc.getMap('server').observe(() => {
      const answered = readTotals(watcher.doc, 'pulse', WEEK)?.totals as { answered?: number } | null | undefined;
      const last = seen.length ? seen[seen.length - 1] : undefined;
      if ((answered?.answered ?? null) !== last) seen.push(answered?.answered ?? null);
    });
    const more = [];
    for (const name of ['Eli', 'Fay', 'Gus']) more.push(await joinWorkspace(server.httpUrl, ws.workspaceId, ws.invites.editor, name));
    const counted = (n: number) => waitFor(() => readTotals(watcher.doc, 'pulse', WEEK)?.count === n, { message: `${n} answers counted` });

    await checkIn(ws.admin, calm);
    await checkIn(ws.editor, calm);
    await checkIn(dee, calm);
    await counted(3);
    const first = pulseTotalsOf(watcher.doc).periods[WEEK]!;
    expect(first.workload).toEqual({ stretched: 0, full: 0, room: 3 });
    // The admin revises, then a 4th and a 5th check in: still the first publication.
    await checkIn(ws.admin, stretched);
    await checkIn(more[0]!, stretched);
    await counted(4);
    await checkIn(more[1]!, stretched);
    await counted(5);
    expect(pulseTotalsOf(watcher.doc).periods[WEEK]).toEqual(first);
    expect(pulseTotalsOf(watcher.doc).unshown[WEEK]).toBe(2);
    // The 6th: recomputed over all six, the revision mixed in with three new answers.
    await checkIn(more[2]!, stretched);
    await waitFor(() => pulseTotalsOf(watcher.doc).periods[WEEK]?.answered === 6, { message: 'the second step' });
    expect(pulseTotalsOf(watcher.doc).periods[WEEK]!.workload).toEqual({ stretched: 4, full: 0, room: 2 });
    expect(pulseTotalsOf(watcher.doc).unshown[WEEK]).toBe(0);
    expect(seen, 'no publication between the steps').toEqual([null, 3, 6]);
  });

  it("another member's and an admin's stock clients never receive an answer or a note", async () => {
    await checkIn(ws.editor, stretched, NOTE);
    // The editor's own second device has it (so the answer really is on the relay).
    const second = open(memberPrivateDocId(ws.editor.memberId)!, ws.editor.token);
    await waitFor(() => JSON.stringify(second.doc.getMap('answers').toJSON()).includes(NOTE), { message: 'the answer is on the relay' });
    await checkIn(ws.admin, calm);
    await checkIn(dee, stretched);

    // Another member and an admin asking for the editor's private document: refused, no byte.
    for (const token of [dee.token, ws.admin.token]) {
      const c = stock(memberPrivateDocId(ws.editor.memberId)!, token);
      await waitFor(() => c.closes[0], { message: 'refusal' });
      expect(c.closes[0]).toBe(4403);
      expect(c.frames.length, 'no frame at all').toBe(0);
      expect(c.doc.getMap('answers').size).toBe(0);
    }
    // The same clients on the shared pulse document get the totals, and never the note or
    // anything naming a member's answer.
    for (const token of [dee.token, ws.admin.token]) {
      const c = stock(PULSE_DOC_ID, token);
      await waitFor(() => pulseTotalsOf(c.doc).periods[WEEK], { message: 'totals reach the stock client' });
      const bytes = received(c.frames);
      expect(bytes.includes(Buffer.from(NOTE))).toBe(false);
      expect(bytes.includes(Buffer.from(ws.editor.memberId))).toBe(false);
      expect(bytes.includes(Buffer.from(memberPrivateDocId(ws.editor.memberId)!))).toBe(false);
    }
  });

  it('a viewer checks in too and counts; in their private document they may write nothing else', async () => {
    const shared = open(PULSE_DOC_ID, ws.editor.token);
    await shared.synced();
    await checkIn(ws.admin, calm);
    await checkIn(ws.editor, stretched);
    await checkIn(ws.viewer, stretched, NOTE);
    await waitFor(() => pulseTotalsOf(shared.doc).periods[WEEK], { message: "totals published with the viewer's answer" });
    expect(pulseTotalsOf(shared.doc).periods[WEEK]!.answered).toBe(3);
    // Stored on the relay: the viewer's second device gets it back.
    const second = open(memberPrivateDocId(ws.viewer.memberId)!, ws.viewer.token);
    await waitFor(() => JSON.stringify(second.doc.getMap('answers').toJSON()).includes(NOTE), { message: 'the check-in is on the relay' });
    // A secret ballot from a viewer (viewers take no part in decisions): refused, not stored.
    const own = open(memberPrivateDocId(ws.viewer.memberId)!, ws.viewer.token);
    await own.synced();
    own.doc.getMap('answers').set('ballot:doc1:p1', { choice: 'yes' });
    await waitFor(() => own.closes.find((c) => c.code === 4422), { message: 'a viewer ballot refused' });
    const third = open(memberPrivateDocId(ws.viewer.memberId)!, ws.viewer.token);
    await third.synced();
    expect(third.doc.getMap('answers').has('ballot:doc1:p1')).toBe(false);
  });

  it('totals are server-written: a member writing them is refused', async () => {
    const forger = open(PULSE_DOC_ID, ws.editor.token);
    await forger.synced();
    forger.doc.getMap('server').set(`totals:pulse:${WEEK}`, { v: 1, aggregator: 'pulse', subject: WEEK, state: 'period', count: 3, threshold: 3, totals: { answered: 3 } });
    await waitFor(() => forger.closes.find((c) => c.code === 4422), { message: 'forged totals refused' });
  });

  it('admins turn the pulse on and set its cadence; others cannot, bad values are refused', async () => {
    const path = `/api/workspaces/${ws.workspaceId}/settings`;
    expect((await api(server.httpUrl, 'PATCH', path, { token: ws.editor.token, body: { pulse: true } })).status).toBe(403);
    const bad = await api(server.httpUrl, 'PATCH', path, { token: ws.admin.token, body: { pulseCadence: 3 } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/1, 2, 4 weeks/);
    expect((await api(server.httpUrl, 'PATCH', path, { token: ws.admin.token, body: { pulse: 'yes' } })).status).toBe(400);
    const ok = await api(server.httpUrl, 'PATCH', path, { token: ws.admin.token, body: { pulse: true, pulseCadence: 2 } });
    expect(ok.status).toBe(200);
    const index = open('index', ws.viewer.token);
    await waitFor(() => readSettings(index.doc).value.pulse === true, { message: 'setting on every device' });
    expect(readSettings(index.doc).value.pulseCadence).toBe(2);
  });
});

/**
 * Issue 24, the mechanism: a member's private document (`member-private-<memberId>`) is served
 * only to that member's own devices — a STOCK y-websocket client holding another member's,
 * an admin's or a coordinator's token is refused with 4403 and receives no byte — and the relay
 * turns everybody's answers into totals in the shared document's `server` root, published only
 * once the threshold (3 answers) is met.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { memberPrivateDocId, readTotals, setAnswer, type Aggregator } from '../../src/lib/shared/model/index.ts';
import { mood } from '../helpers/aggregators.ts';
import { connectClient, recordedClient, type RecordedClient, type TestClient } from '../helpers/clients.ts';
import { api, createWorkspace, joinWorkspace, removeDir, startServer, type TestServer, type TestWorkspace } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';

const TARGET = 'checkin1';

/** An aggregator watching only `blocks`, counting how often the relay looks for its subjects. */
const scans = { count: 0 };
const blockWatcher: Aggregator<number> = {
  ...mood,
  id: 'watcher',
  watchRoots: ['blocks'],
  subjectsOf: () => {
    scans.count++;
    return [];
  }
};

describe('member-private documents and server totals (stock y-websocket clients)', () => {
  let server: TestServer;
  let ws: TestWorkspace;
  let dee: { memberId: string; token: string };
  const clients: TestClient[] = [];
  const recorded: RecordedClient[] = [];

  const open = (docId: string, token: string) => {
    const c = connectClient(server.syncUrl, ws.workspaceId, docId, token);
    clients.push(c);
    return c;
  };
  const answer = async (member: { memberId: string; token: string }, value: number) => {
    const own = open(memberPrivateDocId(member.memberId)!, member.token);
    await own.synced();
    setAnswer(own.doc, { aggregator: 'mood', docId: TARGET, subject: 'w1' }, value, { memberId: member.memberId });
  };

  /** A stock client for `docId` with `token`, recording every frame; resolves with its first close. */
  const refusedClient = async (docId: string, token: string) => {
    const client = recordedClient(server.syncUrl, ws.workspaceId, docId, token);
    recorded.push(client);
    const closed = await waitFor(() => client.closes[0], { message: 'refusal' });
    return { closed, ...client };
  };

  beforeEach(async () => {
    server = await startServer({ parts: { aggregators: { mood, watcher: blockWatcher } } });
    ws = await createWorkspace(server.httpUrl);
    dee = await joinWorkspace(server.httpUrl, ws.workspaceId, ws.invites.editor, 'Dee');
  });
  afterEach(async () => {
    for (const r of recorded.splice(0)) r.destroy();
    for (const c of clients.splice(0)) c.destroy();
    await server.close();
    removeDir(server.dataDir);
  });

  it('typing in a document never makes the relay look for subjects in it; a change of its blocks does', async () => {
    const writer = open('typed', ws.editor.token);
    const reader = open('typed', ws.viewer.token);
    await Promise.all([writer.synced(), reader.synced()]);
    const before = scans.count;
    for (const word of ['Bring ', 'the ', 'folding ', 'tables']) writer.doc.getText('notes').insert(writer.doc.getText('notes').length, word);
    await waitFor(() => reader.doc.getText('notes').toString() === 'Bring the folding tables', { message: 'the typing to reach the relay and the reader' });
    expect(scans.count, 'keystrokes outside the watched roots').toBe(before);
    writer.doc.getMap('blocks').set('b1', new Y.Map());
    await waitFor(() => reader.doc.getMap('blocks').has('b1'), { message: 'the block to reach the relay and the reader' });
    expect(scans.count).toBeGreaterThan(before);
  });

  it('a member’s own devices share their private document', async () => {
    await answer(ws.editor, 2);
    const second = open(memberPrivateDocId(ws.editor.memberId)!, ws.editor.token);
    await waitFor(() => second.doc.getMap('answers').get(`mood:${TARGET}:w1`) === 2, { message: 'second device receives the answer' });
  });

  it('an admin, a coordinator and another member are refused with 4403 and receive no byte', async () => {
    await answer(ws.editor, 2);
    const patch = await api(server.httpUrl, 'PATCH', `/api/workspaces/${ws.workspaceId}/members/${dee.memberId}`, { token: ws.admin.token, body: { coordinator: true } });
    expect(patch.status).toBe(200);
    for (const token of [ws.admin.token, dee.token, ws.viewer.token]) {
      const { closed, frames, doc, provider } = await refusedClient(memberPrivateDocId(ws.editor.memberId)!, token);
      expect(closed.code).toBe(4403);
      expect(closed.reason).toMatch(/own devices/);
      expect(provider.shouldConnect).toBe(false);
      expect(frames.length, 'no frame at all').toBe(0);
      expect(doc.getMap('answers').size).toBe(0);
    }
    // Nor does the digest list another member's private document.
    const digest = await api(server.httpUrl, 'GET', `/api/workspaces/${ws.workspaceId}/digest`, { token: ws.admin.token });
    expect(Object.keys(digest.body.documents as object)).toContain(memberPrivateDocId(ws.admin.memberId));
    expect(Object.keys(digest.body.documents as object)).not.toContain(memberPrivateDocId(ws.editor.memberId));
  });

  it('totals appear in the shared document only once 3 members answered; no client may write them', async () => {
    const target = open(TARGET, ws.viewer.token);
    await target.synced();
    await answer(ws.admin, 4);
    await answer(ws.editor, 2);
    await waitFor(() => readTotals(target.doc, 'mood', 'w1')?.count === 2, { message: 'count of two answers' });
    expect(readTotals(target.doc, 'mood', 'w1')!.totals).toBeNull();
    expect(readTotals(target.doc, 'mood', 'w1')!.threshold).toBe(3);
    await answer(dee, 3);
    await waitFor(() => readTotals(target.doc, 'mood', 'w1')?.count === 3, { message: 'three answers' });
    expect(readTotals(target.doc, 'mood', 'w1')!.totals).toEqual({ sum: 9, each: [2, 3, 4] });
    // A member changing their answer changes the totals.
    await answer(dee, 5);
    await waitFor(() => (readTotals(target.doc, 'mood', 'w1')?.totals as { sum: number } | null)?.sum === 11, { message: 'changed answer' });

    // An editor writing the server root is refused (4422) and nothing of it is kept.
    const forger = open(TARGET, ws.editor.token);
    await forger.synced();
    forger.doc.getMap('server').set('totals:mood:w1', { v: 1, aggregator: 'mood', subject: 'w1', state: 'open', count: 9, threshold: 3, totals: { sum: 45 } });
    await waitFor(() => forger.closes.find((c) => c.code === 4422), { message: 'forged totals refused' });
    const fresh = open(TARGET, ws.viewer.token);
    await fresh.synced();
    expect((readTotals(fresh.doc, 'mood', 'w1')?.totals as { sum: number }).sum).toBe(11);
  });

  it('a removed member’s answer stops counting', async () => {
    const target = open(TARGET, ws.viewer.token);
    await answer(ws.admin, 4);
    await answer(ws.editor, 2);
    await answer(dee, 3);
    await waitFor(() => readTotals(target.doc, 'mood', 'w1')?.count === 3, { message: 'three answers' });
    const removed = await api(server.httpUrl, 'DELETE', `/api/workspaces/${ws.workspaceId}/members/${dee.memberId}`, { token: ws.admin.token });
    expect(removed.status).toBe(204);
    // The next change recomputes without Dee.
    await answer(ws.editor, 1);
    await waitFor(() => readTotals(target.doc, 'mood', 'w1')?.count === 2, { message: 'Dee no longer counted' });
    expect(readTotals(target.doc, 'mood', 'w1')!.totals).toBeNull();
  });
});

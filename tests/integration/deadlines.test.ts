/**
 * The relay closes proposals whose deadline passed (server/rules/deadlines.ts), counting
 * only ballots whose signature verifies against the member's registered keys; the member
 * directory keeps every key a member registered.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  RELAY_MEMBER_ID,
  ballotSigningPayload,
  castBallot,
  closeProposal,
  createProposal,
  exportPublicKey,
  openProposal,
  prepareBallot,
  readProposal,
  signPayload,
  type BallotInput
} from '../../src/lib/shared/model/index.ts';
import { api, createWorkspace, startServer, type TestServer, type TestWorkspace } from '../helpers/server.ts';
import { connectClient, type TestClient } from '../helpers/clients.ts';
import { waitFor } from '../helpers/wait-for.ts';

let server: TestServer;
let ws: TestWorkspace;
const clients: TestClient[] = [];

beforeEach(async () => {
  server = await startServer({ config: { deadlineSweepMs: 50 } });
  ws = await createWorkspace(server.httpUrl);
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await server.close();
});

async function registerKey(member: { memberId: string; token: string }): Promise<CryptoKeyPair> {
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify'])) as CryptoKeyPair;
  const res = await api(server.httpUrl, 'PATCH', `/api/workspaces/${ws.workspaceId}/members/${member.memberId}`, {
    token: member.token,
    body: { publicKey: await exportPublicKey(pair.publicKey) }
  });
  expect(res.status).toBe(200);
  return pair;
}

async function signedCast(doc: Y.Doc, docId: string, memberId: string, key: CryptoKey, input: BallotInput, at = Date.now()): Promise<void> {
  const signature = await signPayload(key, ballotSigningPayload(docId, 'p1', memberId, prepareBallot(input, at)));
  castBallot(doc, 'p1', { ...input, signature }, { memberId, at });
}

async function connect(docId: string, token: string): Promise<TestClient> {
  const client = connectClient(server.syncUrl, ws.workspaceId, docId, token);
  clients.push(client);
  await client.synced();
  return client;
}

describe('closing at the deadline on the relay', () => {
  it('closes a due proposal, counting only verified ballots; a forged ballot is not counted', async () => {
    const adminKey = await registerKey(ws.admin);
    await registerKey(ws.editor);
    const a = await connect('decide', ws.admin.token);
    const deadline = Date.now() + 600;
    createProposal(a.doc, { id: 'p1', title: 'Freezer', method: 'majority', deadline }, { memberId: ws.admin.memberId });
    openProposal(a.doc, 'p1', {}, { memberId: ws.admin.memberId });
    await signedCast(a.doc, 'decide', ws.admin.memberId, adminKey.privateKey, { choice: 'yes' });
    // Ben's device signs his "no" with a key that is not registered for him (here the
    // admin's): the relay admits his own ballot key, but the signature does not verify.
    const b = await connect('decide', ws.editor.token);
    await waitFor(() => readProposal(b.doc, 'p1').value?.status === 'open', { message: 'the proposal to reach Ben' });
    await signedCast(b.doc, 'decide', ws.editor.memberId, adminKey.privateKey, { choice: 'no' });
    await waitFor(() => readProposal(a.doc, 'p1').value?.ballots.size === 2, { message: 'both ballots to reach the relay' });

    const closed = await waitFor(() => {
      const p = readProposal(a.doc, 'p1').value;
      return p?.status === 'closed' ? p : null;
    }, { timeout: 10_000, message: 'the relay to close the proposal' });
    expect(closed.closedBy).toBe(RELAY_MEMBER_ID);
    expect(Object.keys(closed.outcome!.counted)).toEqual([ws.admin.memberId]);
    expect(closed.outcome!.passed).toBe(true);
  });

  it('a device and the relay closing at once: the first close in the log wins everywhere', async () => {
    const a = await connect('race', ws.admin.token);
    const deadline = Date.now() + 300;
    createProposal(a.doc, { id: 'p1', title: 'Race', method: 'consent', deadline }, { memberId: ws.admin.memberId });
    openProposal(a.doc, 'p1', {}, { memberId: ws.admin.memberId });
    // The device goes offline and closes on its own after the deadline; the relay closes too.
    a.provider.disconnect();
    await waitFor(() => Date.now() > deadline + 400, { timeout: 5000 });
    closeProposal(a.doc, 'p1', { memberCount: 2, statement: 'Closed on the phone' }, { memberId: ws.admin.memberId });
    a.provider.connect();
    const b = await connect('race', ws.editor.token);
    await waitFor(() => {
      const pa = readProposal(a.doc, 'p1').value!;
      const pb = readProposal(b.doc, 'p1').value!;
      return pa.lifecycle.length === pb.lifecycle.length && pa.lifecycle.filter((e) => e.event.type === 'close').length >= 1 && pa.closedBy === pb.closedBy;
    }, { timeout: 10_000, message: 'both replicas to agree' });
    const pa = readProposal(a.doc, 'p1').value!;
    const closes = pa.lifecycle.filter((e) => e.event.type === 'close');
    expect(closes.filter((e) => e.applied)).toHaveLength(1);
    expect(pa.status).toBe('closed');
  });

  it('the member directory keeps every key a member registered', async () => {
    await registerKey(ws.editor);
    await registerKey(ws.editor);
    const index = await connect('index', ws.admin.token);
    await waitFor(() => {
      const entry = index.doc.getMap('members').get(ws.editor.memberId) as Y.Map<unknown> | undefined;
      return (entry?.get('publicKeys') as string[] | undefined)?.length === 2;
    }, { message: 'two keys in the directory' });
  });
});

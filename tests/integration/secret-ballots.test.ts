/**
 * Issue 24, secret ballots on the real relay. Three members vote secretly — each ballot signed
 * on the device and written into the voter's own private document. STOCK y-websocket clients
 * holding another member's token and an admin's token never receive any voter's ballot: every
 * frame they get (the proposal's document, the index, and their attempt at someone's private
 * document) is checked byte for byte. They do see who voted, and after the relay closes the
 * proposal at its deadline, the totals.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  ballotSigningPayload,
  castSecretBallot,
  createProposal,
  exportPublicKey,
  memberPrivateDocId,
  openProposal,
  prepareBallot,
  signPayload,
  tallyProposal,
  type BallotInput
} from '../../src/lib/shared/model/index.ts';
import { connectClient, recordedClient, type RecordedClient, type TestClient } from '../helpers/clients.ts';
import { api, createWorkspace, joinWorkspace, removeDir, startServer, type TestServer, type TestWorkspace } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait-for.ts';

const DOC = 'vote';
type Member = { memberId: string; token: string };

describe('secret ballots (stock y-websocket clients)', () => {
  let server: TestServer;
  let ws: TestWorkspace;
  let dee: Member;
  const clients: TestClient[] = [];
  const recorded: RecordedClient[] = [];
  const keys = new Map<string, CryptoKeyPair>();

  const connect = async (docId: string, token: string) => {
    const c = connectClient(server.syncUrl, ws.workspaceId, docId, token);
    clients.push(c);
    await c.synced();
    return c;
  };
  const watch = (docId: string, token: string) => {
    const c = recordedClient(server.syncUrl, ws.workspaceId, docId, token);
    recorded.push(c);
    return c;
  };
  async function registerKey(member: Member): Promise<void> {
    const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify'])) as CryptoKeyPair;
    const res = await api(server.httpUrl, 'PATCH', `/api/workspaces/${ws.workspaceId}/members/${member.memberId}`, { token: member.token, body: { publicKey: await exportPublicKey(pair.publicKey) } });
    expect(res.status).toBe(200);
    keys.set(member.memberId, pair);
  }
  /** A member's device: signs the ballot and writes it into the member's own private document. */
  async function voteSecretly(member: Member, input: BallotInput, sign = true): Promise<string> {
    const proposal = await connect(DOC, member.token);
    const own = await connect(memberPrivateDocId(member.memberId)!, member.token);
    const at = Date.now();
    const signature = sign ? await signPayload(keys.get(member.memberId)!.privateKey, ballotSigningPayload(DOC, 'p1', member.memberId, prepareBallot(input, at))) : undefined;
    castSecretBallot(proposal.doc, own.doc, DOC, 'p1', signature ? { ...input, signature } : input, { memberId: member.memberId, at });
    return signature ?? '';
  }
  const votersSeen = (doc: Y.Doc) => tallyProposal(doc, 'p1').value?.secret?.voters ?? [];

  beforeEach(async () => {
    server = await startServer({ config: { deadlineSweepMs: 50 } });
    ws = await createWorkspace(server.httpUrl);
    dee = await joinWorkspace(server.httpUrl, ws.workspaceId, ws.invites.editor, 'Dee');
    for (const m of [ws.admin, ws.editor, dee]) await registerKey(m);
  });
  afterEach(async () => {
    for (const r of recorded.splice(0)) r.destroy();
    for (const c of clients.splice(0)) c.destroy();
    await server.close();
    removeDir(server.dataDir);
  });

  it('another member and an admin never receive a ballot; they see who voted, and the totals after close', async () => {
    const author = await connect(DOC, ws.admin.token);
    createProposal(author.doc, { id: 'p1', title: 'Who holds the money', method: 'consent', deadline: Date.now() + 2500, secret: true }, { memberId: ws.admin.memberId });
    openProposal(author.doc, 'p1', {}, { memberId: ws.admin.memberId });

    // Watching from the start: another member (Ben) and an admin (Ada, who votes too).
    const benSees = [watch(DOC, ws.editor.token), watch('index', ws.editor.token), watch(memberPrivateDocId(dee.memberId)!, ws.editor.token)];
    const adminSees = [watch(DOC, ws.admin.token), watch('index', ws.admin.token), watch(memberPrivateDocId(dee.memberId)!, ws.admin.token), watch(memberPrivateDocId(ws.editor.memberId)!, ws.admin.token)];

    // An unsigned ballot is not counted: the relay cannot be handed one it could have made up.
    await voteSecretly(dee, { choice: 'consent' }, false);
    const secrets = [
      await voteSecretly(ws.admin, { choice: 'consent', reason: 'Ada-reason-7f3a' }),
      await voteSecretly(ws.editor, { choice: 'concern', reason: 'Ben-reason-91c2' }),
      await voteSecretly(dee, { choice: 'object', reason: 'Dee-reason-44e0' })
    ];
    const everyone = [ws.admin.memberId, ws.editor.memberId, dee.memberId].sort();
    await waitFor(() => votersSeen(benSees[0]!.doc).length === 3, { message: 'Ben sees three voters' });
    expect(votersSeen(benSees[0]!.doc)).toEqual(everyone);
    expect(tallyProposal(benSees[0]!.doc, 'p1').value!.result, 'no totals while open').toBeNull();

    // The relay closes it at the deadline and publishes the outcome.
    await waitFor(() => tallyProposal(adminSees[0]!.doc, 'p1').value?.secret?.outcome ?? null, { message: 'frozen outcome', timeout: 15_000 });
    const tally = tallyProposal(adminSees[0]!.doc, 'p1').value!;
    expect(tally.status).toBe('closed');
    expect(tally.result!.counts).toEqual({ consent: 1, concern: 1, object: 1 });
    expect(tally.result!.passed).toBe(false);
    expect(tally.secret!.outcome!.signatures).toBe(3);
    expect(tally.secret!.voters).toEqual(everyone);
    expect(tallyProposal(benSees[0]!.doc, 'p1').value!.result).toEqual(tally.result);

    // Byte for byte: no reason, no signature, no ballot object in anything they received.
    for (const client of [...benSees, ...adminSees]) {
      const bytes = Buffer.concat(client.frames);
      for (const marker of ['Ada-reason-7f3a', 'Ben-reason-91c2', 'Dee-reason-44e0', 'castAt', ...secrets]) expect(bytes.includes(Buffer.from(marker)), `${marker} reached a watcher`).toBe(false);
    }
    // Their requests for someone else's private document were refused before any byte.
    for (const client of [benSees[2]!, adminSees[2]!, adminSees[3]!]) {
      await waitFor(() => client.closes[0], { message: 'refused' });
      expect(client.closes[0]!.code).toBe(4403);
      expect(client.frames).toHaveLength(0);
    }
  });

  it('"show results while open": no totals from fewer than 3 ballots, totals from 3', async () => {
    const author = await connect(DOC, ws.admin.token);
    createProposal(author.doc, { id: 'p1', title: 'Treasurer', method: 'majority', deadline: Date.now() + 600_000, secret: true, liveResults: true }, { memberId: ws.admin.memberId });
    openProposal(author.doc, 'p1', {}, { memberId: ws.admin.memberId });
    const viewer = watch(DOC, ws.viewer.token);
    await voteSecretly(ws.admin, { choice: 'yes' });
    await voteSecretly(ws.editor, { choice: 'no' });
    await waitFor(() => votersSeen(viewer.doc).length === 2, { message: 'two voters' });
    expect(tallyProposal(viewer.doc, 'p1').value!.result).toBeNull();
    expect(JSON.stringify(viewer.doc.getMap('server').toJSON())).not.toContain('"counts"');
    await voteSecretly(dee, { choice: 'yes' });
    await waitFor(() => tallyProposal(viewer.doc, 'p1').value?.result ?? null, { message: 'live totals from three ballots' });
    expect(tallyProposal(viewer.doc, 'p1').value!.result!.counts).toEqual({ yes: 2, no: 1, abstain: 0 });
  });
});

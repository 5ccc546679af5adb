import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  SIGNATURE_REASONS,
  SignatureVerifier,
  acceptSignedBallots,
  addMember,
  ballotSigningPayload,
  castBallot,
  closeProposal,
  createProposal,
  exportPublicKey,
  fromBase64Url,
  memberKeysOf,
  openProposal,
  prepareBallot,
  readProposal,
  signPayload,
  signatureCheck,
  tallyProposal,
  toBase64Url,
  verifyPayload,
  verifyProposalBallots,
  type BallotInput,
  type MemberKeys
} from './index';

const T0 = 1_700_000_000_000;
const DOC = 'doc1';

async function keyPair(): Promise<CryptoKeyPair> {
  return (await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify'])) as CryptoKeyPair;
}

/** Cast as the app does: sign exactly the ballot castBallot will store, with the same time. */
async function signedCast(doc: Y.Doc, proposalId: string, memberId: string, key: CryptoKey, input: BallotInput, at: number): Promise<void> {
  const signature = await signPayload(key, ballotSigningPayload(DOC, proposalId, memberId, prepareBallot(input, at)));
  castBallot(doc, proposalId, { ...input, signature }, { memberId, at });
}

function openConsent(doc: Y.Doc, deadline: number | null = null): string {
  const id = createProposal(doc, { id: 'p1', title: 'Buy a freezer', method: 'consent', deadline }, { memberId: 'ana', at: T0 });
  openProposal(doc, id, {}, { memberId: 'ana', at: T0 });
  return id;
}

async function tallyVerified(doc: Y.Doc, keysOf: MemberKeys, verifier = new SignatureVerifier()) {
  const view = readProposal(doc, 'p1').value!;
  const verified = await verifyProposalBallots(DOC, view, keysOf, verifier);
  return tallyProposal(doc, 'p1', { acceptBallot: signatureCheck(DOC, 'p1', verified, keysOf) }).value!;
}

describe('base64url', () => {
  it('round-trips bytes and refuses other text', () => {
    const bytes = new Uint8Array([0, 255, 62, 63, 128, 7]);
    expect(fromBase64Url(toBase64Url(bytes))).toEqual(bytes);
    expect(toBase64Url(bytes)).not.toMatch(/[+/=]/);
    expect(fromBase64Url('not base64!')).toBeNull();
  });
});

describe('signed ballots', () => {
  it('a ballot signed by the member verifies; the same signature over other content does not', async () => {
    const ana = await keyPair();
    const pub = await exportPublicKey(ana.publicKey);
    const payload = ballotSigningPayload(DOC, 'p1', 'ana', prepareBallot({ choice: 'consent' }, T0));
    const signature = await signPayload(ana.privateKey, payload);
    expect(await verifyPayload(pub, payload, signature)).toBe(true);
    // Replayed onto another member, another proposal or another choice: not valid.
    expect(await verifyPayload(pub, ballotSigningPayload(DOC, 'p1', 'ben', prepareBallot({ choice: 'consent' }, T0)), signature)).toBe(false);
    expect(await verifyPayload(pub, ballotSigningPayload(DOC, 'p2', 'ana', prepareBallot({ choice: 'consent' }, T0)), signature)).toBe(false);
    expect(await verifyPayload(pub, ballotSigningPayload(DOC, 'p1', 'ana', prepareBallot({ choice: 'object', reason: 'x' }, T0)), signature)).toBe(false);
    // Malformed peer data never throws.
    expect(await verifyPayload('garbage', payload, signature)).toBe(false);
    expect(await verifyPayload(pub, payload, 'AAAA')).toBe(false);
  });

  it('a tally counts only verified ballots; unsigned and forged ones are shown as rejected with a reason', async () => {
    const doc = new Y.Doc();
    openConsent(doc);
    const [ana, ben, eve] = await Promise.all([keyPair(), keyPair(), keyPair()]);
    const keys = new Map([
      ['ana', [await exportPublicKey(ana.publicKey)]],
      ['ben', [await exportPublicKey(ben.publicKey)]],
      ['cy', [await exportPublicKey((await keyPair()).publicKey)]],
      ['eve', [await exportPublicKey(eve.publicKey)]]
    ]);
    const keysOf: MemberKeys = (id) => keys.get(id) ?? [];
    await signedCast(doc, 'p1', 'ana', ana.privateKey, { choice: 'consent' }, T0 + 1);
    // Eve's modified client writes an objection under Ben's key, signed with Eve's own key.
    await signedCast(doc, 'p1', 'ben', eve.privateKey, { choice: 'object', reason: 'forged' }, T0 + 2);
    // Cy's ballot was written unsigned (an old or modified client).
    castBallot(doc, 'p1', { choice: 'object', reason: 'unsigned' }, { memberId: 'cy', at: T0 + 3 });
    // Dee has no registered key.
    castBallot(doc, 'p1', { choice: 'concern', signature: 'AAAA' }, { memberId: 'dee', at: T0 + 4 });

    const tally = await tallyVerified(doc, keysOf);
    expect(tally.result).toMatchObject({ passed: true, countedMembers: ['ana'] });
    const byMember = Object.fromEntries(tally.ballots.map((b) => [b.memberId, b]));
    expect(byMember.ana.state).toBe('counted');
    expect(byMember.ben).toMatchObject({ state: 'rejected', ...SIGNATURE_REASONS.forged });
    expect(byMember.cy).toMatchObject({ state: 'rejected', ...SIGNATURE_REASONS.unsigned });
    expect(byMember.dee).toMatchObject({ state: 'rejected', ...SIGNATURE_REASONS.noKey });
  });

  it('any registered key of the member verifies (a second device, a replaced key)', async () => {
    const doc = new Y.Doc();
    openConsent(doc);
    const [phone, laptop] = await Promise.all([keyPair(), keyPair()]);
    const index = new Y.Doc();
    addMember(index, { id: 'ana', name: 'Ana', colour: '#000', role: 'admin', publicKey: await exportPublicKey(laptop.publicKey) }, { memberId: 'relay' });
    const entry = index.getMap('members').get('ana') as Y.Map<unknown>;
    entry.set('publicKeys', [await exportPublicKey(phone.publicKey), 42, await exportPublicKey(laptop.publicKey)]);
    const keys = memberKeysOf(index);
    expect(keys.get('ana')).toHaveLength(2);
    await signedCast(doc, 'p1', 'ana', phone.privateKey, { choice: 'consent' }, T0 + 1);
    const tally = await tallyVerified(doc, (id) => keys.get(id) ?? []);
    expect(tally.ballots[0].state).toBe('counted');
  });

  it('closing freezes only verified ballots; the verifier caches its answers', async () => {
    const doc = new Y.Doc();
    openConsent(doc, T0 + 100);
    const [ana, ben] = await Promise.all([keyPair(), keyPair()]);
    const keys = new Map([['ana', [await exportPublicKey(ana.publicKey)]], ['ben', [await exportPublicKey(ben.publicKey)]]]);
    const keysOf: MemberKeys = (id) => keys.get(id) ?? [];
    await signedCast(doc, 'p1', 'ana', ana.privateKey, { choice: 'consent' }, T0 + 1);
    await signedCast(doc, 'p1', 'ben', ana.privateKey, { choice: 'object', reason: 'forged by ana' }, T0 + 2);
    const verifier = new SignatureVerifier();
    const accept = await acceptSignedBallots(doc, DOC, 'p1', keysOf, verifier);
    const result = closeProposal(doc, 'p1', { acceptBallot: accept! }, { memberId: 'ana', at: T0 + 100 });
    expect(result).toMatchObject({ passed: true, countedMembers: ['ana'] });
    expect(Object.keys(readProposal(doc, 'p1').value!.outcome!.counted)).toEqual(['ana']);
    // After close the forged ballot stays visible and uncounted; nothing is flagged about the record.
    const after = tallyProposal(doc, 'p1', { acceptBallot: signatureCheck(DOC, 'p1', await verifyProposalBallots(DOC, readProposal(doc, 'p1').value!, keysOf, verifier), keysOf) });
    expect(after.issues).toEqual([]);
    expect(after.value!.ballots.find((b) => b.memberId === 'ben')).toMatchObject({ state: 'rejected', ...SIGNATURE_REASONS.forged });
  });
});

describe('a close racing a late signed ballot', () => {
  it('in both delivery orders, the ballot the closer had not seen is late and every replica agrees', async () => {
    const ben = await keyPair();
    const keys = new Map([['ben', [await exportPublicKey(ben.publicKey)]]]);
    const keysOf: MemberKeys = (id) => keys.get(id) ?? [];
    for (const order of ['close-first', 'ballot-first'] as const) {
      const a = new Y.Doc();
      const b = new Y.Doc();
      a.clientID = 1;
      b.clientID = 2;
      openConsent(a, T0 + 100);
      Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
      // Ben votes (offline) just before the deadline; Ana's device closes at the deadline, not having seen it.
      await signedCast(b, 'p1', 'ben', ben.privateKey, { choice: 'object', reason: 'too loud' }, T0 + 99);
      const accept = await acceptSignedBallots(a, DOC, 'p1', keysOf);
      closeProposal(a, 'p1', { acceptBallot: accept! }, { memberId: 'ana', at: T0 + 100 });
      const fromA = Y.encodeStateAsUpdate(a, Y.encodeStateVector(b));
      const fromB = Y.encodeStateAsUpdate(b, Y.encodeStateVector(a));
      if (order === 'close-first') {
        Y.applyUpdate(b, fromA);
        Y.applyUpdate(a, fromB);
      } else {
        Y.applyUpdate(a, fromB);
        Y.applyUpdate(b, fromA);
      }
      for (const d of [a, b]) {
        const t = await tallyVerified(d, keysOf);
        expect(t.status).toBe('closed');
        expect(t.result).toMatchObject({ passed: true, countedMembers: [] });
        expect(t.ballots).toEqual([expect.objectContaining({ memberId: 'ben', state: 'late', note: 'Cast before the proposal closed but arrived after; not counted.' })]);
      }
    }
  });
});

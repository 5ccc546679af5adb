/**
 * Signed ballots (issue 8): Ed25519 over {@link ballotSigningPayload}, with WebCrypto
 * (`globalThis.crypto.subtle`, in browsers and Node 20 alike; no `node:*`) or, in browsers
 * whose WebCrypto lacks Ed25519, the `@noble/ed25519` library (./ed25519.ts): a valid
 * ballot is never shown as invalid for want of the algorithm.
 *
 * A tally is synchronous and WebCrypto is not, so checking is two steps:
 *   1. {@link verifyProposalBallots} (async) verifies every ballot of a proposal — live and
 *      recorded — against the member's registered keys and returns the set of ballots
 *      that verified;
 *   2. {@link signatureCheck} turns that set into the tally's `acceptBallot` hook.
 * A {@link SignatureVerifier} caches results, so re-rendering after every keystroke
 * elsewhere in the document costs a map lookup, not a signature check.
 *
 * Keys: each member may have several (one per device, and a new one after a key was
 * lost). The directory keeps `publicKey` (the latest) and `publicKeys` (every key ever
 * registered, oldest first); a ballot verifies when any of them verifies it, so a
 * member's phone and laptop both sign validly and old ballots keep verifying.
 * See docs/security.md for the threat model.
 */
import * as Y from 'yjs';
import { ballotSigningPayload } from './proposal';
import { readProposal, type ProposalView, type StoredBallot } from './proposal-read';
import { IndexKeys } from './schema';
import type { BallotRefusal, TallyOptions } from './tally';
import { ed25519, librarySign, SIGNATURE_ALGORITHM } from './ed25519';

export { SIGNATURE_ALGORITHM } from './ed25519';

const encoder = new TextEncoder();

/** Bytes → unpadded base64url (RFC 4648 §5). */
export function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Unpadded base64url → bytes; null when the text is not base64url. */
export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4));
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    return null;
  }
}

/** Whether `text` is an Ed25519 public key as the directory stores it: 32 bytes, unpadded base64url (43 characters). */
export function isPublicKeyText(text: unknown): text is string {
  return typeof text === 'string' && text.length === 43 && fromBase64Url(text)?.byteLength === 32;
}

/** A public key as the directory stores it: raw 32 bytes, base64url. */
export async function exportPublicKey(publicKey: CryptoKey): Promise<string> {
  return toBase64Url(new Uint8Array(await crypto.subtle.exportKey('raw', publicKey)));
}

/**
 * Sign `payload` (UTF-8) with a member's private key — a WebCrypto key, or the library
 * fallback's secret bytes; base64url signature.
 */
export async function signPayload(privateKey: CryptoKey | Uint8Array, payload: string): Promise<string> {
  const message = encoder.encode(payload);
  if (privateKey instanceof Uint8Array) return toBase64Url(await librarySign(privateKey, message));
  return toBase64Url(new Uint8Array(await crypto.subtle.sign(SIGNATURE_ALGORITHM, privateKey, message)));
}

/**
 * Whether `signature` over `payload` verifies with the base64url public key. Never throws:
 * a malformed key or signature (peer data) simply does not verify.
 */
export async function verifyPayload(publicKey: string, payload: string, signature: string): Promise<boolean> {
  const keyBytes = fromBase64Url(publicKey);
  const sigBytes = fromBase64Url(signature);
  if (!keyBytes || keyBytes.length !== 32 || !sigBytes || sigBytes.length !== 64) return false;
  return (await ed25519()).verify(keyBytes, encoder.encode(payload), sigBytes);
}

/** Verifies signatures against key lists and remembers every answer (results never change). */
export class SignatureVerifier {
  private readonly cache = new Map<string, Promise<boolean>>();

  /** True when any of `keys` verifies `signature` over `payload`. */
  async verify(keys: readonly string[], payload: string, signature: string): Promise<boolean> {
    for (const key of keys) {
      const id = `${key}\n${signature}\n${payload}`;
      let pending = this.cache.get(id);
      if (!pending) {
        pending = verifyPayload(key, payload, signature);
        this.cache.set(id, pending);
      }
      if (await pending) return true;
    }
    return false;
  }
}

/** Member id → every public key registered for them (empty when none). */
export type MemberKeys = (memberId: string) => readonly string[];

/**
 * Every member's registered keys from the workspace index: `publicKeys` (history, written by
 * the relay) plus `publicKey` (the latest), malformed values skipped.
 */
export function memberKeysOf(index: Y.Doc): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  index.getMap<unknown>(IndexKeys.members).forEach((raw, memberId) => {
    if (!(raw instanceof Y.Map)) return;
    const list: string[] = [];
    const history = raw.get('publicKeys');
    if (Array.isArray(history)) for (const k of history) if (typeof k === 'string' && !list.includes(k)) list.push(k);
    const latest = raw.get('publicKey');
    if (typeof latest === 'string' && !list.includes(latest)) list.push(latest);
    keys.set(memberId, list);
  });
  return keys;
}

/** The identity of one signed ballot of one member in one proposal: exactly what was signed. */
export function signedBallotId(docId: string, proposalId: string, memberId: string, ballot: StoredBallot): string {
  return `${ballotSigningPayload(docId, proposalId, memberId, ballot)}\n${ballot.signature ?? ''}`;
}

/**
 * Verify every ballot of a proposal (the live ones and those recorded at close). Resolves to
 * the set of {@link signedBallotId}s that verified against their member's keys.
 */
export async function verifyProposalBallots(
  docId: string,
  view: ProposalView,
  keysOf: MemberKeys,
  verifier: SignatureVerifier = new SignatureVerifier()
): Promise<Set<string>> {
  const candidates: Array<[string, StoredBallot]> = [...view.ballots];
  if (view.outcome) candidates.push(...Object.entries(view.outcome.counted));
  const verified = new Set<string>();
  await Promise.all(
    candidates.map(async ([memberId, ballot]) => {
      if (!ballot.signature) return;
      const payload = ballotSigningPayload(docId, view.id, memberId, ballot);
      if (await verifier.verify(keysOf(memberId), payload, ballot.signature)) verified.add(signedBallotId(docId, view.id, memberId, ballot));
    })
  );
  return verified;
}

/** Why a ballot does not verify (shown as "invalid — not counted"), with its note for the reader's language. */
export const SIGNATURE_REASONS = {
  unsigned: { note: 'Not signed by the member’s device — not counted.', why: 'unsigned' },
  noKey: { note: 'This member has no registered key yet — not counted until it arrives.', why: 'no-key' },
  forged: { note: 'The signature does not match this member’s key (written by someone else?) — not counted.', why: 'forged' }
} as const satisfies Record<string, BallotRefusal>;

/** The tally's `acceptBallot` hook for a verified set from {@link verifyProposalBallots}. */
export function signatureCheck(docId: string, proposalId: string, verified: ReadonlySet<string>, keysOf: MemberKeys): NonNullable<TallyOptions['acceptBallot']> {
  return (memberId, ballot) => {
    if (verified.has(signedBallotId(docId, proposalId, memberId, ballot))) return true;
    if (!ballot.signature) return SIGNATURE_REASONS.unsigned;
    return keysOf(memberId).length === 0 ? SIGNATURE_REASONS.noKey : SIGNATURE_REASONS.forged;
  };
}

/**
 * Read, verify and return the acceptBallot hook for one proposal in one step (closing
 * needs it: the device's and the relay's auto-close, and the Close button). Null when the
 * block is not a readable proposal.
 */
export async function acceptSignedBallots(
  doc: Y.Doc,
  docId: string,
  proposalId: string,
  keysOf: MemberKeys,
  verifier?: SignatureVerifier
): Promise<NonNullable<TallyOptions['acceptBallot']> | null> {
  const view = readProposal(doc, proposalId).value;
  if (!view) return null;
  const verified = await verifyProposalBallots(docId, view, keysOf, verifier);
  return signatureCheck(docId, proposalId, verified, keysOf);
}

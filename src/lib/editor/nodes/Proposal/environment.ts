/**
 * What a proposal block needs from the page around it, beyond the props every block view
 * gets: the document id (signatures bind it), the workspace's voting members and their
 * keys, the device's signing key, and who may close. The page provides it per Y.Doc
 * (`provideProposalEnvironment`) before the editor mounts its blocks; without one (the
 * /dev/editor sandbox) the block still works, unsigned and without a member list.
 *
 * Getters, not values: the page backs them with its reactive session, so a view reading
 * them inside `$derived` or `$effect` updates when members or keys change.
 */
import type * as Y from 'yjs';
import type { MemberKeys, SignatureVerifier } from '../../../shared/model/signatures.ts';

export interface ProposalEnvironment {
  docId: string;
  /** Members who may vote (not viewers, not removed), in directory order. */
  voters(): string[];
  /** Display name of a member id. */
  memberName(memberId: string): string;
  /** Registered public keys per member. */
  keysOf: MemberKeys;
  /** Shared, caching verifier. */
  verifier: SignatureVerifier;
  /** Sign with this device's key (null: signing unavailable here). */
  sign: ((payload: string) => Promise<string>) | null;
  /** Announce a lifecycle change (open, close, reopen, extend) so other devices fetch this document now. */
  announce(): void;
  /** A proposal of this document was closed here: keep a version of the document as decided. */
  decided(title: string): void;
  /** Whether the member on this device is an admin (admins may close, reopen, extend any proposal). */
  isAdmin(): boolean;
}

const environments = new WeakMap<Y.Doc, ProposalEnvironment>();

/** Provide the environment for the blocks of `doc`; returns a function that removes it. */
export function provideProposalEnvironment(doc: Y.Doc, env: ProposalEnvironment): () => void {
  environments.set(doc, env);
  return () => {
    if (environments.get(doc) === env) environments.delete(doc);
  };
}

/** The environment of `doc`'s blocks, or null (sandbox). */
export function proposalEnvironment(doc: Y.Doc): ProposalEnvironment | null {
  return environments.get(doc) ?? null;
}

/**
 * What a proposal block needs from the page around it, beyond the props every block view
 * gets: the document id (signatures bind it), the workspace's voting members and their
 * keys, the device's signing key, and who may close. The page provides it through the
 * document's BlockContext (context.svelte.ts); without one (the /dev/editor sandbox) the
 * block still works, unsigned, without a member list, closing on this device's clock.
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
  /** A proposal of this document was closed here: keep a version of the document as decided (rejects with plain words). */
  decided(title: string): Promise<void>;
  /** Whether the member on this device is an admin (admins may close, reopen, extend any proposal). */
  isAdmin(): boolean;
  /**
   * A person asked to close now. Closing decides for everyone, so it waits until this device
   * holds everything the relay has (the document is synced) and stamps the close with the
   * relay's clock, never this device's. Resolves the time to record, or why not (plain words).
   */
  readyToClose(): Promise<{ at: number } | { problem: string }>;
  /**
   * Issue 24: this member's own private document (secret ballots are cast into it), held live
   * through the Repo; null where there is none (a viewer, the sandbox).
   */
  ownPrivate?(): Y.Doc | null;
}

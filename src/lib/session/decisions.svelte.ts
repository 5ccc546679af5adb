/**
 * Decisions glue for one workspace session (issue 8): this device's signing key and its
 * registration, member keys and voters from the index, closing proposals whose deadline
 * passed, and the environment proposal blocks read (see editor/nodes/Proposal/environment.ts).
 */
import type * as Y from 'yjs';
import {
  SignatureVerifier,
  acceptSignedBallots,
  closeProposal,
  isModelError,
  memberKeysOf,
  nudgeDocument,
  NUDGES_KEY,
  proposalsDueToClose,
  votingMembers
} from '$lib/shared/model';
import { deviceKey } from '$lib/local/keys';
import type { ProposalEnvironment } from '$lib/editor/nodes/Proposal/environment';
import { patchMember } from './api';
import { recordVersion } from './history';
import type { WorkspaceSession } from './workspace.svelte';

const supports = new WeakMap<WorkspaceSession, DecisionSupport>();

/** The decisions support of a session (one per session). */
export function decisionSupport(session: WorkspaceSession): DecisionSupport {
  let s = supports.get(session);
  if (!s) {
    s = new DecisionSupport(session);
    supports.set(session, s);
  }
  return s;
}

export class DecisionSupport {
  readonly verifier = new SignatureVerifier();
  /** Plain words when this device cannot sign or register its key. */
  keyProblem = $state<string | null>(null);
  private registering: Promise<void> | null = null;

  constructor(private readonly session: WorkspaceSession) {}

  /** Registered keys per member (reads the index; call where `session.members` is read too). */
  keysOf = (memberId: string): readonly string[] => memberKeysOf(this.session.index.doc).get(memberId) ?? [];

  /** Voting members; reading `session.members` makes callers in `$derived` update on directory changes. */
  voters = (): string[] => {
    void this.session.members;
    return votingMembers(this.session.index.doc);
  };

  /**
   * Make sure this device's public key is registered with the membership (once per page
   * load; retried on the next call after a failure, e.g. offline). Viewers don't vote.
   */
  ensureKeyRegistered(): Promise<void> {
    if (!this.session.canEdit) return Promise.resolve();
    this.registering ??= (async () => {
      const { workspaceId, memberId, token } = this.session.record;
      const key = await deviceKey(workspaceId, memberId);
      if (this.keysOf(memberId).includes(key.publicKey)) return;
      await patchMember(token, workspaceId, memberId, { publicKey: key.publicKey });
    })()
      .then(() => {
        this.keyProblem = null;
      })
      .catch((error: unknown) => {
        this.registering = null;
        // Offline is normal: ballots are signed anyway and count once the key is registered.
        if (navigator.onLine) this.keyProblem = error instanceof Error ? error.message : String(error);
      });
    return this.registering;
  }

  /** Sign with this device's key. */
  sign = async (payload: string): Promise<string> => {
    const key = await deviceKey(this.session.workspaceId, this.session.record.memberId);
    void this.ensureKeyRegistered();
    return key.sign(payload);
  };

  /**
   * Close due proposals of a document that may not be open on this page (the workspace's
   * watcher): load it from the device, close, store, and give the relay a moment to take it.
   */
  async closeDueIn(docId: string): Promise<number> {
    if (!this.session.canEdit) return 0;
    const opened = this.session.open(docId);
    try {
      await opened.handle.whenLoaded;
      const closed = await this.closeDue(docId, opened.doc);
      if (closed > 0) {
        nudgeDocument(this.session.index.doc, docId, { memberId: this.session.record.memberId });
        await opened.handle.flush();
        await opened.sync.whenSynced(8000);
      }
      return closed;
    } finally {
      await opened.close();
    }
  }

  /**
   * Fetch documents other devices nudged (see nudgeDocument) as soon as the nudge arrives,
   * so announcements and outcomes show without waiting for the next background pass.
   * Returns the function that stops listening.
   */
  followNudges(): () => void {
    const nudges = this.session.index.doc.getMap<unknown>(NUDGES_KEY);
    const onNudge = (event: { keysChanged: Set<string> }, transaction: { local: boolean }) => {
      if (transaction.local) return;
      for (const docId of event.keysChanged) void this.fetch(docId);
    };
    nudges.observe(onNudge);
    return () => nudges.unobserve(onNudge);
  }

  /** Bring one document up to date on this device now (best effort). */
  private async fetch(docId: string): Promise<void> {
    const opened = this.session.open(docId);
    try {
      await opened.handle.whenLoaded;
      await opened.sync.whenSynced(8000);
      await opened.handle.flush();
    } catch {
      // Best effort: the background replication brings it later.
    } finally {
      await opened.close();
    }
  }

  /** The environment for proposal blocks of one document. */
  environment(docId: string, doc: Y.Doc): ProposalEnvironment {
    return {
      docId,
      voters: this.voters,
      memberName: (id) => this.session.members.find((m) => m.id === id)?.name ?? (id === 'relay' ? 'the relay' : 'a former member'),
      keysOf: this.keysOf,
      verifier: this.verifier,
      sign: this.session.canEdit ? this.sign : null,
      isAdmin: () => this.session.isAdmin,
      announce: () => nudgeDocument(this.session.index.doc, docId, { memberId: this.session.record.memberId }),
      // "When a proposal closes" is one of the moments a version is kept (issue 12); best effort.
      decided: (title) => void recordVersion(doc, { reason: 'proposal-closed', name: title, actor: { memberId: this.session.record.memberId } }).catch(() => {})
    };
  }

  /**
   * Close every proposal of `doc` whose deadline passed at `now`, counting verified ballots.
   * Safe to race with other devices and the relay: the first close in the log wins.
   * Resolves to how many this device closed.
   */
  async closeDue(docId: string, doc: Y.Doc, now = Date.now()): Promise<number> {
    let closed = 0;
    for (const id of proposalsDueToClose(doc, now)) {
      const accept = await acceptSignedBallots(doc, docId, id, this.keysOf, this.verifier);
      if (!accept) continue;
      try {
        closeProposal(doc, id, { memberCount: this.voters().length, acceptBallot: accept }, { memberId: this.session.record.memberId, at: now });
        closed++;
      } catch (error) {
        // Closed meanwhile (by another device or the relay): nothing to do.
        if (!isModelError(error)) throw error;
      }
    }
    return closed;
  }
}

/**
 * Decisions glue for one workspace session (issue 8): this device's signing key and its
 * registration, member keys and voters from the index, fetching documents other devices
 * nudged, and the environment proposal blocks read (see editor/nodes/Proposal/environment.ts).
 *
 * Proposals are closed at their deadline by the relay (server/rules/deadlines.ts), never by a
 * device: a device's clock may be wrong, and a device that has not synced may miss ballots.
 * A person may close one early; {@link DecisionSupport.readyToClose} makes that wait for the
 * document to be synced and stamps it with the relay's clock.
 */
import { SignatureVerifier, memberKeysOf, memberPrivateDocId, nudgeDocument, NUDGES_KEY, votingMembers, type Member } from '$lib/shared/model';
import { deviceKey } from '$lib/local/keys';
import type { DocHandle, DocRef, WorkspaceRecord } from '$lib/local';
import type { ProposalEnvironment } from '$lib/editor/nodes/Proposal/environment';
import { relayClock } from './clock.svelte';
import type { HistoryTarget } from './history';
import { m } from '../paraglide/messages.js';

/** What decisions need of their workspace (a WorkspaceSession; an interface keeps imports one-way). */
export interface DecisionHost {
  readonly index: DocHandle;
  readonly members: Member[];
  readonly record: WorkspaceRecord;
  readonly workspaceId: string;
  readonly canEdit: boolean;
  readonly isAdmin: boolean;
  open(docId: string): DocRef;
  historyTarget(docId: string): HistoryTarget;
}

/** How long a close waits for the document to sync before saying why it cannot. */
const CLOSE_SYNC_WAIT_MS = 10_000;

export class DecisionSupport {
  readonly verifier = new SignatureVerifier();
  /** Plain words when this device cannot sign or register its key. */
  keyProblem = $state<string | null>(null);
  private registering: Promise<void> | null = null;
  /** This member's private document, held live once a proposal block asks for it (issue 24). */
  private own: DocRef | null = null;

  constructor(private readonly session: DecisionHost) {}

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
      // The admin calls (api.ts) load when one is made, not with the page (issue 25).
      const { patchMember } = await import('./api');
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

  /** Bring one document up to date on this device now (the background replication retries otherwise). */
  private async fetch(docId: string): Promise<void> {
    const opened = this.session.open(docId);
    try {
      await opened.handle.whenLoaded;
      await opened.handle.whenSynced(8000);
    } finally {
      await opened.release();
    }
  }

  /**
   * A person asked to close a proposal of `handle`'s document. Closing decides for everyone,
   * so this device must hold every ballot the relay has: wait (a little) for the document to
   * be synced, then stamp the close with the relay's clock, sampled now.
   */
  async readyToClose(handle: DocHandle): Promise<{ at: number } | { problem: string }> {
    const offline = m.decisions_close_offline();
    if (!navigator.onLine) return { problem: offline };
    const synced = await handle.whenSynced(CLOSE_SYNC_WAIT_MS);
    if (synced === 'refused') return { problem: m.decisions_not_syncing() };
    if (synced !== 'synced') return { problem: m.decisions_close_unreachable({ offline }) };
    if (!(await relayClock.sample())) return { problem: offline };
    return { at: relayClock.now() };
  }

  /**
   * This member's own private document (secret ballots go there), held live for the session
   * from the first time a proposal block asks. Null for viewers (they do not vote).
   */
  ownPrivate = (): DocRef['doc'] | null => {
    if (!this.session.canEdit) return null;
    if (!this.own) {
      const docId = memberPrivateDocId(this.session.record.memberId);
      if (!docId) return null;
      this.own = this.session.open(docId);
    }
    return this.own.doc;
  };

  /** The environment for proposal blocks of one document. */
  environment(ref: DocRef): ProposalEnvironment {
    const { docId, doc } = ref;
    return {
      docId,
      voters: this.voters,
      memberName: (id) => this.session.members.find((m) => m.id === id)?.name ?? (id === 'relay' ? m.common_the_relay() : m.common_former_member()),
      keysOf: this.keysOf,
      verifier: this.verifier,
      sign: this.session.canEdit ? this.sign : null,
      isAdmin: () => this.session.isAdmin,
      announce: () => nudgeDocument(this.session.index.doc, docId, { memberId: this.session.record.memberId }),
      readyToClose: () => this.readyToClose(ref.handle),
      ownPrivate: this.ownPrivate,
      // "When a proposal closes" is one of the moments a version is kept (issue 12). The
      // history's code loads then, not with every document (issue 25).
      decided: async (title) => {
        const { recordVersion } = await import('./history');
        await recordVersion(this.session.historyTarget(docId), doc, { reason: 'proposal-closed', name: title, actor: { memberId: this.session.record.memberId } });
      }
    };
  }
}

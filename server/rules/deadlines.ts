/**
 * Server-side rule: close proposals whose deadline has passed (issue 8).
 *
 * Devices close a proposal when they see its deadline pass (the open block, or the
 * workspace's watcher); the relay does it too, so a decision is recorded even when nobody
 * opens the app. Checked when a document is loaded and on a sweep over the documents this
 * rule has seen loaded (only while they are still in memory: a document that unloads is
 * checked again on its next load).
 *
 * Races are safe by the model's rule: concurrent closes append to the lifecycle log and
 * the first in array order wins on every replica; a device that closed first simply wins.
 * The relay counts only ballots whose signature verifies against the member's registered
 * keys, exactly like the devices do.
 */
import {
  RELAY_MEMBER_ID,
  SignatureVerifier,
  acceptSignedBallots,
  closeProposal,
  isModelError,
  memberKeysOf,
  proposalsDueToClose,
  readProposal,
  votingMembers
} from '#shared/model/index';
import { INDEX_DOC_ID } from '#shared/protocol';
import { errorMessage, type Logger } from '../log.ts';
import { runDirectly, type RunOnce } from '../coordination/document-jobs.ts';
import type { DocumentManager } from '../relay/documents.ts';

/** What the rule needs. */
export interface DeadlineRuleOptions {
  documents: DocumentManager;
  logger: Logger;
  /** Sweep interval over loaded documents, ms (0 disables the sweep; loads still check). */
  sweepMs: number;
  /** The clock (tests). */
  now?: () => number;
  /** Called after proposals were closed (e.g. to record a version of the document). */
  onClosed?: (workspaceId: string, docId: string, proposals: { id: string; title: string }[]) => void;
  /**
   * Runs a document's check once across instances (server/coordination/document-jobs.ts): two
   * instances serving one document would otherwise both close its proposals. Default: directly.
   */
  runOnce?: RunOnce;
}

/** The running rule: tell it about loaded documents; stop it on shutdown. */
export interface DeadlineRule {
  /** A document was loaded into memory. */
  onLoaded(workspaceId: string, docId: string): void;
  /** Close every due proposal of one document now; resolves to the ids closed. */
  check(workspaceId: string, docId: string): Promise<string[]>;
  /** Loaded documents the sweep covers (tests and the bench check it drops back to 0). */
  readonly watchedCount: number;
  stop(): void;
}

export function createDeadlineRule({ documents, logger, sweepMs, now = Date.now, onClosed, runOnce = runDirectly }: DeadlineRuleOptions): DeadlineRule {
  const seen = new Set<string>();
  const verifier = new SignatureVerifier();
  let stopped = false;

  async function check(workspaceId: string, docId: string): Promise<string[]> {
    if (stopped || docId === INDEX_DOC_ID) return [];
    // Null: another instance is checking this document right now; what it closes reaches us.
    return (await runOnce('deadlines', workspaceId, docId, () => closeDue(workspaceId, docId))) ?? [];
  }

  async function closeDue(workspaceId: string, docId: string): Promise<string[]> {
    const at = now();
    const due = await documents.read(workspaceId, docId, (ydoc) => proposalsDueToClose(ydoc, at));
    if (due.length === 0) return [];
    const { keys, members } = await documents.read(workspaceId, INDEX_DOC_ID, (index) => ({ keys: memberKeysOf(index), members: votingMembers(index) }));
    const keysOf = (memberId: string) => keys.get(memberId) ?? [];
    // Verify outside the document's transaction (WebCrypto is async), then close synchronously.
    const ydocChecks = await documents.read(workspaceId, docId, (ydoc) =>
      due.map((id) => ({ id, accept: acceptSignedBallots(ydoc, docId, id, keysOf, verifier) }))
    );
    const checks = await Promise.all(ydocChecks.map(async (c) => ({ id: c.id, accept: await c.accept })));
    const closed: string[] = [];
    const titles: { id: string; title: string }[] = [];
    await documents.change(workspaceId, docId, (ydoc) => {
      for (const { id, accept } of checks) {
        const view = readProposal(ydoc, id).value;
        if (!view || view.status !== 'open' || view.deadline === null || view.deadline >= at || !accept) continue;
        try {
          closeProposal(ydoc, id, { memberCount: members.length, acceptBallot: accept }, { memberId: RELAY_MEMBER_ID, at });
          closed.push(id);
          titles.push({ id, title: view.title });
        } catch (err) {
          if (!isModelError(err)) throw err;
          logger.warn('proposal-auto-close-refused', { workspace: workspaceId, doc: docId, proposal: id, error: err.message });
        }
      }
    });
    if (closed.length > 0) {
      logger.info('proposals-closed-at-deadline', { workspace: workspaceId, doc: docId, count: closed.length });
      onClosed?.(workspaceId, docId, titles);
    }
    return closed;
  }

  const run = (workspaceId: string, docId: string): void => {
    check(workspaceId, docId).catch((err: unknown) => {
      if (!stopped) logger.warn('proposal-deadline-check-failed', { workspace: workspaceId, doc: docId, error: errorMessage(err) });
    });
  };

  const timer = sweepMs > 0
    ? setInterval(() => {
        for (const key of seen) {
          const [workspaceId, docId] = JSON.parse(key) as [string, string];
          // Only documents still in memory: reading one would load it (and keep it loaded).
          if (!documents.isLoaded(workspaceId, docId)) seen.delete(key);
          else run(workspaceId, docId);
        }
      }, sweepMs)
    : null;
  timer?.unref?.();

  return {
    onLoaded(workspaceId, docId) {
      if (docId === INDEX_DOC_ID || stopped) return;
      const key = JSON.stringify([workspaceId, docId]);
      seen.add(key);
      // Forget it when it unloads (the relay destroys its Y.Doc) rather than at the next sweep:
      // with the sweep off (sweepMs 0) nothing else would ever remove it.
      documents.read(workspaceId, docId, (ydoc) => ydoc.once('destroy', () => seen.delete(key))).catch(() => {});
      run(workspaceId, docId);
    },
    get watchedCount() {
      return seen.size;
    },
    check,
    stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      seen.clear();
    }
  };
}

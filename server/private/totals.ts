/**
 * Server totals of private answers (issue 24). Members answer in their own private documents
 * (`member-private-<memberId>`, served to nobody else); this module recomputes the totals of a
 * question whenever an answer to it changes, or the shared document it belongs to changes
 * (a secret ballot's proposal closing), and writes them into that shared document's `server`
 * root, which no client may write (docs/model.md, *Member-private documents and server totals*).
 *
 * One recomputation reads the answer of every active member (their private documents, loaded
 * if need be), keeps what the aggregator parses and verifies, and writes the record inside one
 * server change of the shared document — the aggregator reads the document's state in the same
 * transaction it writes, so a close that lands meanwhile is never judged by stale totals. It
 * writes only when the record differs, so running it twice (two instances, a retry) is harmless.
 *
 * Scale-out: each recomputation runs under the coordinator's exclusive lock for its subject
 * (server/coordination/document-jobs.ts), after catching up with the shared store. An instance
 * that finds the lock taken tries again a moment later: the other instance may have read the
 * answers before the change this one saw.
 */
import * as Y from 'yjs';
import { AGGREGATORS, aggregatorOf } from '#shared/model/aggregators';
import { answerKey, isMemberPrivateDoc, memberPrivateDocId, parseAnswerKey, PrivateAnswerKeys, readAnswer, type AnswerKey } from '#shared/model/private-answers';
import { readTotals, TOTALS_ROOT, totalsKey, totalsRecord, type Aggregator, type MemberAnswer } from '#shared/model/private-totals';
import { memberKeysOf, SignatureVerifier } from '#shared/model/signatures';
import { canonicalJson } from '#shared/model/validate';
import { isGroupDoc } from '#shared/model/reserved-docs';
import { INDEX_DOC_ID, PRIVATE_DOC_PREFIX } from '#shared/protocol';
import type { Auth } from '../auth/auth.ts';
import { runDirectly, type RunOnce } from '../coordination/document-jobs.ts';
import { errorMessage, type Logger } from '../log.ts';
import type { DocumentManager } from '../relay/documents.ts';

type Registry = Readonly<Record<string, Aggregator<unknown>>>;

/** What the module needs. */
export interface PrivateTotalsOptions {
  documents: DocumentManager;
  auth: Pick<Auth, 'listMembers'>;
  logger: Logger;
  /** Runs one subject's recomputation once across instances. Default: directly. */
  runOnce?: RunOnce;
  /** The relay's clock. */
  now?: () => number;
  /** The aggregators served (default: the registry, aggregators.ts; tests pass their own). */
  aggregators?: Registry;
  /** Wait before trying again when another instance holds a subject's lock, ms. */
  retryMs?: number;
}

/** The running module. */
export interface PrivateTotals {
  /** A document was loaded: watch it (answers changing, shared documents changing). */
  onLoaded(workspaceId: string, docId: string): void;
  /** Recompute one subject now; resolves to whether the record changed (null: locked elsewhere). */
  recompute(workspaceId: string, key: AnswerKey): Promise<boolean | null>;
  stop(): void;
}

/** At most this many questions are recomputed per change of a member's answers (one hostile member cannot queue thousands). */
const MAX_KEYS_PER_CHANGE = 64;


/** Whether a transaction changed something inside one of `roots` (no roots named: any change does). */
function touchesRoots(doc: Y.Doc, transaction: Y.Transaction, roots: readonly string[] | undefined): boolean {
  if (!roots) return true;
  return roots.some((name) => {
    const root = doc.share.get(name);
    return root !== undefined && (transaction.changed.has(root) || transaction.changedParentTypes.has(root));
  });
}

export function createPrivateTotals(options: PrivateTotalsOptions): PrivateTotals {
  const { documents, auth, logger, runOnce = runDirectly, now = Date.now, aggregators = AGGREGATORS, retryMs = 1000 } = options;
  const verifier = new SignatureVerifier();
  /** Subjects being recomputed on this instance; `again`: a change arrived meanwhile. */
  const running = new Map<string, { again: boolean }>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let stopped = false;

  async function answersFor(workspaceId: string, key: AnswerKey, aggregator: Aggregator<unknown>): Promise<MemberAnswer<unknown>[]> {
    const members = (await auth.listMembers(workspaceId)).filter((m) => !m.revoked).map((m) => m.memberId).sort();
    const answers: MemberAnswer<unknown>[] = [];
    for (const memberId of members) {
      const docId = memberPrivateDocId(memberId);
      if (!docId) continue;
      const raw = await documents.read(workspaceId, docId, (doc) => readAnswer(doc, key));
      if (raw === undefined) continue;
      const answer = aggregator.parse(raw);
      if (answer !== null) answers.push({ memberId, answer });
    }
    if (!aggregator.verify || answers.length === 0) return answers;
    const keys = await documents.read(workspaceId, INDEX_DOC_ID, (index) => memberKeysOf(index));
    return aggregator.verify(answers, { docId: key.docId, subject: key.subject, keysOf: (m) => keys.get(m) ?? [], verifier });
  }

  /** Read the answers, then compute and write in one change of the shared document. */
  async function work(workspaceId: string, key: AnswerKey, aggregator: Aggregator<unknown>): Promise<boolean> {
    const applies = await documents.read(workspaceId, key.docId, (target) => aggregator.targetState(target, key.subject) !== null);
    if (!applies) return false;
    const answers = await answersFor(workspaceId, key, aggregator);
    let changed = false;
    await documents.change(workspaceId, key.docId, (target) => {
      const state = aggregator.targetState(target, key.subject);
      if (state === null) return;
      const previous = readTotals(target, aggregator.id, key.subject);
      const result = aggregator.aggregate({ docId: key.docId, subject: key.subject, target, answers, previous, now: now() });
      const record = totalsRecord(aggregator.id, key.subject, state, result);
      if (previous && canonicalJson(previous) === canonicalJson(record)) return;
      target.getMap<unknown>(TOTALS_ROOT).set(totalsKey(aggregator.id, key.subject), record);
      changed = true;
    });
    return changed;
  }

  async function recompute(workspaceId: string, key: AnswerKey): Promise<boolean | null> {
    const aggregator = aggregatorOf(key.aggregator, aggregators);
    if (!aggregator || !isGroupDoc(key.docId) || stopped) return false;
    return runOnce(`private-totals:${key.aggregator}:${key.subject}`, workspaceId, key.docId, () => work(workspaceId, key, aggregator));
  }

  /** Recompute a subject soon; one run at a time per subject, again if asked meanwhile. */
  function schedule(workspaceId: string, key: AnswerKey): void {
    const id = `${workspaceId}/${answerKey(key)}`;
    const current = running.get(id);
    if (current) {
      current.again = true;
      return;
    }
    const entry = { again: true };
    running.set(id, entry);
    const loop = async () => {
      while (entry.again && !stopped) {
        entry.again = false;
        const outcome = await recompute(workspaceId, key);
        if (outcome === null && !stopped) {
          // Another instance holds the lock: it may have read the answers before this change.
          await new Promise<void>((resolve) => {
            const timer = setTimeout(() => (timers.delete(timer), resolve()), retryMs);
            timers.add(timer);
          });
          entry.again = true;
        }
      }
    };
    loop()
      .catch((err: unknown) => {
        if (!stopped) logger.warn('private-totals-failed', { workspace: workspaceId, doc: key.docId, aggregator: key.aggregator, error: errorMessage(err) });
      })
      .finally(() => running.delete(id));
  }

  /** A member's answers changed: recompute each question touched. */
  function watchAnswers(workspaceId: string, doc: Y.Doc): () => void {
    const answers = doc.getMap<unknown>(PrivateAnswerKeys.answers);
    const onChange = (event: Y.YMapEvent<unknown>) => {
      let n = 0;
      for (const text of event.keysChanged) {
        const key = parseAnswerKey(text);
        if (!key || !aggregatorOf(key.aggregator, aggregators)) continue;
        if (++n > MAX_KEYS_PER_CHANGE) {
          logger.warn('private-totals-too-many-keys', { workspace: workspaceId, keys: event.keysChanged.size });
          break;
        }
        schedule(workspaceId, key);
      }
    };
    answers.observe(onChange);
    return () => answers.unobserve(onChange);
  }

  /** A shared document changed: recompute subjects whose state moved on from their record (a close). */
  function checkTarget(workspaceId: string, docId: string, doc: Y.Doc, transaction: Y.Transaction | null): void {
    for (const aggregator of Object.values(aggregators)) {
      if (!aggregator.subjectsOf || (transaction && !touchesRoots(doc, transaction, aggregator.watchRoots))) continue;
      for (const subject of aggregator.subjectsOf(doc)) {
        const state = aggregator.targetState(doc, subject);
        if (state !== null && readTotals(doc, aggregator.id, subject)?.state !== state) schedule(workspaceId, { aggregator: aggregator.id, docId, subject });
      }
    }
  }

  function watchTarget(workspaceId: string, docId: string, doc: Y.Doc): () => void {
    const onUpdate = (transaction: Y.Transaction) => checkTarget(workspaceId, docId, doc, transaction);
    doc.on('afterTransaction', onUpdate);
    checkTarget(workspaceId, docId, doc, null);
    return () => doc.off('afterTransaction', onUpdate);
  }

  return {
    onLoaded(workspaceId, docId) {
      if (stopped || docId === INDEX_DOC_ID || docId.startsWith(PRIVATE_DOC_PREFIX)) return;
      documents
        .read(workspaceId, docId, (doc) => {
          const stop = isMemberPrivateDoc(docId) ? watchAnswers(workspaceId, doc) : watchTarget(workspaceId, docId, doc);
          doc.once('destroy', stop);
        })
        .catch((err: unknown) => logger.warn('private-totals-watch-failed', { workspace: workspaceId, doc: docId, error: errorMessage(err) }));
    },
    recompute,
    stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    }
  };
}

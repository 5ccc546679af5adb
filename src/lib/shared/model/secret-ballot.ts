/**
 * Secret ballots (issue 24), on the mechanism of private-answers.ts and private-totals.ts.
 *
 * A proposal set to secret in its draft is opened with `secret: true` in its open entry. Each
 * voter's ballot — signed exactly as an open ballot is, over the document, proposal, member and
 * ballot (`ballotSigningPayload`) — goes to the voter's private document under the answer key
 * `ballot:<docId>:<proposalId>`, never into the shared document. The relay verifies the
 * signatures and writes into the proposal's document (`server` root,
 * `totals:ballot:<proposalId>`):
 *
 * - `voters`: who has a valid, counted ballot — participation stays transparent;
 * - `totals`: the running result, only while open if the group chose "show results while open",
 *   in steps (private-totals.ts, the step rule): first once 3 ballots count, then again only once
 *   3 more count than the last published result covered — so watching the totals move alongside
 *   the public list of voters never isolates one ballot; after close, the frozen outcome's result;
 * - `closes`: per close (`<closedAt>:<closedBy>`), the outcome frozen when the relay first saw
 *   it — its result (counts, rounds, quorum, explanation) and the count of valid signatures,
 *   never a ballot. A reopen and a later close freeze a new one; a frozen one never changes.
 */
import * as Y from 'yjs';
import { getBlocks, blockTypeOf, type Actor } from './doc';
import { DocKeys } from './schema';
import { ModelError } from './errors';
import { getMethod } from './methods/index';
import { clearAnswer, readAnswer, setAnswer, type AnswerKey } from './private-answers';
import { inSteps, DEFAULT_TOTALS_THRESHOLD, type Aggregate, type AggregateInput, type Aggregator, type MemberAnswer } from './private-totals';
import { ballotSigningPayload, checkedBallot, type BallotInput } from './proposal';
import { parseStoredBallot, readProposal, SECRET_BALLOT_AGGREGATOR, type ProposalView, type StoredBallot } from './proposal-read';
import { closeKeyOf, closesOf, isResult } from './secret-state';
import { decide } from './tally';
import { isRecord } from './validate';

/** The answer key of a member's secret ballot. */
export function secretBallotKey(docId: string, proposalId: string): AnswerKey {
  return { aggregator: SECRET_BALLOT_AGGREGATOR, docId, subject: proposalId };
}

/**
 * Cast or change the acting member's secret ballot: checked against the proposal like any
 * ballot (open, deadline, method), then written to `privateDoc` — the member's own private
 * document. Sign `ballotSigningPayload(docId, proposalId, memberId, prepareBallot(input, at))`
 * first and pass the signature, as for open ballots.
 */
export function castSecretBallot(proposalDoc: Y.Doc, privateDoc: Y.Doc, docId: string, proposalId: string, input: BallotInput, actor: Actor): StoredBallot {
  const view = readProposal(proposalDoc, proposalId).value;
  if (!view) throw new ModelError('not-found', 'This proposal no longer exists.');
  if (!view.secret) throw new ModelError('invalid-input', 'This proposal is not a secret ballot.');
  const ballot = checkedBallot(view, input, actor);
  setAnswer(privateDoc, secretBallotKey(docId, proposalId), ballot, actor);
  return ballot;
}

/** Withdraw the acting member's secret ballot while the proposal is open. */
export function withdrawSecretBallot(proposalDoc: Y.Doc, privateDoc: Y.Doc, docId: string, proposalId: string, actor: Actor): void {
  const view = readProposal(proposalDoc, proposalId).value;
  if (!view || view.status !== 'open') throw new ModelError('not-open', 'Ballots can be withdrawn only while the proposal is open.');
  clearAnswer(privateDoc, secretBallotKey(docId, proposalId), actor);
}

/** The member's own secret ballot, from their private document (null: none, or unreadable). */
export function ownSecretBallot(privateDoc: Y.Doc, docId: string, proposalId: string): StoredBallot | null {
  const raw = readAnswer(privateDoc, secretBallotKey(docId, proposalId));
  if (raw === undefined) return null;
  const parsed = parseStoredBallot(raw);
  return typeof parsed === 'string' ? null : parsed;
}

/** The ballots that count now: accepted by the method, cast by the deadline (and by the close). */
function countable(view: ProposalView, answers: readonly MemberAnswer<StoredBallot>[], until: number | null): Record<string, StoredBallot> {
  const counted: Record<string, StoredBallot> = {};
  if (view.method === null) return counted;
  const method = getMethod(view.method);
  for (const { memberId, answer } of answers) {
    if (method.checkBallot(answer, view)) continue;
    if (view.deadline !== null && answer.castAt > view.deadline) continue;
    if (until !== null && answer.castAt > until) continue;
    counted[memberId] = answer;
  }
  return counted;
}

function aggregateSecret(input: AggregateInput<StoredBallot>): Aggregate {
  const view = readProposal(input.target, input.subject).value;
  const threshold = DEFAULT_TOTALS_THRESHOLD;
  if (!view || view.method === null) return { count: 0, threshold, totals: null };
  const config = { options: view.options, standAsideLimit: view.standAsideLimit };
  const closes = closesOf(input.previous);
  if (view.status === 'closed' && view.closedAt !== null && view.closedBy !== null && view.outcome) {
    const key = closeKeyOf(view.closedAt, view.closedBy);
    if (!closes[key]) {
      const counted = countable(view, input.answers, view.closedAt);
      const result = decide(view.method, config, counted, view.outcome.quorumRequired, true);
      closes[key] = { at: view.closedAt, by: view.closedBy, result, signatures: Object.keys(counted).length };
    }
    const frozen = closes[key]!;
    return { count: frozen.signatures, threshold, totals: frozen.result, extra: { voters: frozen.result.countedMembers, closes } };
  }
  const counted = countable(view, input.answers, null);
  const voters = Object.keys(counted).sort();
  if (!view.liveResults) return { count: voters.length, threshold, totals: null, extra: { voters, closes } };
  // The step rule. The last result published (live, or a close's before a reopen) and the ballots it covered.
  const previous = input.previous?.totals;
  const last = isResult(previous) ? { count: previous.countedMembers.length, totals: { ...previous, final: false } } : null;
  // Required ballots while open: a share quorum needs the member count the relay does not pass; shown as unknown.
  const required = view.quorum === null ? null : view.quorum.type === 'count' ? view.quorum.count : 'unknown';
  const method = view.method;
  const ballots = voters.map((memberId) => ({ memberId, answer: counted[memberId]! }));
  return { ...inSteps(ballots, () => decide(method, config, counted, required, false), last, threshold), extra: { voters, closes } };
}

/** The secret ballot aggregator (registered in aggregators.ts). */
export const secretBallotAggregator: Aggregator<StoredBallot> = {
  id: SECRET_BALLOT_AGGREGATOR,
  parse(raw) {
    const parsed = parseStoredBallot(raw);
    return typeof parsed === 'string' ? null : parsed;
  },
  async verify(answers, ctx) {
    const checks = await Promise.all(
      answers.map(async (a) => {
        if (!a.answer.signature) return false;
        const payload = ballotSigningPayload(ctx.docId, ctx.subject, a.memberId, a.answer);
        return ctx.verifier.verify(ctx.keysOf(a.memberId), payload, a.answer.signature);
      })
    );
    return answers.filter((_, i) => checks[i]);
  },
  targetState(target, subject) {
    const view = readProposal(target, subject).value;
    if (!view || !view.secret || view.status === 'draft') return null;
    const closes = view.lifecycle.filter((e) => e.applied && e.event.type === 'close').length;
    return `${view.status}|${view.deadline ?? ''}|${closes}|${view.closedAt ?? ''}:${view.closedBy ?? ''}`;
  },
  watchRoots: [DocKeys.blocks],
  subjectsOf(target) {
    // Cheap (runs after every change of a watched document): proposals whose draft key or open
    // entry says secret; targetState then reads the proposal properly.
    const ids: string[] = [];
    getBlocks(target).forEach((raw, id) => {
      if (!(raw instanceof Y.Map) || blockTypeOf(raw) !== 'proposal') return;
      const lifecycle = raw.get('lifecycle');
      const opened = lifecycle instanceof Y.Array && lifecycle.toArray().some((e: unknown) => isRecord(e) && e.type === 'open' && e.secret === true);
      if (opened || raw.get('secret') === true) ids.push(id);
    });
    return ids.sort();
  },
  aggregate: aggregateSecret
};

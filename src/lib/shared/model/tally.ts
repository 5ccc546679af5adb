/**
 * Tallies and results of proposals: pure functions of document state.
 *
 * While a proposal is open, the tally counts every acceptable ballot cast by
 * the deadline ("so far"). Once closed, the close event's recorded set of
 * counted ballots is the only input: ballots that arrive or change after the
 * close are shown (late, changed after close) but never change the outcome.
 */
import type * as Y from 'yjs';
import { getMethod, type BallotProblem, type DecisionMethod, type MethodConfig, type MethodId } from './methods/index';
import { explain, part, type ResultPart } from './methods/reasons';
import { readProposal, type ProposalStatus, type ProposalView, type Quorum, type StoredBallot } from './proposal-read';
import { canonicalJson, type ModelIssue, type Read } from './validate';
import type { ProposalResult, QuorumState } from './result';
import { secretStateOf, type SecretState } from './secret-state';

/** Context a tally needs from outside the document. */
export interface TallyOptions {
  /** Members of the workspace, for a quorum given as a share of members. */
  memberCount?: number;
  /**
   * Extra acceptance check per ballot (issue 8: signature verification, member
   * directory). Return true to accept, or a refusal: plain words, or the words with the
   * fixed note they are (for the UI to say in the reader's language).
   */
  acceptBallot?: (memberId: string, ballot: StoredBallot) => true | string | BallotRefusal;
}

/** Why a check refused a ballot: plain words (English) and which fixed note they are. */
export interface BallotRefusal {
  note: string;
  why: BallotNote;
}

const refusalOf = (r: string | BallotRefusal): { note: string; why?: BallotNote } => (typeof r === 'string' ? { note: r } : r);

export type { QuorumState, ProposalResult } from './result';

/** How a member's ballot is treated. */
export type BallotState = 'counted' | 'changed-after-close' | 'late' | 'after-deadline' | 'invalid' | 'rejected';

/** One member's ballot in a tally. */
export interface BallotView {
  memberId: string;
  /** The ballot now in the document (null if withdrawn after close). */
  ballot: StoredBallot | null;
  /** The ballot that counts (closed: as recorded at close), or null. */
  counted: StoredBallot | null;
  state: BallotState;
  /** Plain words for the UI when the ballot is not simply counted (English). */
  note?: string;
  /** Which of the fixed notes `note` is, for the UI to say in the reader's language. */
  why?: BallotNote;
}

/**
 * The fixed notes beside a ballot that is not simply counted: when it was cast or changed, what
 * a method refused it for (its code: a missing reason, an unknown choice, anything else
 * invalid), and why its signature does not verify.
 */
export type BallotNote =
  | 'after-deadline' | 'arrived-late' | 'cast-late' | 'withdrawn-after-close' | 'changed-after-close'
  | 'reason-required' | 'unknown-choice' | 'invalid-ballot'
  | 'unsigned' | 'no-key' | 'forged';

const PROBLEM_NOTES: Record<BallotProblem['code'], BallotNote> = { 'reason-required': 'reason-required', 'unknown-choice': 'unknown-choice', 'invalid-input': 'invalid-ballot' };

/** A proposal's ballots and result. */
export interface ProposalTally {
  proposalId: string;
  status: ProposalStatus;
  /** null when the proposal is still a draft or its method is unknown (or a secret ballot's totals are not published). */
  result: ProposalResult | null;
  ballots: BallotView[];
  /** Issue 24: a secret ballot's published state (who voted, totals); `ballots` is then empty. */
  secret?: SecretState;
}

/** Ballots needed for a quorum; null when none is set; 'unknown' when a share lacks a member count. */
export function quorumRequired(quorum: Quorum | null, memberCount: number | undefined): number | null | 'unknown' {
  if (quorum === null) return null;
  if (quorum.type === 'count') return quorum.count;
  if (memberCount === undefined) return 'unknown';
  return Math.ceil(quorum.share * memberCount);
}

function methodConfig(view: Pick<ProposalView, 'options' | 'standAsideLimit'>): MethodConfig {
  return { options: view.options, standAsideLimit: view.standAsideLimit };
}

/** Why a ballot would not count for an open proposal, or null when it counts. */
function judge(
  method: DecisionMethod,
  config: MethodConfig,
  deadline: number | null,
  memberId: string,
  ballot: StoredBallot,
  options: TallyOptions
): { state: BallotState; note: string; why?: BallotNote } | null {
  const problem = method.checkBallot(ballot, config);
  if (problem) return { state: 'invalid', note: problem.reason, why: PROBLEM_NOTES[problem.code] };
  if (options.acceptBallot) {
    const accepted = options.acceptBallot(memberId, ballot);
    if (accepted !== true) return { state: 'rejected', ...refusalOf(accepted) };
  }
  if (deadline !== null && ballot.castAt > deadline) return { state: 'after-deadline', note: 'Cast after the deadline; not counted.', why: 'after-deadline' };
  return null;
}

/**
 * The ballots that count for an open proposal right now: acceptable to the
 * method and the caller's check, cast by the deadline. closeProposal freezes
 * exactly this set.
 */
export function countNow(
  view: ProposalView,
  options: TallyOptions = {}
): { counted: Record<string, StoredBallot>; ballots: BallotView[]; issues: ModelIssue[] } {
  const counted: Record<string, StoredBallot> = {};
  const ballots: BallotView[] = [];
  const issues: ModelIssue[] = [];
  if (view.method === null) return { counted, ballots, issues };
  const method = getMethod(view.method);
  const config = methodConfig(view);
  for (const [memberId, ballot] of view.ballots) {
    const verdict = judge(method, config, view.deadline, memberId, ballot, options);
    if (verdict) {
      if (verdict.state === 'invalid') issues.push({ blockId: view.id, reason: `ballot of ${memberId}: ${verdict.note}` });
      ballots.push({ memberId, ballot, counted: null, ...verdict });
    } else {
      counted[memberId] = ballot;
      ballots.push({ memberId, ballot, counted: ballot, state: 'counted' });
    }
  }
  return { counted, ballots, issues };
}

/** Apply a method and a quorum to a set of counted ballots. */
export function decide(
  methodId: MethodId,
  config: MethodConfig,
  counted: Record<string, StoredBallot>,
  required: number | null | 'unknown',
  final: boolean
): ProposalResult {
  const countedMembers = Object.keys(counted).sort();
  const outcome = getMethod(methodId).decide(
    countedMembers.map((m) => counted[m]),
    config
  );
  const participating = countedMembers.length;
  const quorum: QuorumState = {
    required: required === 'unknown' ? null : required,
    participating,
    met: required === null ? true : required === 'unknown' ? false : participating >= required
  };
  let parts = outcome.parts;
  if (!quorum.met) {
    parts =
      quorum.required === null
        ? [part('result_quorum_unknown'), ...parts]
        : participating === 0
          ? [part('result_quorum_nobody', { count: quorum.required })]
          : [part('result_quorum_not_met', { participating, required: quorum.required }), ...parts];
  } else if (participating === 0) {
    // Say it plainly: "No objections." alone reads as if people had been asked and agreed.
    parts = [part('result_nobody_voted'), ...parts];
  }
  const { explanation } = explain(...parts);
  const result: ProposalResult = {
    method: methodId,
    passed: outcome.passed && quorum.met,
    winner: quorum.met ? outcome.winner : null,
    counts: outcome.counts,
    explanation,
    parts,
    quorum,
    countedMembers,
    final
  };
  if (outcome.rounds) result.rounds = outcome.rounds;
  return result;
}

/** Tally of a proposal read from the document (see the module comment for the rules). */
export function tallyOf(view: ProposalView, options: TallyOptions = {}): Read<ProposalTally> {
  const issues: ModelIssue[] = [];
  const base = { proposalId: view.id, status: view.status };
  if (view.secret) {
    // Ballots are private: what there is to show is what the relay published (secret-ballot.ts).
    const secret = secretStateOf(view);
    return { value: { ...base, result: secret.result, ballots: [], secret }, issues };
  }
  if (view.status !== 'closed' || view.outcome === null) {
    const now = countNow(view, options);
    issues.push(...now.issues);
    const result =
      view.status === 'draft' || view.method === null
        ? null
        : decide(view.method, methodConfig(view), now.counted, quorumRequired(view.quorum, options.memberCount), false);
    return { value: { ...base, result, ballots: now.ballots }, issues };
  }

  const outcome = view.outcome;
  const config: MethodConfig = { options: outcome.options, standAsideLimit: outcome.standAsideLimit };
  const method = getMethod(outcome.method);
  const ballots: BallotView[] = [];
  for (const memberId of Object.keys(outcome.counted).sort()) {
    const counted = outcome.counted[memberId];
    const problem = method.checkBallot(counted, config);
    if (problem) issues.push({ blockId: view.id, reason: `recorded ballot of ${memberId} is not valid: ${problem.reason}` });
    const accepted = options.acceptBallot?.(memberId, counted) ?? true;
    if (accepted !== true) issues.push({ blockId: view.id, reason: `recorded ballot of ${memberId} fails a check: ${refusalOf(accepted).note}` });
    const live = view.ballots.get(memberId) ?? null;
    if (live === null) ballots.push({ memberId, ballot: null, counted, state: 'counted', note: 'Withdrawn after the proposal closed; still counted.', why: 'withdrawn-after-close' });
    else if (canonicalJson(live) === canonicalJson(counted)) ballots.push({ memberId, ballot: live, counted, state: 'counted' });
    else ballots.push({ memberId, ballot: live, counted, state: 'changed-after-close', note: 'Changed after the proposal closed; the ballot as it was at close counts.', why: 'changed-after-close' });
  }
  for (const [memberId, ballot] of view.ballots) {
    if (memberId in outcome.counted) continue;
    const verdict = judge(method, config, outcome.deadline, memberId, ballot, options);
    if (verdict) ballots.push({ memberId, ballot, counted: null, ...verdict });
    else {
      const arrivedLate = view.closedAt !== null && ballot.castAt <= view.closedAt;
      const note = arrivedLate ? 'Cast before the proposal closed but arrived after; not counted.' : 'Cast after the proposal closed; not counted.';
      ballots.push({ memberId, ballot, counted: null, state: 'late', note, why: arrivedLate ? 'arrived-late' : 'cast-late' });
    }
  }
  ballots.sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));

  const recomputed = decide(outcome.method, config, outcome.counted, outcome.quorumRequired, true);
  if (recomputed.passed !== outcome.passed || recomputed.winner !== outcome.winner) {
    issues.push({ blockId: view.id, reason: 'the recorded outcome differs from what its counted ballots give; showing the recorded outcome' });
  }
  // Frozen: the recorded decision stands even if the rules of a method change in a later version.
  // Its reason as recorded: the parts when the closing device recorded them, else only the sentence.
  const { parts: _recomputedParts, ...frozen } = recomputed;
  const result: ProposalResult = { ...frozen, passed: outcome.passed, winner: outcome.winner, explanation: outcome.explanation, ...(outcome.parts ? { parts: outcome.parts } : {}) };
  return { value: { ...base, result, ballots }, issues };
}

/** Tally of the proposal `proposalId` in `doc`; null (with an issue) if it is not a readable proposal. */
export function tallyProposal(doc: Y.Doc, proposalId: string, options: TallyOptions = {}): Read<ProposalTally | null> {
  const read = readProposal(doc, proposalId);
  if (read.value === null) return { value: null, issues: read.issues };
  const tally = tallyOf(read.value, options);
  return { value: tally.value, issues: [...read.issues, ...tally.issues] };
}

/** The proposal's result: provisional while open, the frozen outcome once closed, null for drafts. */
export function proposalResult(doc: Y.Doc, proposalId: string, options: TallyOptions = {}): Read<ProposalResult | null> {
  const tally = tallyProposal(doc, proposalId, options);
  return { value: tally.value?.result ?? null, issues: tally.issues };
}

/**
 * Proposal mutations. Settings are plain keys (last writer wins is fine for a
 * title); ballots live in a Y.Map keyed by member id, so concurrent ballots of
 * different members never touch the same key; the lifecycle is an append-only
 * log replayed in array order (see proposal-read.ts).
 */
import * as Y from 'yjs';
import { checkNewBlockId, insertBlock, mutate, requireBlock, timeOf, type Actor } from './doc';
import { ModelError } from './errors';
import { newBlockId } from './ids';
import { getMethod, isMethodId, type BallotContent, type MethodId, type ProposalOption } from './methods/index';
import { isQuorum, readProposal, type LifecycleEvent, type ProposalView, type Quorum, type RecordedOutcome, type StoredBallot } from './proposal-read';
import { countNow, decide, quorumRequired, type ProposalResult, type TallyOptions } from './tally';
import { canonicalJson, compact } from './validate';

/** Settings of a new proposal. */
export interface ProposalInput {
  /** Caller-chosen id (tests, paste); a new random id by default. */
  id?: string;
  title: string;
  method: MethodId;
  /** Score and ranked choice: the options to choose among (ids are generated when missing). */
  options?: Array<{ id?: string; label: string }>;
  deadline?: number | null;
  quorum?: Quorum | null;
  standAsideLimit?: number | null;
  resultsHidden?: boolean;
  /** Issue 24: a secret ballot (ballots go to each voter's private document). Fixed once open. */
  secret?: boolean;
  /** A secret ballot whose totals show while open (from 3 ballots). */
  liveResults?: boolean;
}

/**
 * The quorum a proposal starts with when people create one: half the voting members must
 * take part. Without it a consent proposal passes with nobody voting (silence is consent),
 * which a group rarely means on its first evening (issue 16). Changeable while a draft.
 */
export const DEFAULT_QUORUM: Readonly<Quorum> = Object.freeze({ type: 'share', share: 0.5 });

/**
 * Settings of a proposal people create (the "/" menu, the toolbar, a new Proposal document):
 * consent, with {@link DEFAULT_QUORUM}. `createProposal` itself records exactly what it is
 * given (no quorum when none is passed), so tests, copies and imports keep theirs.
 */
export function newProposalInput(title: string): ProposalInput {
  return { title, method: 'consent', quorum: { ...DEFAULT_QUORUM } };
}

/** Settings that may change while a proposal is a draft (title may change at any time). */
export type ProposalPatch = Partial<Omit<ProposalInput, 'id'>>;

function normaliseOptions(options: ProposalInput['options']): ProposalOption[] {
  return (options ?? []).map((o) => ({ id: o.id ?? newBlockId(8), label: o.label }));
}

function checkSettings(method: MethodId, options: ProposalOption[], patch: ProposalPatch): void {
  if (!isMethodId(method)) throw new ModelError('invalid-input', `Unknown decision method "${String(method)}".`);
  if (patch.quorum != null && !isQuorum(patch.quorum)) throw new ModelError('invalid-input', 'A quorum is a count of ballots or a share of members between 0 and 1.');
  if (patch.standAsideLimit != null && !(Number.isInteger(patch.standAsideLimit) && patch.standAsideLimit >= 0)) {
    throw new ModelError('invalid-input', 'The stand-aside limit is a whole number.');
  }
  if (patch.deadline != null && !Number.isFinite(patch.deadline)) throw new ModelError('invalid-input', 'The deadline is not a valid time.');
  const problem = getMethod(method).checkConfig({ options, standAsideLimit: patch.standAsideLimit ?? null });
  if (problem) throw new ModelError('invalid-input', problem);
}

function readOrThrow(doc: Y.Doc, proposalId: string): ProposalView {
  requireBlock(doc, proposalId, 'proposal');
  const view = readProposal(doc, proposalId).value;
  if (!view) throw new ModelError('not-found', 'This proposal no longer exists.');
  return view;
}

function lifecycleOf(doc: Y.Doc, proposalId: string): Y.Array<LifecycleEvent> {
  return requireBlock(doc, proposalId, 'proposal').get('lifecycle') as Y.Array<LifecycleEvent>;
}

/** Create a draft proposal; returns its block id. */
export function createProposal(doc: Y.Doc, input: ProposalInput, actor: Actor): string {
  const id = input.id ?? newBlockId();
  checkNewBlockId(doc, id);
  const options = normaliseOptions(input.options);
  checkSettings(input.method, options, input);
  mutate(doc, actor, () => {
    const block = insertBlock(doc, id, 'proposal', actor);
    block.set('title', input.title);
    block.set('method', input.method);
    const list = new Y.Array<ProposalOption>();
    block.set('options', list);
    list.push(options);
    block.set('deadline', input.deadline ?? null);
    block.set('quorum', input.quorum ?? null);
    block.set('standAsideLimit', input.standAsideLimit ?? null);
    block.set('resultsHidden', input.resultsHidden ?? false);
    if (input.secret) block.set('secret', true);
    if (input.liveResults) block.set('liveResults', true);
    block.set('statement', '');
    block.set('ballots', new Y.Map<StoredBallot>());
    block.set('lifecycle', new Y.Array<LifecycleEvent>());
  });
  return id;
}

/**
 * Change a proposal's settings. The title may change at any time; method,
 * options, quorum and limits only while it is a draft (ballots already cast
 * would otherwise be judged by rules their authors did not see).
 */
export function updateProposal(doc: Y.Doc, proposalId: string, patch: ProposalPatch, actor: Actor): void {
  const view = readOrThrow(doc, proposalId);
  const settingKeys = (['method', 'options', 'quorum', 'standAsideLimit', 'deadline', 'resultsHidden', 'secret', 'liveResults'] as const).filter((k) => patch[k] !== undefined);
  if (settingKeys.length > 0 && view.status !== 'draft') {
    throw new ModelError('not-draft', 'Only a draft proposal can change its method, options or quorum; extend the deadline instead.');
  }
  const options = patch.options !== undefined ? normaliseOptions(patch.options) : view.options;
  const method = patch.method ?? view.method ?? 'consent';
  if (settingKeys.length > 0) checkSettings(method, options, { standAsideLimit: view.standAsideLimit, quorum: view.quorum, ...patch });
  const block = requireBlock(doc, proposalId, 'proposal');
  mutate(doc, actor, () => {
    if (patch.title !== undefined) block.set('title', patch.title);
    if (patch.method !== undefined) block.set('method', patch.method);
    if (patch.quorum !== undefined) block.set('quorum', patch.quorum);
    if (patch.standAsideLimit !== undefined) block.set('standAsideLimit', patch.standAsideLimit);
    if (patch.deadline !== undefined) block.set('deadline', patch.deadline);
    if (patch.resultsHidden !== undefined) block.set('resultsHidden', patch.resultsHidden);
    if (patch.secret !== undefined) block.set('secret', patch.secret);
    if (patch.liveResults !== undefined) block.set('liveResults', patch.liveResults);
    if (patch.options !== undefined) {
      const list = block.get('options') as Y.Array<ProposalOption>;
      list.delete(0, list.length);
      list.push(options);
    }
  });
}

/** Open a draft for ballots, optionally setting its deadline. */
export function openProposal(doc: Y.Doc, proposalId: string, input: { deadline?: number | null }, actor: Actor): void {
  const view = readOrThrow(doc, proposalId);
  if (view.status !== 'draft') throw new ModelError('not-draft', 'This proposal is already open or closed.');
  if (view.method === null) throw new ModelError('invalid-input', 'This proposal has an unknown decision method.');
  const problem = getMethod(view.method).checkConfig(view);
  if (problem) throw new ModelError('invalid-input', problem);
  const deadline = input.deadline !== undefined ? input.deadline : view.deadline;
  if (deadline !== null && !Number.isFinite(deadline)) throw new ModelError('invalid-input', 'The deadline is not a valid time.');
  const block = requireBlock(doc, proposalId, 'proposal');
  mutate(doc, actor, () => {
    block.set('deadline', deadline);
    // A secret ballot is fixed here, in the log nobody can rewrite (issue 24).
    const secret = view.secret ? { secret: true as const, ...(view.liveResults ? { liveResults: true as const } : {}) } : {};
    lifecycleOf(doc, proposalId).push([{ type: 'open', by: actor.memberId, at: timeOf(actor), deadline, ...secret }]);
  });
}

/** A ballot to cast: the method's content, plus the device signature once issue 8 adds it. */
export type BallotInput = BallotContent & { signature?: string };

/**
 * Cast or change the acting member's ballot. Refused when the proposal is not
 * open here, the deadline has passed on this device's clock, or the method
 * refuses the ballot (unknown choice; a block or objection without a reason).
 */
export function castBallot(doc: Y.Doc, proposalId: string, input: BallotInput, actor: Actor): void {
  const view = readOrThrow(doc, proposalId);
  if (view.secret) throw new ModelError('secret-ballot', 'This is a secret ballot: it is cast into your private document (castSecretBallot).');
  const ballot = checkedBallot(view, input, actor);
  const ballots = requireBlock(doc, proposalId, 'proposal').get('ballots') as Y.Map<StoredBallot>;
  mutate(doc, actor, () => ballots.set(actor.memberId, ballot));
}

/**
 * The ballot `input` would store, after the checks every ballot passes: the proposal is open
 * here, the deadline has not passed on this device's clock, the method accepts it.
 */
export function checkedBallot(view: ProposalView, input: BallotInput, actor: Actor): StoredBallot {
  if (view.status !== 'open') throw new ModelError('not-open', view.status === 'draft' ? 'This proposal is still a draft.' : 'This proposal is closed.');
  const at = timeOf(actor);
  if (view.deadline !== null && at > view.deadline) throw new ModelError('deadline-passed', 'The deadline for this proposal has passed.');
  if (view.method === null) throw new ModelError('invalid-input', 'This proposal has an unknown decision method.');
  const ballot = prepareBallot(input, at);
  const problem = getMethod(view.method).checkBallot(ballot, view);
  if (problem) throw new ModelError(problem.code, problem.reason);
  return ballot;
}

/**
 * The ballot exactly as {@link castBallot} will store it for `input` cast at `at`.
 * Issue 8 signs `ballotSigningPayload(docId, proposalId, memberId, prepareBallot(input, at))`
 * and then calls `castBallot(doc, proposalId, { ...input, signature }, { memberId, at })`
 * with the same `at`, so the signed bytes and the stored ballot match.
 */
export function prepareBallot(input: BallotInput, at: number): StoredBallot {
  return compact({
    choice: input.choice,
    scores: input.scores ? { ...input.scores } : undefined,
    ranking: input.ranking ? [...input.ranking] : undefined,
    reason: input.reason?.trim() ? input.reason.trim() : undefined,
    signature: input.signature,
    castAt: at
  });
}

/** Withdraw the acting member's ballot while the proposal is open. */
export function withdrawBallot(doc: Y.Doc, proposalId: string, actor: Actor): void {
  const view = readOrThrow(doc, proposalId);
  if (view.status !== 'open') throw new ModelError('not-open', 'Ballots can be withdrawn only while the proposal is open.');
  const ballots = requireBlock(doc, proposalId, 'proposal').get('ballots') as Y.Map<StoredBallot>;
  if (!ballots.has(actor.memberId)) return;
  mutate(doc, actor, () => ballots.delete(actor.memberId));
}

/** Options for closing: the written statement, and what a share quorum or signature check needs. */
export interface CloseInput extends TallyOptions {
  statement?: string;
}

/**
 * Close an open proposal and freeze its outcome: the ballots counted (exactly
 * those this device holds, acceptable and cast by the deadline), the method's
 * result and the quorum. If another device closed it concurrently, the close
 * ordered first in the lifecycle log wins on every replica.
 */
export function closeProposal(doc: Y.Doc, proposalId: string, input: CloseInput, actor: Actor): ProposalResult {
  const view = readOrThrow(doc, proposalId);
  if (view.status !== 'open') throw new ModelError('not-open', 'Only an open proposal can be closed.');
  if (view.method === null) throw new ModelError('invalid-input', 'This proposal has an unknown decision method.');
  const required = quorumRequired(view.quorum, input.memberCount);
  if (required === 'unknown') throw new ModelError('member-count-required', 'The quorum is a share of members, so closing needs the number of members.');
  if (view.secret) return closeSecret(doc, view, required, input, actor);
  const { counted } = countNow(view, input);
  // Deep copies: the recorded set must not alias objects that later edits could share.
  const frozen = JSON.parse(canonicalJson(counted)) as Record<string, StoredBallot>;
  const config = { options: view.options, standAsideLimit: view.standAsideLimit };
  const result = decide(view.method, config, frozen, required, true);
  const outcome: RecordedOutcome = {
    method: view.method,
    options: view.options.map((o) => ({ ...o })),
    standAsideLimit: view.standAsideLimit,
    deadline: view.deadline,
    quorumRequired: required,
    memberCount: view.quorum?.type === 'share' ? (input.memberCount ?? null) : null,
    counted: frozen,
    passed: result.passed,
    winner: result.winner,
    explanation: result.explanation
  };
  const block = requireBlock(doc, proposalId, 'proposal');
  mutate(doc, actor, () => {
    lifecycleOf(doc, proposalId).push([{ type: 'close', by: actor.memberId, at: timeOf(actor), outcome }]);
    if (input.statement !== undefined) block.set('statement', input.statement);
  });
  return result;
}

/**
 * Close a secret ballot: the device holds no ballot, so the close records the rules and a
 * placeholder; the relay computes the outcome from the private ballots it holds when it sees
 * the close, and freezes it in the `server` root (secret-ballot.ts). A client cannot write a
 * secret outcome: every view reads the relay's.
 */
function closeSecret(doc: Y.Doc, view: ProposalView, required: number | null, input: CloseInput, actor: Actor): ProposalResult {
  const method = view.method as MethodId;
  const outcome: RecordedOutcome = {
    method,
    options: view.options.map((o) => ({ ...o })),
    standAsideLimit: view.standAsideLimit,
    deadline: view.deadline,
    quorumRequired: required,
    memberCount: view.quorum?.type === 'share' ? (input.memberCount ?? null) : null,
    counted: {},
    passed: false,
    winner: null,
    explanation: 'Secret ballot: the server counts the ballots.',
    secret: true
  };
  const block = requireBlock(doc, view.id, 'proposal');
  mutate(doc, actor, () => {
    lifecycleOf(doc, view.id).push([{ type: 'close', by: actor.memberId, at: timeOf(actor), outcome }]);
    if (input.statement !== undefined) block.set('statement', input.statement);
  });
  return decide(method, { options: view.options, standAsideLimit: view.standAsideLimit }, {}, required, true);
}

/** Reopen a closed proposal, with a recorded reason (issue 8). Its outcome is no longer in force. */
export function reopenProposal(doc: Y.Doc, proposalId: string, input: { reason: string }, actor: Actor): void {
  const view = readOrThrow(doc, proposalId);
  if (view.status !== 'closed') throw new ModelError('not-closed', 'Only a closed proposal can be reopened.');
  if (!input.reason.trim()) throw new ModelError('reason-required', 'Reopening a proposal needs a reason.');
  mutate(doc, actor, () => lifecycleOf(doc, proposalId).push([{ type: 'reopen', by: actor.memberId, at: timeOf(actor), reason: input.reason.trim() }]));
}

/** Move the deadline of an open proposal, with a recorded reason. */
export function extendDeadline(doc: Y.Doc, proposalId: string, input: { deadline: number | null; reason: string }, actor: Actor): void {
  const view = readOrThrow(doc, proposalId);
  if (view.status !== 'open') throw new ModelError('not-open', 'Only an open proposal can have its deadline moved.');
  if (!input.reason.trim()) throw new ModelError('reason-required', 'Moving a deadline needs a reason.');
  if (input.deadline !== null && !Number.isFinite(input.deadline)) throw new ModelError('invalid-input', 'The deadline is not a valid time.');
  const block = requireBlock(doc, proposalId, 'proposal');
  mutate(doc, actor, () => {
    block.set('deadline', input.deadline);
    lifecycleOf(doc, proposalId).push([{ type: 'extend', by: actor.memberId, at: timeOf(actor), deadline: input.deadline, reason: input.reason.trim() }]);
  });
}

/** Write the outcome statement (the group's words about the decision). */
export function setOutcomeStatement(doc: Y.Doc, proposalId: string, statement: string, actor: Actor): void {
  const block = requireBlock(doc, proposalId, 'proposal');
  mutate(doc, actor, () => block.set('statement', statement));
}

/**
 * The bytes a member's device signs for a ballot (issue 8): canonical JSON of
 * the document, proposal, member and ballot content, without the signature.
 * Binding the proposal and member ids stops a valid ballot being replayed
 * onto another proposal or another member.
 */
export function ballotSigningPayload(docId: string, proposalId: string, memberId: string, ballot: StoredBallot): string {
  const { signature: _signature, ...content } = ballot;
  return canonicalJson({ v: 1, docId, proposalId, memberId, ballot: content });
}

/**
 * The decision-method layer. A method knows which ballots it accepts and how a
 * set of counted ballots decides; the proposal layer handles everything else
 * (lifecycle, deadline, quorum, which ballots count). Adding a method means
 * writing one {@link DecisionMethod} and registering it in methods/index.ts.
 */
import type { ResultPart } from './reasons';

/** Registered decision methods. */
export const MethodIds = ['consent', 'consensus', 'majority', 'score', 'ranked-choice'] as const;
export type MethodId = (typeof MethodIds)[number];

/** A choosable option of a score or ranked-choice proposal. */
export interface ProposalOption {
  id: string;
  label: string;
}

/** The parts of a proposal a method needs to judge ballots and decide. */
export interface MethodConfig {
  options: readonly ProposalOption[];
  /** Consensus only: more stand-asides than this fails the proposal (null: no limit). */
  standAsideLimit: number | null;
}

/**
 * What a member expresses in a ballot. Which fields matter depends on the
 * method: `choice` (consent, consensus, majority), `scores` (score), `ranking`
 * (ranked choice). `reason` is free text, required for blocking choices.
 */
export interface BallotContent {
  choice?: string;
  scores?: Record<string, number>;
  ranking?: string[];
  reason?: string;
}

/** Why a ballot is not acceptable to a method. */
export interface BallotProblem {
  code: 'reason-required' | 'unknown-choice' | 'invalid-input';
  reason: string;
}

/** What a method decided from counted ballots, before quorum is applied. */
export interface MethodOutcome {
  /** Choice methods: the proposal passes. Option methods: a single winner was found. */
  passed: boolean;
  /** Option methods: the winning option id, or null (no winner, or a choice method). */
  winner: string | null;
  /** Choice → count, or option id → total score / final-round votes. */
  counts: Record<string, number>;
  /** Ranked choice: first preferences per round, option id → votes. */
  rounds?: Record<string, number>[];
  /** Plain-words reason for the outcome, shown under the result (English: `parts` in English). */
  explanation: string;
  /** The same reason as message keys and numbers, said in the reader's language (reasons.ts). */
  parts: ResultPart[];
}

/** One decision method. Pure: no Yjs, no clock. */
export interface DecisionMethod {
  readonly id: MethodId;
  readonly label: string;
  /** The passing rule in plain words (shown on the proposal, mirrored in docs/model.md). */
  readonly rule: string;
  /** Choice methods: the allowed choices in display order. Option methods: null. */
  readonly choices: readonly string[] | null;
  /** Choices that stop the proposal and therefore require a reason. */
  readonly blockingChoices: readonly string[];
  /** Whether the proposal needs a list of options (score, ranked choice). */
  readonly usesOptions: boolean;
  /** A problem with the proposal's configuration for this method, or null. */
  checkConfig(config: MethodConfig): string | null;
  /** A problem with a ballot, or null when the method accepts it. */
  checkBallot(ballot: BallotContent, config: MethodConfig): BallotProblem | null;
  /** Decide from counted ballots (all already accepted by {@link checkBallot}). */
  decide(ballots: readonly BallotContent[], config: MethodConfig): MethodOutcome;
}

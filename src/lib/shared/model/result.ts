/**
 * The shape of a proposal's result (tally.ts computes it; secret ballots, issue 24, read it
 * from what the relay published). Types only, so both can import them without a cycle.
 */
import type { MethodId } from './methods/index';

/** Whether enough people took part. */
export interface QuorumState {
  /** Ballots needed; null when unknown (a share quorum without a member count). */
  required: number | null;
  participating: number;
  met: boolean;
}

/** A proposal's result (provisional while open, frozen once closed). */
export interface ProposalResult {
  method: MethodId;
  passed: boolean;
  winner: string | null;
  counts: Record<string, number>;
  rounds?: Record<string, number>[];
  explanation: string;
  quorum: QuorumState;
  /** Member ids whose ballots counted, sorted. */
  countedMembers: string[];
  /** True once closed: the result is the recorded outcome and no longer changes. */
  final: boolean;
}

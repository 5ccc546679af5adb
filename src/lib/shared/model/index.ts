/**
 * Mutual's document model: the public API for the editor's block components,
 * dashboards, the local store and the relay's server-side rules.
 *
 * - Every mutation takes an {@link Actor} (member id, optional time and origin),
 *   validates first, then writes in ONE `doc.transact` with {@link MODEL_ORIGIN}
 *   (or the actor's origin). Refusals are {@link ModelError}s with a stable `code`.
 * - Every derived view is a pure function of document state returning
 *   `{ value, issues }`: malformed peer data is skipped with a reason, never thrown.
 * - Rules (passing rules, quorum, late ballots, claim resolution) are written
 *   out in docs/model.md.
 *
 * @packageDocumentation
 */

/** Names of top-level Yjs types, block types and document kinds. */
export * from './schema';
/** Block ids. */
export { newBlockId, isBlockId, BLOCK_ID_LENGTH } from './ids';
/** Typed refusals. */
export { ModelError, isModelError, type ModelErrorCode } from './errors';
/** Issues and defensive reading helpers. */
export { canonicalJson, type ModelIssue, type Read } from './validate';
/** A document's Y.Doc: root, blocks, meta; origin and actor conventions. */
export {
  MODEL_ORIGIN,
  type Actor,
  type DocMeta,
  getRoot,
  getBlocks,
  getMeta,
  initDocument,
  setDocumentTitle,
  readMeta,
  getBlockMap,
  blockTypeOf,
  listBlockIds,
  listAnchoredBlockIds,
  deleteBlock
} from './doc';
/** Which blocks a document shows: those anchored in its text. */
export { anchoredBlockIds, blockIdsInText, BLOCK_NODE_TYPE } from './anchors';
/** The workspace index document. */
export * from './workspace';
/** Decision methods (registry). */
export * from './methods/index';
/** Proposals and ballots. */
export {
  type ProposalStatus,
  type Quorum,
  type StoredBallot,
  type RecordedOutcome,
  type LifecycleEvent,
  type LifecycleEntry,
  type ProposalView,
  readProposal
} from './proposal-read';
export {
  type ProposalInput,
  type ProposalPatch,
  type BallotInput,
  type CloseInput,
  DEFAULT_QUORUM,
  newProposalInput,
  createProposal,
  updateProposal,
  openProposal,
  castBallot,
  prepareBallot,
  withdrawBallot,
  closeProposal,
  reopenProposal,
  extendDeadline,
  setOutcomeStatement,
  ballotSigningPayload
} from './proposal';
export {
  type TallyOptions,
  type QuorumState,
  type ProposalResult,
  type BallotState,
  type BallotView,
  type ProposalTally,
  tallyProposal,
  proposalResult,
  tallyOf
} from './tally';
/** Tasks and claims. */
export { type TaskStatus, type TaskEvent, type ClaimEffect, type ClaimHistoryEntry, type ClaimState, type SawEntry, replayClaims } from './task-claims';
export {
  type TaskInput,
  type TaskView,
  createTask,
  updateTask,
  readTask,
  currentClaim,
  claimHistory,
  claimLostTo,
  lostClaimOf,
  describeLostClaim,
  clockTime,
  type LostClaim,
  claimTask,
  releaseTask,
  releaseTasks,
  reassignTask,
  markTaskDone,
  reopenTask,
  joinAsCoLead,
  leaveCoLead
} from './task';
/** The fair order of append-only logs: concurrent entries by server-time stamps (issue 26). */
export { type EntryKey, type LogNode, type LogItem, type SeenVector, entryKey, stampOf, seenOf, seenVectorOf, readLogNodes, logNodesFromItems, logItemsOf, fairOrder, effectiveTimes, stampsSeenBefore, nextStamp, causalMax, causalPasts } from './log-order';
/** Needs board: asks and offers. */
export * from './need';
export * from './comments';
export * from './comment-edits';
export * from './mentions';
export * from './text-mentions';
/** Needs board: contact details (private document), board views. */
export * from './contacts';
export * from './needs-board';
/** Agenda items and facilitation. */
export * from './agenda';
export * from './agenda-facilitation';
/** Running a meeting (issue 11): roles, attendance, start and end, carry-over; minutes. */
export * from './meeting';
export { readMeetingTime, setMeetingTime, describeMeetingTime } from './meeting-time';
export * from './minutes';
/** Copy and paste of blocks. */
export * from './copy';
/** Views across documents, and the per-document summaries dashboards keep. */
export * from './views';
export { summariseDocument, summariseDocuments, documentsToWatch, type DocSummary, type WatchedBlocks } from './summary';
/** Decisions (issue 8): signed ballots, views across documents, follow-up, the decision log. */
export * from './signatures';
export * from './decisions';
export * from './proposal-followup';
export * from './decision-log';
/** Sharing the work (issue 9): workload against the norm, scale back, the open tasks board, rotating roles. */
export * from './sharing';
export * from './rotation';
/** Private answers, shared totals (issue 24): member-private documents, totals the relay writes. */
export * from './private-answers';
export * from './private-totals';
export * from './aggregators';
export * from './secret-ballot';
export * from './secret-state';
/** The group pulse (issue 24): private check-ins, the group's totals and trend, gentle suggestions. */
export * from './pulse';
export * from './pulse-totals';
export * from './reserved-docs';
export * from './pulse-suggest';

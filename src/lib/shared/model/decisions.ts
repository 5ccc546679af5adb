/**
 * Decision views across documents (issue 8): proposals awaiting a member's ballot, the open
 * proposals a workspace announces, who hasn't voted, and proposals due to close. Pure
 * functions of document state; every list in a total order so every device agrees.
 */
import { Map as YMap, type Doc as YDoc } from 'yjs';
import { MODEL_ORIGIN, collectBlocks, listBlockIds } from './doc';
import { IndexKeys } from './schema';
import { readProposal, type ProposalView } from './proposal-read';
import { uniqueIssues, type ModelIssue, type Read } from './validate';
import type { InDoc, WorkspaceDoc } from './doc-set';
import { secretStateOf } from './secret-state';

/** Soonest deadline first, undated last; then document and proposal id. */
export function bySoonestDeadline(a: InDoc<ProposalView>, b: InDoc<ProposalView>): number {
  const da = a.deadline ?? Number.POSITIVE_INFINITY;
  const db = b.deadline ?? Number.POSITIVE_INFINITY;
  if (da !== db) return da < db ? -1 : 1;
  if (a.docId !== b.docId) return a.docId < b.docId ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function proposalsWhere(docs: readonly WorkspaceDoc[], keep: (p: ProposalView) => boolean): Read<InDoc<ProposalView>[]> {
  const issues: ModelIssue[] = [];
  const found: InDoc<ProposalView>[] = collectBlocks(docs, 'proposal', readProposal, issues).filter(keep);
  return { value: found.sort(bySoonestDeadline), issues: uniqueIssues(issues) };
}

/** Open proposals among proposals already read (dashboards keep them per document), soonest deadline first. */
export function openProposalsIn(proposals: readonly InDoc<ProposalView>[]): InDoc<ProposalView>[] {
  return proposals.filter((p) => p.status === 'open').sort(bySoonestDeadline);
}

/**
 * Open proposals without `memberId`'s ballot whose deadline has not passed at `now`,
 * soonest deadline first (undated last). For the member's dashboard ("My work").
 */
export function proposalsAwaitingBallot(docs: readonly WorkspaceDoc[], memberId: string, now: number): Read<InDoc<ProposalView>[]> {
  return proposalsWhere(docs, (p) => p.status === 'open' && !hasVoted(p, memberId) && (p.deadline === null || p.deadline >= now));
}

/**
 * Whether `memberId` has a ballot in the proposal: their key in `ballots`, or for a secret
 * ballot (issue 24) their name in the voters the relay published.
 */
export function hasVoted(view: ProposalView, memberId: string): boolean {
  return view.secret ? secretStateOf(view).voters.includes(memberId) : view.ballots.has(memberId);
}

/** Every open proposal of the workspace, soonest deadline first (the workspace's "Open proposals"). */
export function openProposalsOf(docs: readonly WorkspaceDoc[]): Read<InDoc<ProposalView>[]> {
  return proposalsWhere(docs, (p) => p.status === 'open');
}

/** Open proposals whose deadline passed before `now`, across documents (auto-close). */
export function proposalsPastDeadline(docs: readonly WorkspaceDoc[], now: number): Read<InDoc<ProposalView>[]> {
  return proposalsWhere(docs, (p) => p.status === 'open' && p.deadline !== null && p.deadline < now);
}

/** Members (in the given order) with no ballot in the proposal. Viewers are the caller's to leave out. */
export function membersWithoutBallot(view: ProposalView, memberIds: readonly string[]): string[] {
  return memberIds.filter((id) => !hasVoted(view, id));
}

/** The soonest future deadline of an open proposal in `doc` after `now` (to schedule an auto-close), or null. */
export function nextDeadline(doc: YDoc, now: number): number | null {
  let next: number | null = null;
  for (const id of listBlockIds(doc, 'proposal').value) {
    const p = readProposal(doc, id).value;
    if (p && p.status === 'open' && p.deadline !== null && p.deadline >= now && (next === null || p.deadline < next)) next = p.deadline;
  }
  return next;
}

/** The member id recorded when the relay closes a proposal at its deadline. */
export const RELAY_MEMBER_ID = 'relay';

/**
 * Members who may vote, from the workspace index, in directory order: not viewers, not
 * removed (the relay keeps removed members with `revoked: true` so their past ballots keep
 * a name). The quorum's "share of members" is a share of these; every device and the relay
 * count the same way.
 */
export function votingMembers(index: YDoc): string[] {
  const members = index.getMap<unknown>(IndexKeys.members);
  const ids: Array<{ id: string; joinedAt: number }> = [];
  members.forEach((raw, id) => {
    if (!(raw instanceof YMap)) return;
    const role = raw.get('role');
    if (role !== 'admin' && role !== 'editor') return;
    if (raw.get('revoked') === true) return;
    const joinedAt = raw.get('joinedAt');
    ids.push({ id, joinedAt: typeof joinedAt === 'number' ? joinedAt : 0 });
  });
  return ids.sort((a, b) => a.joinedAt - b.joinedAt || (a.id < b.id ? -1 : 1)).map((m) => m.id);
}

/** Name of the index document's map of document nudges (docId → { at, by }). */
export const NUDGES_KEY = 'nudges';

/**
 * Tell every device that `docId` has news worth fetching now (a proposal opened, closed,
 * reopened or its deadline moved). Background replication passes over documents only every
 * few minutes; the index document is live on every device, so a nudge there lets them
 * fetch that one document at once. One key per document (last writer wins), so the map
 * stays as small as the catalogue. It carries no state of its own: devices read the
 * document itself.
 */
export function nudgeDocument(index: YDoc, docId: string, actor: { memberId: string; at?: number }): void {
  index.transact(() => index.getMap<unknown>(NUDGES_KEY).set(docId, { at: actor.at ?? Date.now(), by: actor.memberId }), MODEL_ORIGIN);
}

/**
 * Members whose ballot arrived between two readings of a proposal (not `me`: one's own
 * ballot is confirmed where it was cast). None on the first reading: what was there when
 * the proposal was opened is not news.
 */
export function arrivedBallots(before: ReadonlySet<string> | null, after: Iterable<string>, me: string): string[] {
  if (!before) return [];
  return [...after].filter((id) => id !== me && !before.has(id));
}

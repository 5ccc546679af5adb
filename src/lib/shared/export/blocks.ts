/**
 * Mutual blocks as readable text for exports and "what changed": a heading line and a few
 * detail lines per block (a proposal with its result, a task with who claimed it, a need
 * with its status, an agenda item with its outcome). Reads through the model's defensive
 * views, so malformed peer data gives "(could not be read)", never an exception.
 */
import type * as Y from 'yjs';
import { readAgendaItem } from '../model/agenda.ts';
import { ballotLine, recordedBallots } from '../model/decision-log.ts';
import { readNeed } from '../model/need.ts';
import { getMethod, isMethodId } from '../model/methods/index.ts';
import { readProposal } from '../model/proposal-read.ts';
import { secretStateOf } from '../model/secret-state.ts';
import { proposalResult } from '../model/tally.ts';
import { readTask } from '../model/task.ts';

/** A block as text: a title line ("Task: Buy rice") and detail lines. */
export interface BlockText {
  title: string;
  details: string[];
}

/** Options shared by the exporters. */
export interface ExportOptions {
  /** A member's display name from their id (default: the id). */
  memberName?: (memberId: string) => string;
  /** Document title (default: the document's own `meta.title`). */
  title?: string;
}

/** Dates as UTC, always the same text on every device (exports are compared and shared). */
export function formatDate(ms: number | null | undefined): string {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return '';
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

/** Describe one block of `doc`. `kind` is the editor's kind ('proposal', 'task', 'need', 'agenda'). */
export function describeBlock(doc: Y.Doc, kind: string, blockId: string, options: ExportOptions = {}): BlockText {
  const name = (id: string | null | undefined) => (id ? (options.memberName?.(id) ?? id) : 'someone');
  try {
    switch (kind) {
      case 'proposal':
        return describeProposal(doc, blockId, name);
      case 'task': {
        const t = readTask(doc, blockId).value;
        if (!t) break;
        const details: string[] = [];
        if (t.status === 'done') details.push(`Done${t.doneBy ? ` (marked by ${name(t.doneBy)})` : ''}`);
        if (t.claimant) details.push(`Claimed by ${name(t.claimant)}`);
        else if (t.status !== 'done') details.push('Open: nobody has claimed it yet');
        if (t.coLead) details.push(`Co-lead: ${name(t.coLead)}`);
        else if (t.coLeadWanted) details.push('A co-lead is wanted');
        if (t.due) details.push(`Due ${t.due}`);
        return { title: `Task: ${t.title}`, details };
      }
      case 'need': {
        const n = readNeed(doc, blockId).value;
        if (!n) break;
        const details = [`Status: ${n.status}`, `Category: ${n.category}`];
        if (n.urgency !== 'normal') details.push(`Urgency: ${n.urgency}`);
        if (n.area) details.push(`Area: ${n.area}`);
        if (n.when) details.push(`When: ${n.when}`);
        if (n.matchedWith) details.push('member' in n.matchedWith ? `Matched with ${name(n.matchedWith.member)}` : 'Matched with an offer');
        if (n.matchedAsks.length > 0) details.push(`Matched with ${n.matchedAsks.length} ask${n.matchedAsks.length === 1 ? '' : 's'}`);
        return { title: `${n.kind === 'offer' ? 'Offer' : 'Need'}: ${n.title}`, details };
      }
      case 'agenda': {
        const a = readAgendaItem(doc, blockId).value;
        if (!a) break;
        const details = [`${a.kind.replace('-', ' ')}, ${a.timebox} min, ${a.status}`];
        if (a.owner) details.push(`Owner: ${name(a.owner)}`);
        if (a.outcome) details.push(`Outcome: ${a.outcome}`);
        return { title: `Agenda item: ${a.title}`, details };
      }
    }
  } catch {
    // Fall through to the placeholder: one odd block must not stop an export.
  }
  return { title: `${kind[0]?.toUpperCase() ?? ''}${kind.slice(1)} (could not be read)`, details: [] };
}

function describeProposal(doc: Y.Doc, blockId: string, name: (id: string | null) => string): BlockText {
  const p = readProposal(doc, blockId).value;
  if (!p) throw new Error('missing');
  const details: string[] = [];
  const method = p.method && isMethodId(p.method) ? getMethod(p.method) : null;
  if (method) details.push(`Method: ${method.label}`);
  const optionLabel = (id: string) => p.options.find((o) => o.id === id)?.label ?? id;
  if (p.status === 'draft') details.push('Draft: not open for decision yet');
  else if (p.status === 'open') details.push(`Open for decision${p.deadline ? ` until ${formatDate(p.deadline)}` : ''}`);
  // A secret ballot (issue 24): say so; its outcome is the relay's, and no ballot is anywhere.
  if (p.secret) details.push('Secret ballot: who voted is shown, not how');
  const secretOutcome = p.secret ? secretStateOf(p).outcome : null;
  if (p.status === 'closed' && p.outcome && (!p.secret || secretOutcome)) {
    const o = secretOutcome?.result ?? p.outcome;
    const verdict = o.winner ? `Decided: ${optionLabel(o.winner)}` : o.passed ? 'Passed' : 'Did not pass';
    details.push(`${verdict} (closed ${formatDate(p.closedAt)}${p.closedBy ? ` by ${name(p.closedBy)}` : ''})`);
    if (o.explanation) details.push(o.explanation);
    if (secretOutcome) details.push(`Signed ballots counted: ${secretOutcome.signatures}`);
  }
  // Who objected and why is what a group has to keep (issue 16): each counted ballot, in words.
  const ballots = p.status === 'closed' && p.outcome ? recordedBallots(p.outcome.counted, getMethod(p.outcome.method), p.outcome.options) : [];
  const ballotDetails = ballots.map((b) => ballotLine(b, (id) => name(id)));
  if (!p.resultsHidden || p.status === 'closed') {
    const result = proposalResult(doc, blockId).value;
    if (result && Object.keys(result.counts).length > 0) {
      const counts = Object.entries(result.counts)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => `${method?.usesOptions ? optionLabel(k) : k} ${v}`)
        .join(', ');
      details.push(`${p.status === 'closed' ? 'Result' : 'So far'}: ${counts}`);
    }
  }
  details.push(...ballotDetails);
  if (p.statement) details.push(`Statement: ${p.statement}`);
  return { title: `Proposal: ${p.title}`, details };
}

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
import { ENGLISH_BLOCK_WORDS, type BlockWords } from './words.ts';

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
  /** Mutual's words, in the reader's language (default: English; src/lib/i18n/document-words.ts). */
  words?: BlockWords;
}

/** Dates as UTC, always the same text on every device (exports are compared and shared). */
export function formatDate(ms: number | null | undefined): string {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return '';
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

type Name = (id: string | null | undefined) => string;

/** Describe one block of `doc`. `kind` is the editor's kind ('proposal', 'task', 'need', 'agenda'). */
export function describeBlock(doc: Y.Doc, kind: string, blockId: string, options: ExportOptions = {}): BlockText {
  const w = options.words ?? ENGLISH_BLOCK_WORDS;
  const name: Name = (id) => (id ? (options.memberName?.(id) ?? id) : w.someone);
  try {
    const text = describeKind(doc, kind, blockId, name, w);
    if (text) return text;
  } catch {
    // Fall through to the placeholder: one odd block must not stop an export.
  }
  return { title: w.unreadable(kind), details: [] };
}

function describeKind(doc: Y.Doc, kind: string, blockId: string, name: Name, w: BlockWords): BlockText | null {
  switch (kind) {
    case 'proposal':
      return describeProposal(doc, blockId, name, w);
    case 'task':
      return describeTask(doc, blockId, name, w);
    case 'need':
      return describeNeed(doc, blockId, name, w);
    case 'agenda': {
      const a = readAgendaItem(doc, blockId).value;
      if (!a) return null;
      const details = [w.agendaLine(a.kind, a.timebox, a.status)];
      if (a.owner) details.push(w.owner(name(a.owner)));
      if (a.outcome) details.push(w.outcome(a.outcome));
      return { title: w.agendaItem(a.title), details };
    }
    default:
      return null;
  }
}

function describeTask(doc: Y.Doc, blockId: string, name: Name, w: BlockWords): BlockText | null {
  const t = readTask(doc, blockId).value;
  if (!t) return null;
  const details: string[] = [];
  if (t.status === 'done') details.push(w.taskDone(t.doneBy ? name(t.doneBy) : null));
  if (t.claimant) details.push(w.claimedBy(name(t.claimant)));
  else if (t.status !== 'done') details.push(w.taskOpen);
  if (t.coLead) details.push(w.coLead(name(t.coLead)));
  else if (t.coLeadWanted) details.push(w.coLeadWanted);
  if (t.due) details.push(w.due(t.due));
  return { title: w.task(t.title), details };
}

function describeNeed(doc: Y.Doc, blockId: string, name: Name, w: BlockWords): BlockText | null {
  const n = readNeed(doc, blockId).value;
  if (!n) return null;
  const details = [w.needStatus(n.status), w.category(n.category)];
  if (n.urgency !== 'normal') details.push(w.urgency(n.urgency));
  if (n.area) details.push(w.area(n.area));
  if (n.when) details.push(w.when(n.when));
  if (n.matchedWith) details.push('member' in n.matchedWith ? w.matchedWith(name(n.matchedWith.member)) : w.matchedWithOffer);
  if (n.matchedAsks.length > 0) details.push(w.matchedAsks(n.matchedAsks.length));
  return { title: n.kind === 'offer' ? w.offer(n.title) : w.need(n.title), details };
}

function describeProposal(doc: Y.Doc, blockId: string, name: Name, w: BlockWords): BlockText {
  const p = readProposal(doc, blockId).value;
  if (!p) throw new Error('missing');
  const details: string[] = [];
  const method = p.method && isMethodId(p.method) ? getMethod(p.method) : null;
  if (method) details.push(w.method(method.id));
  const optionLabel = (id: string) => p.options.find((o) => o.id === id)?.label ?? id;
  if (p.status === 'draft') details.push(w.draft);
  else if (p.status === 'open') details.push(w.openFor(p.deadline ? formatDate(p.deadline) : null));
  // A secret ballot (issue 24): say so; its outcome is the relay's, and no ballot is anywhere.
  if (p.secret) details.push(w.secret);
  const secretOutcome = p.secret ? secretStateOf(p).outcome : null;
  if (p.status === 'closed' && p.outcome && (!p.secret || secretOutcome)) {
    const o = secretOutcome?.result ?? p.outcome;
    const verdict = o.winner ? w.decidedFor(optionLabel(o.winner)) : o.passed ? w.passed : w.notPassed;
    details.push(w.closed(verdict, formatDate(p.closedAt), p.closedBy ? name(p.closedBy) : null));
    if (o.explanation) details.push(w.explanation(o));
    if (secretOutcome) details.push(w.signedBallots(secretOutcome.signatures));
  }
  // Who objected and why is what a group has to keep (issue 16): each counted ballot, in words.
  const ballots = p.status === 'closed' && p.outcome ? recordedBallots(p.outcome.counted, getMethod(p.outcome.method), p.outcome.options) : [];
  const ballotDetails = ballots.map((b) => ballotLine(b, (id) => name(id), w.choice));
  if (!p.resultsHidden || p.status === 'closed') {
    const result = proposalResult(doc, blockId).value;
    if (result && Object.keys(result.counts).length > 0) {
      const counts = Object.entries(result.counts)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => `${method?.usesOptions ? optionLabel(k) : w.choiceName(k)} ${v}`)
        .join(', ');
      details.push(p.status === 'closed' ? w.result(counts) : w.soFar(counts));
    }
  }
  details.push(...ballotDetails);
  if (p.statement) details.push(w.statement(p.statement));
  return { title: w.proposal(p.title), details };
}

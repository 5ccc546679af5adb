/**
 * The workspace's decision log (issue 8): every closed proposal with its date, method,
 * result, statement, the ballots that counted (who, what, why: issue 16 — a consent group
 * must keep who objected and why) and a link, and pure formatters for the Markdown and CSV
 * exports. Deterministic (times in UTC, a total order) so that exports are stable and testable.
 */
import { listAnchoredBlockIds } from './doc';
import { getMethod, type DecisionMethod, type ProposalOption } from './methods/index';
import type { ResultPart } from './methods/reasons';
import type { MethodId } from './methods/types';
import { readFollowUp } from './proposal-followup';
import { secretStateOf } from './secret-state';
import { readProposal, type StoredBallot } from './proposal-read';
import { uniqueIssues, type ModelIssue, type Read } from './validate';
import type { WorkspaceDoc } from './doc-set';

/**
 * A ballot as recorded at close. Every ballot is named today; when secret ballots arrive,
 * their entries must leave `memberId` out here, not in the formatters.
 */
export interface DecisionBallot {
  memberId: string;
  /** What they chose, in words: "Object", "Stand aside", "1. Park, 2. Church hall". */
  choice: string;
  /** The choice itself ("object", "stand-aside") for methods with choices, so a page can name it in its language; else null. */
  choiceId: string | null;
  /** Their reason as written (trimmed), or null. Member-written: never translated. */
  reason: string | null;
  /** An objection or a block: what stopped (or could have stopped) the proposal. */
  blocking: boolean;
}

/** One decided proposal. */
export interface DecisionLogEntry {
  docId: string;
  docTitle: string;
  proposalId: string;
  title: string;
  /** The decision method's id ("consent"), beside its English name. */
  method: MethodId;
  methodLabel: string;
  /** When the applied close was recorded (the closing device's clock), ms. */
  closedAt: number;
  closedBy: string;
  passed: boolean;
  /** Option methods: the chosen option's label; otherwise null. */
  winner: string | null;
  /** "Passed", "Did not pass", "Chosen: …" or "No decision". */
  result: string;
  /** Why, in English as recorded at close. */
  explanation: string;
  /** Why, as message keys and numbers (methods/reasons.ts), when the close recorded them: readers say it in their language. */
  parts?: ResultPart[];
  statement: string;
  /** Ballots that counted. */
  counted: number;
  /** Each counted ballot: objections and blocks first, then those with a reason, then by member id. */
  ballots: DecisionBallot[];
  reviewDate: string | null;
  followUpTasks: number;
  /**
   * Issue 24: a secret ballot. `ballots` is then empty — how each person voted is nowhere —
   * and `totals` says the totals in words ("Consent 1, Concern 1, Object 1").
   */
  secret: boolean;
  totals: string | null;
}

/** A result's totals in words: each choice or option with its count (the last round for ranked choice). */
export function totalsInWords(counts: Record<string, number>, options: readonly ProposalOption[]): string {
  const label = (id: string) => options.find((o) => o.id === id)?.label ?? choiceWords(id);
  return Object.entries(counts).map(([id, n]) => `${label(id)} ${n}`).join(', ');
}

/** "stand-aside" → "Stand aside" (the same words as the proposal block). */
export function choiceWords(choice: string): string {
  const text = choice.replace(/-/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A counted ballot in words, by the method's choices or the recorded options. */
export function describeBallot(ballot: StoredBallot, method: DecisionMethod, options: readonly ProposalOption[]): string {
  const label = (id: string) => options.find((o) => o.id === id)?.label ?? id;
  if (ballot.choice !== undefined) return choiceWords(ballot.choice);
  if (ballot.ranking) return ballot.ranking.map((id, i) => `${i + 1}. ${label(id)}`).join(', ');
  if (ballot.scores) return options.map((o) => `${o.label} ${ballot.scores?.[o.id] ?? 0}`).join(', ');
  return method.label;
}

/**
 * The ballots recorded at close as {@link DecisionBallot}s: objections and blocks first, then
 * those with a reason, then the rest; member ids break ties (the same order everywhere).
 */
export function recordedBallots(counted: Record<string, StoredBallot>, method: DecisionMethod, options: readonly ProposalOption[]): DecisionBallot[] {
  const rows = Object.entries(counted).map(([memberId, ballot]): DecisionBallot => {
    const reason = typeof ballot.reason === 'string' && ballot.reason.trim() ? ballot.reason.trim() : null;
    const blocking = ballot.choice !== undefined && method.blockingChoices.includes(ballot.choice);
    return { memberId, choice: describeBallot(ballot, method, options), choiceId: ballot.choice ?? null, reason, blocking };
  });
  const rank = (b: DecisionBallot) => (b.blocking ? 0 : b.reason !== null ? 1 : 2);
  return rows.sort((a, b) => rank(a) - rank(b) || (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
}

/** A document of the workspace with its catalogue title. */
export type TitledDoc = WorkspaceDoc & { title: string };

/** Every closed proposal anchored in its document's text, across documents, most recently decided first. */
export function decisionLog(docs: readonly TitledDoc[]): Read<DecisionLogEntry[]> {
  const issues: ModelIssue[] = [];
  const entries = docs.flatMap((doc) => decisionEntriesOf(doc, issues));
  return { value: sortDecisionLog(entries), issues: uniqueIssues(issues) };
}

/** Most recently decided first (then document and proposal id: every device lists the same order). */
export function sortDecisionLog(entries: DecisionLogEntry[]): DecisionLogEntry[] {
  return entries.sort((a, b) => b.closedAt - a.closedAt || (a.docId < b.docId ? -1 : a.docId > b.docId ? 1 : a.proposalId < b.proposalId ? -1 : 1));
}

/** The decision log entries of one document, in no particular order; problems go to `issues`. */
export function decisionEntriesOf({ docId, doc, title: docTitle }: TitledDoc, issues: ModelIssue[]): DecisionLogEntry[] {
  const entries: DecisionLogEntry[] = [];
  const ids = listAnchoredBlockIds(doc, 'proposal');
  issues.push(...ids.issues);
  for (const id of ids.value) {
    const read = readProposal(doc, id);
    issues.push(...read.issues);
    const p = read.value;
    if (!p || p.status !== 'closed' || !p.outcome || p.closedAt === null) continue;
    const o = p.outcome;
    const method = getMethod(o.method);
    // A secret ballot's outcome is the relay's (secret-ballot.ts); not yet counted: not listed yet.
    const secret = p.secret ? secretStateOf(p).outcome?.result ?? null : null;
    if (p.secret && !secret) continue;
    const decided = secret ?? o;
    const winner = decided.winner === null ? null : (o.options.find((x) => x.id === decided.winner)?.label ?? decided.winner);
    const result = method.usesOptions ? (winner !== null ? `Chosen: ${winner}` : 'No decision') : decided.passed ? 'Passed' : 'Did not pass';
    const followUp = readFollowUp(doc, id);
    issues.push(...followUp.issues);
    entries.push({
      docId,
      docTitle,
      proposalId: id,
      title: p.title,
      method: o.method,
      methodLabel: method.label,
      closedAt: p.closedAt,
      closedBy: p.closedBy ?? '',
      passed: decided.passed,
      winner,
      result,
      explanation: decided.explanation,
      ...(decided.parts ? { parts: decided.parts } : {}),
      statement: p.statement,
      counted: secret ? secret.countedMembers.length : Object.keys(o.counted).length,
      ballots: secret ? [] : recordedBallots(o.counted, method, o.options),
      reviewDate: followUp.value.reviewDate,
      followUpTasks: followUp.value.tasks.length,
      secret: p.secret,
      totals: secret ? totalsInWords(secret.counts, o.options) : null
    });
  }
  return entries;
}

/** `2025-03-01 14:05 UTC`: exports are read by people anywhere, so one unambiguous zone. */
export function formatUtc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * The words of the decision log's exports (issue 21): the caller gives them in the reader's
 * language (src/lib/i18n/exports.ts builds them from the messages), so shared code stays pure.
 * Member-written text (titles, statements, reasons, option labels, names) is never among them.
 */
export interface DecisionLogWords {
  heading: (workspace: string) => string;
  exported: (at: string, count: number) => string;
  untitledProposal: string;
  untitledDocument: string;
  decided: string;
  method: string;
  result: string;
  ballotsCounted: string;
  document: string;
  reviewOn: string;
  followUpTasks: string;
  /** An entry's method, result and explanation, and a ballot's choice, as the reader says them. */
  methodName: (e: DecisionLogEntry) => string;
  resultName: (e: DecisionLogEntry) => string;
  explanation: (e: DecisionLogEntry) => string;
  choice: (b: DecisionBallot) => string;
  /** A secret ballot's line: its totals in words, and that how each person voted is not recorded (issue 24). */
  secretTotals: (totals: string) => string;
}

/** The exports' words in English (the default). */
export const ENGLISH_LOG_WORDS: DecisionLogWords = {
  heading: (workspace) => `Decisions — ${workspace}`,
  exported: (at, count) => `Exported ${at} · ${count} ${count === 1 ? 'decision' : 'decisions'}`,
  untitledProposal: 'Untitled proposal',
  untitledDocument: 'Untitled',
  decided: 'Decided',
  method: 'Method',
  result: 'Result',
  ballotsCounted: 'Ballots counted',
  document: 'Document',
  reviewOn: 'Review on',
  followUpTasks: 'Follow-up tasks',
  methodName: (e) => e.methodLabel,
  resultName: (e) => e.result,
  explanation: (e) => e.explanation,
  choice: (b) => b.choice,
  secretTotals: (totals) => `Secret ballot — totals: ${totals}. How each person voted is not recorded.`
};

/** What the exports need besides the entries. */
export interface ExportOptions {
  workspaceName: string;
  /** Absolute link to a document, e.g. `https://host/w/<id>/d/<docId>`. */
  linkOf: (docId: string) => string;
  exportedAt: number;
  /** A member's display name (default: the id). */
  memberName?: (memberId: string) => string;
  /** The words, in the reader's language (default: English). */
  words?: DecisionLogWords;
}

const oneLine = (text: string): string => text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
/** Markdown link text must not close the bracket early. */
const linkText = (text: string): string => oneLine(text).replace(/([[\]\\])/g, '\\$1');

/** "Ben: Object — “No room in the pantry”" (one line; the reason as the member wrote it). */
export function ballotLine(b: DecisionBallot, name: (id: string) => string, choice: (b: DecisionBallot) => string = (x) => x.choice): string {
  return `${oneLine(name(b.memberId))}: ${choice(b)}${b.reason !== null ? ` — “${oneLine(b.reason)}”` : ''}`;
}

/** The decision log as a Markdown document. */
export function decisionLogMarkdown(entries: readonly DecisionLogEntry[], options: ExportOptions): string {
  const name = (id: string) => options.memberName?.(id) ?? id;
  const w = options.words ?? ENGLISH_LOG_WORDS;
  const lines = [`# ${w.heading(oneLine(options.workspaceName))}`, '', w.exported(formatUtc(options.exportedAt), entries.length)];
  for (const e of entries) {
    lines.push('', `## ${oneLine(e.title) || w.untitledProposal}`, '');
    lines.push(`- **${w.decided}:** ${formatUtc(e.closedAt)}`);
    lines.push(`- **${w.method}:** ${w.methodName(e)}`);
    lines.push(`- **${w.result}:** ${w.resultName(e)} — ${oneLine(w.explanation(e))}`);
    lines.push(`- **${w.ballotsCounted}:** ${e.counted}`);
    if (e.secret) lines.push(`- ${w.secretTotals(e.totals ?? '—')}`);
    for (const b of e.ballots) lines.push(`  - ${ballotLine(b, name, w.choice)}`);
    lines.push(`- **${w.document}:** [${linkText(e.docTitle) || w.untitledDocument}](${options.linkOf(e.docId)})`);
    if (e.reviewDate) lines.push(`- **${w.reviewOn}:** ${e.reviewDate}`);
    if (e.followUpTasks > 0) lines.push(`- **${w.followUpTasks}:** ${e.followUpTasks}`);
    if (e.statement.trim()) lines.push('', ...e.statement.trim().split(/\r?\n/).map((l) => (l ? `> ${l}` : '>')));
  }
  return lines.join('\n') + '\n';
}

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. A field that
 * a spreadsheet would run as a formula (starting with = + - @, tab or CR) gets a leading
 * apostrophe: the log holds text any member wrote.
 */
export function csvField(value: string | number): string {
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The decision log as CSV (header row, CRLF line ends as RFC 4180 asks). The header is the
 * same in every language (snake_case names scripts and spreadsheets rely on); the cells that
 * are Mutual's words (method, result, explanation, ballot choices) are in the reader's language.
 */
export function decisionLogCsv(entries: readonly DecisionLogEntry[], options: Pick<ExportOptions, 'linkOf' | 'memberName' | 'words'>): string {
  const name = (id: string) => options.memberName?.(id) ?? id;
  const w = options.words ?? ENGLISH_LOG_WORDS;
  // `ballots` is last so that spreadsheets and scripts reading the earlier columns by position keep working.
  const header = ['decided_at_utc', 'proposal', 'document', 'method', 'result', 'explanation', 'statement', 'ballots_counted', 'review_date', 'follow_up_tasks', 'link', 'ballots'];
  const rows = entries.map((e) => [
    formatUtc(e.closedAt).replace(' UTC', ''),
    e.title,
    e.docTitle,
    w.methodName(e),
    w.resultName(e),
    w.explanation(e),
    e.statement,
    e.counted,
    e.reviewDate ?? '',
    e.followUpTasks,
    options.linkOf(e.docId),
    e.secret ? w.secretTotals(e.totals ?? '') : e.ballots.map((b) => ballotLine(b, name, w.choice)).join('; ')
  ]);
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

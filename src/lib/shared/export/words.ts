/**
 * The words of a document's own exports (Markdown, HTML) and of the block lines of "what
 * changed" (issue 21): the caller gives them in the reader's language (src/lib/i18n/document-words.ts
 * builds them from the messages), so shared code stays pure; without them, English.
 * Member-written text (titles, a group's own categories, areas, outcomes, statements, option labels,
 * reasons, names) is never among them: it is passed in as written.
 */
import type { AgendaItemKind, AgendaItemStatus } from '../model/agenda.ts';
import { choiceWords, type DecisionBallot } from '../model/decision-log.ts';
import { getMethod } from '../model/methods/index.ts';
import type { MethodId } from '../model/methods/types.ts';
import { categoryLabel, type NeedStatus, type Urgency } from '../model/need.ts';
import type { ResultPart } from '../model/methods/reasons.ts';

/** What a block's lines say around the member-written parts. */
export interface BlockWords {
  /** Titles: "Task: Buy rice", "Need: …", "Offer: …", "Agenda item: …", "Proposal: …". */
  task: (title: string) => string;
  need: (title: string) => string;
  offer: (title: string) => string;
  agendaItem: (title: string) => string;
  proposal: (title: string) => string;
  /** A block that could not be read, by its kind ('proposal', 'task'…). */
  unreadable: (kind: string) => string;
  /** Who, when a block names nobody. */
  someone: string;
  taskDone: (by: string | null) => string;
  claimedBy: (name: string) => string;
  taskOpen: string;
  coLead: (name: string) => string;
  coLeadWanted: string;
  due: (date: string) => string;
  needStatus: (status: NeedStatus) => string;
  /** A need's category: a suggested one by name, a group's own word as written. */
  category: (category: string) => string;
  urgency: (urgency: Urgency) => string;
  area: (area: string) => string;
  when: (when: string) => string;
  matchedWith: (name: string) => string;
  matchedWithOffer: string;
  matchedAsks: (count: number) => string;
  agendaLine: (kind: AgendaItemKind, minutes: number, status: AgendaItemStatus) => string;
  owner: (name: string) => string;
  outcome: (outcome: string) => string;
  method: (method: MethodId) => string;
  draft: string;
  openFor: (until: string | null) => string;
  secret: string;
  decidedFor: (option: string) => string;
  passed: string;
  notPassed: string;
  /** "Passed (closed 2026-11-30 18:00 UTC by Ana)". */
  closed: (verdict: string, at: string, by: string | null) => string;
  /** Why the result is what it is: the recorded sentence, or its parts in the reader's language. */
  explanation: (outcome: { explanation: string; parts?: readonly ResultPart[] }) => string;
  signedBallots: (count: number) => string;
  /** A ballot choice id in the result's counts ('stand-aside' → "Stand aside"). */
  choiceName: (choice: string) => string;
  /** A counted ballot's choice ("Object", "1. Park, 2. Hall"). */
  choice: (ballot: DecisionBallot) => string;
  result: (counts: string) => string;
  soFar: (counts: string) => string;
  statement: (statement: string) => string;
  /** The HTML file's title when the document has none. */
  untitledDocument: string;
}

const capitalised = (kind: string) => `${kind[0]?.toUpperCase() ?? ''}${kind.slice(1)}`;

/** The words in English (the default). */
export const ENGLISH_BLOCK_WORDS: BlockWords = {
  task: (title) => `Task: ${title}`,
  need: (title) => `Need: ${title}`,
  offer: (title) => `Offer: ${title}`,
  agendaItem: (title) => `Agenda item: ${title}`,
  proposal: (title) => `Proposal: ${title}`,
  unreadable: (kind) => `${capitalised(kind)} (could not be read)`,
  someone: 'someone',
  taskDone: (by) => (by ? `Done (marked by ${by})` : 'Done'),
  claimedBy: (name) => `Claimed by ${name}`,
  taskOpen: 'Open: nobody has claimed it yet',
  coLead: (name) => `Co-lead: ${name}`,
  coLeadWanted: 'A co-lead is wanted',
  due: (date) => `Due ${date}`,
  needStatus: (status) => `Status: ${status}`,
  category: (category) => `Category: ${categoryLabel(category)}`,
  urgency: (urgency) => `Urgency: ${urgency}`,
  area: (area) => `Area: ${area}`,
  when: (when) => `When: ${when}`,
  matchedWith: (name) => `Matched with ${name}`,
  matchedWithOffer: 'Matched with an offer',
  matchedAsks: (count) => `Matched with ${count} ${count === 1 ? 'ask' : 'asks'}`,
  agendaLine: (kind, minutes, status) => `${kind.replace('-', ' ')}, ${minutes} min, ${status}`,
  owner: (name) => `Owner: ${name}`,
  outcome: (outcome) => `Outcome: ${outcome}`,
  method: (method) => `Method: ${getMethod(method).label}`,
  draft: 'Draft: not open for decision yet',
  openFor: (until) => (until ? `Open for decision until ${until}` : 'Open for decision'),
  secret: 'Secret ballot: who voted is shown, not how',
  decidedFor: (option) => `Decided: ${option}`,
  passed: 'Passed',
  notPassed: 'Did not pass',
  closed: (verdict, at, by) => `${verdict} (closed ${at}${by ? ` by ${by}` : ''})`,
  explanation: (outcome) => outcome.explanation,
  signedBallots: (count) => `Signed ballots counted: ${count}`,
  choiceName: choiceWords,
  choice: (ballot) => ballot.choice,
  result: (counts) => `Result: ${counts}`,
  soFar: (counts) => `So far: ${counts}`,
  statement: (statement) => `Statement: ${statement}`,
  untitledDocument: 'Document'
};


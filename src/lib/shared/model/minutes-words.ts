/**
 * The words of a meeting's minutes (issue 21): the minutes page and its Markdown file are
 * read live from the agenda, never written into it, so they are in the reader's language.
 * The caller gives the words (src/lib/i18n/document-words.ts builds them from the messages); without
 * them, English. Titles, notes, outcomes and names are as members wrote them.
 */
import { ENGLISH_BLOCK_WORDS, type BlockWords } from '../export/words.ts';
import type { AgendaItemKind } from './agenda.ts';
import { MEETING_ROLE_LABELS, type MeetingRole } from './meeting.ts';

export interface MinutesWords {
  /** How the decisions' proposals read (the same words as the document's exports). */
  blocks: BlockWords;
  notAvailable: string;
  taskDone: (by: string | null) => string;
  taskClaimedBy: (name: string) => string;
  taskNobody: string;
  heading: (title: string) => string;
  untitled: string;
  held: (from: string, to: string | null) => string;
  notStarted: string;
  role: (role: MeetingRole, name: string | null) => string;
  attendees: string;
  nobodyRecorded: string;
  items: string;
  kind: (kind: AgendaItemKind) => string;
  timebox: (minutes: number) => string;
  ledBy: (name: string) => string;
  notFinished: string;
  outcome: string;
  seeDecisions: string;
  actions: string;
  decisions: string;
  ofItem: (title: string) => string;
  noDecisions: string;
  tasks: string;
  due: (date: string) => string;
  noTasks: string;
}

/** People's names of agenda item kinds, as English minutes show them. */
export const AGENDA_KIND_LABELS: Record<AgendaItemKind, string> = { decision: 'Decision', discussion: 'Discussion', report: 'Report', 'group-health': 'Group health' };

/** The words in English (the default). */
export const ENGLISH_MINUTES_WORDS: MinutesWords = {
  blocks: ENGLISH_BLOCK_WORDS,
  notAvailable: 'Proposal (not available on this device)',
  taskDone: (by) => (by ? `done (${by})` : 'done'),
  taskClaimedBy: (name) => `claimed by ${name}`,
  taskNobody: 'nobody has claimed it yet',
  heading: (title) => `Minutes: ${title}`,
  untitled: 'Meeting',
  held: (from, to) => (to ? `Held ${from} to ${to}.` : `Held ${from} (still running).`),
  notStarted: 'This meeting has not started yet.',
  role: (role, name) => `${MEETING_ROLE_LABELS[role]}: ${name ?? 'nobody'}`,
  attendees: 'Attendees',
  nobodyRecorded: 'Nobody was recorded.',
  items: 'Items',
  kind: (kind) => AGENDA_KIND_LABELS[kind],
  timebox: (minutes) => `${minutes} min`,
  ledBy: (name) => `led by ${name}`,
  notFinished: 'not finished',
  outcome: 'Outcome:',
  seeDecisions: 'see Decisions',
  actions: 'Actions:',
  decisions: 'Decisions',
  ofItem: (title) => `item: ${title}`,
  noDecisions: 'No decisions were taken at this meeting.',
  tasks: 'Tasks',
  due: (date) => `due ${date}`,
  noTasks: 'No tasks came out of this meeting.'
};

/**
 * A document's own words in the chosen language (issue 21): its Markdown and HTML exports and
 * the block lines of "what changed" (shared/export/words.ts), a meeting's minutes, page and
 * Markdown file (shared/model/minutes-words.ts), and the history's version titles
 * (shared/history/versions.ts). All are read, never written into a document, so they follow
 * the reader's language; member-written text is passed through as written.
 */
import { m } from '../paraglide/messages.js';
import type { BlockWords } from '../shared/export/words.ts';
import type { VersionWords } from '../shared/history/versions.ts';
import type { AgendaItemKind, AgendaItemStatus } from '../shared/model/agenda.ts';
import type { MinutesWords } from '../shared/model/minutes-words.ts';
import type { NeedStatus, Urgency } from '../shared/model/need.ts';
import { resultExplanation } from './results.ts';
import { agendaKindName, choiceName, meetingRoleName, methodName, needCategoryName } from './words.ts';

const KIND_NAMES: Record<string, () => string> = {
  proposal: m.export_block_kind_proposal,
  task: m.export_block_kind_task,
  need: m.export_block_kind_need,
  agenda: m.export_block_kind_agenda
};
const NEED_STATUS: Record<NeedStatus, () => string> = {
  open: m.export_block_status_open,
  matched: m.export_block_status_matched,
  fulfilled: m.export_block_status_fulfilled,
  withdrawn: m.export_block_status_withdrawn
};
const URGENCY: Record<Urgency, () => string> = { low: m.export_block_urgency_low, normal: m.export_block_urgency_normal, urgent: m.export_block_urgency_urgent };
const AGENDA_KIND: Record<AgendaItemKind, () => string> = {
  decision: m.export_block_agenda_decision,
  discussion: m.export_block_agenda_discussion,
  report: m.export_block_agenda_report,
  'group-health': m.export_block_agenda_group_health
};
const AGENDA_STATUS: Record<AgendaItemStatus, () => string> = {
  pending: m.export_block_agenda_pending,
  discussing: m.export_block_agenda_discussing,
  done: m.export_block_agenda_done
};

/** A document's exports and "what changed" lines in the chosen language (shared/export/words.ts). */
export function blockWords(): BlockWords {
  return {
    task: (title) => m.export_block_task({ title }),
    need: (title) => m.export_block_need({ title }),
    offer: (title) => m.export_block_offer({ title }),
    agendaItem: (title) => m.export_block_agenda_item({ title }),
    proposal: (title) => m.export_block_proposal({ title }),
    unreadable: (kind) => m.export_block_unreadable({ kind: Object.hasOwn(KIND_NAMES, kind) ? KIND_NAMES[kind]!() : choiceName(kind) }),
    someone: m.export_block_someone(),
    taskDone: (name) => (name ? m.export_block_task_done_by({ name }) : m.export_block_task_done()),
    claimedBy: (name) => m.export_block_claimed_by({ name }),
    taskOpen: m.export_block_task_open(),
    coLead: (name) => m.export_block_co_lead({ name }),
    coLeadWanted: m.export_block_co_lead_wanted(),
    due: (date) => m.export_block_due({ date }),
    needStatus: (status) => m.export_block_need_status({ status: NEED_STATUS[status]() }),
    category: (category) => m.export_block_category({ category: needCategoryName(category) }),
    urgency: (urgency) => m.export_block_urgency({ urgency: URGENCY[urgency]() }),
    area: (area) => m.export_block_area({ area }),
    when: (when) => m.export_block_when({ when }),
    matchedWith: (name) => m.export_block_matched_with({ name }),
    matchedWithOffer: m.export_block_matched_with_offer(),
    matchedAsks: (count) => m.export_block_matched_asks({ count }),
    agendaLine: (kind, minutes, status) => m.export_block_agenda_line({ kind: AGENDA_KIND[kind](), minutes, status: AGENDA_STATUS[status]() }),
    owner: (name) => m.export_block_owner({ name }),
    outcome: (outcome) => m.export_block_outcome({ outcome }),
    method: (method) => m.export_block_method({ method: methodName(method) }),
    draft: m.export_block_draft(),
    openFor: (until) => (until ? m.export_block_open_until({ until }) : m.export_block_open()),
    secret: m.export_block_secret(),
    decidedFor: (option) => m.export_block_decided_for({ option }),
    passed: m.export_block_passed(),
    notPassed: m.export_block_not_passed(),
    closed: (verdict, at, name) => (name ? m.export_block_closed_by({ verdict, at, name }) : m.export_block_closed({ verdict, at })),
    explanation: (outcome) => resultExplanation(outcome),
    signedBallots: (count) => m.export_block_signed_ballots({ count }),
    choiceName,
    choice: (b) => (b.choiceId ? choiceName(b.choiceId) : b.choice),
    result: (counts) => m.export_block_result({ counts }),
    soFar: (counts) => m.export_block_so_far({ counts }),
    statement: (statement) => m.export_block_statement({ statement }),
    untitledDocument: m.export_block_untitled_document()
  };
}

/** A meeting's minutes (page and Markdown file) in the chosen language (shared/model/minutes-words.ts). */
export function minutesWords(): MinutesWords {
  return {
    blocks: blockWords(),
    notAvailable: m.minutes_md_not_available(),
    taskDone: (name) => (name ? m.minutes_md_task_done_by({ name }) : m.minutes_md_task_done()),
    taskClaimedBy: (name) => m.minutes_md_task_claimed_by({ name }),
    taskNobody: m.minutes_md_task_nobody(),
    heading: (title) => m.minutes_md_heading({ title }),
    untitled: m.minutes_md_untitled(),
    held: (from, to) => (to ? m.minutes_md_held({ from, to }) : m.minutes_md_held_running({ from })),
    notStarted: m.minutes_md_not_started(),
    role: (role, name) => m.minutes_md_role({ role: meetingRoleName(role), name: name ?? m.minutes_md_nobody() }),
    attendees: m.minutes_md_attendees(),
    nobodyRecorded: m.minutes_md_nobody_recorded(),
    items: m.minutes_md_items(),
    kind: agendaKindName,
    timebox: (minutes) => m.minutes_md_timebox({ minutes }),
    ledBy: (name) => m.minutes_md_led_by({ name }),
    notFinished: m.minutes_md_not_finished(),
    outcome: m.minutes_md_outcome(),
    seeDecisions: m.minutes_md_see_decisions(),
    actions: m.minutes_md_actions(),
    decisions: m.minutes_md_decisions(),
    ofItem: (title) => m.minutes_md_of_item({ title }),
    noDecisions: m.minutes_md_no_decisions(),
    tasks: m.minutes_md_tasks(),
    due: (date) => m.minutes_md_due({ date }),
    noTasks: m.minutes_md_no_tasks()
  };
}

/** A version's title in the history ("Proposal closed: …"). */
export function versionWords(): VersionWords {
  return {
    named: m.version_title_saved(),
    auto: m.version_title_auto(),
    proposalClosed: (name) => (name ? m.version_title_proposal_closed({ name }) : m.version_title_a_proposal_closed()),
    meetingEnded: (name) => (name ? m.version_title_meeting_ended({ name }) : m.version_title_the_meeting_ended()),
    beforeRestore: m.version_title_before_restore(),
    restored: (name) => (name ? m.version_title_restored({ name }) : m.version_title_restored_older())
  };
}

/**
 * Names of Mutual's own values in the chosen language: roles, decision methods and their
 * choices, meeting roles, agenda item kinds, need statuses, notification kinds, document
 * kinds. The values themselves stay as stored (and the shared model keeps its English names
 * for exports and the server); only what a person reads changes.
 */
import { m } from '../paraglide/messages.js';
import type { Role } from '../shared/protocol.ts';
import type { AgendaItemKind } from '../shared/model/agenda.ts';
import type { MeetingRole } from '../shared/model/meeting.ts';
import type { MethodId } from '../shared/model/methods/types.ts';
import { MAX_SCORE } from '../shared/model/methods/score.ts';
import { getMethod } from '../shared/model/methods/index.ts';
import type { NeedStatus } from '../shared/model/need.ts';
import type { NotificationKind } from '../shared/notifications/prefs.ts';
import type { DocKind } from '../shared/model/schema.ts';

// Each table below is marked pure (`@__PURE__`): a page that imports one of them then carries
// only that table's messages, not every table's (the document page's first paint, issue 25).
const named =
  <K extends string>(names: Record<K, () => string>) =>
  (value: K): string =>
    names[value]?.() ?? value;

/** "admin", "editor", "viewer". */
export const roleName = /* @__PURE__ */ named<Role>({ admin: m.members_panel_admin, editor: m.members_panel_editor, viewer: m.members_panel_viewer });

/** "Consent", "Majority"… */
export const methodName = /* @__PURE__ */ named<MethodId>({
  consent: m.method_consent,
  consensus: m.method_consensus,
  majority: m.method_majority,
  'ranked-choice': m.method_ranked_choice,
  score: m.method_score
});

/** How a method decides, in a few sentences. */
export const methodRule = /* @__PURE__ */ named<MethodId>({
  consent: m.method_consent_rule,
  consensus: m.method_consensus_rule,
  majority: m.method_majority_rule,
  'ranked-choice': m.method_ranked_choice_rule,
  score: () => m.method_score_rule({ max: MAX_SCORE })
});

const CHOICES: Record<string, () => string> = {
  consent: m.choice_consent,
  concern: m.choice_concern,
  object: m.choice_object,
  agree: m.choice_agree,
  'stand-aside': m.choice_stand_aside,
  block: m.choice_block,
  yes: m.choice_yes,
  no: m.choice_no,
  abstain: m.choice_abstain
};

/** A ballot choice ("stand-aside" → "Stand aside"); an unknown one as it is written. */
export function choiceName(choice: string): string {
  const known = CHOICES[choice];
  if (known) return known();
  const text = choice.replace(/-/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "Facilitator", "Note-taker", "Timekeeper". */
export const meetingRoleName = /* @__PURE__ */ named<MeetingRole>({
  facilitator: m.meeting_role_facilitator,
  'note-taker': m.meeting_role_note_taker,
  timekeeper: m.meeting_role_timekeeper
});

/** "Decision", "Discussion", "Report", "Group health". */
export const agendaKindName = /* @__PURE__ */ named<AgendaItemKind>({
  decision: m.agenda_view_decision,
  discussion: m.agenda_view_discussion,
  report: m.agenda_view_report,
  'group-health': m.agenda_view_group_health
});

/** "Open", "Matched", "Fulfilled", "Withdrawn", as the needs board's group headings. */
export const needStatusName = /* @__PURE__ */ named<NeedStatus>({
  open: m.needs_board_open,
  matched: m.needs_board_matched,
  fulfilled: m.needs_board_fulfilled,
  withdrawn: m.needs_board_withdrawn_2
});

/** What a notification kind is about, as the settings list it. */
export const notificationKindName = /* @__PURE__ */ named<NotificationKind>({
  'proposal-opened': m.notification_kind_proposal_opened,
  'proposal-closing': m.notification_kind_proposal_closing,
  'proposal-closed': m.notification_kind_proposal_closed,
  'task-assigned': m.notification_kind_task_assigned,
  'task-due': m.notification_kind_task_due,
  'task-claimed': m.notification_kind_task_claimed,
  'task-unclaimed': m.notification_kind_task_unclaimed,
  mentioned: m.notification_kind_mentioned,
  'need-matched': m.notification_kind_need_matched,
  'meeting-soon': m.notification_kind_meeting_soon,
  'minutes-ready': m.notification_kind_minutes_ready,
  'newcomer-joined': m.notification_kind_newcomer_joined
});

/** A document kind: its name and a line about it. */
export const docKindName = /* @__PURE__ */ named<DocKind>({ agenda: m.doc_kind_agenda, proposal: m.agenda_view_proposal, needs: m.doc_kind_needs, page: m.doc_kind_page });
export const docKindBlurb = /* @__PURE__ */ named<DocKind>({ agenda: m.doc_kind_agenda_blurb, proposal: m.doc_kind_proposal_blurb, needs: m.doc_kind_needs_blurb, page: m.doc_kind_page_blurb });
export const docKindPlural = /* @__PURE__ */ named<DocKind>({ agenda: m.doc_kind_agendas, proposal: m.doc_kind_proposals, needs: m.doc_kind_needs_boards, page: m.doc_kind_pages });

/** A decided proposal's result: "Passed", "Did not pass", "Chosen: …", "No decision". */
export function resultName(entry: { method: MethodId; passed: boolean; winner: string | null }): string {
  if (getMethod(entry.method).usesOptions) return entry.winner !== null ? m.decision_result_chosen({ option: entry.winner }) : m.outcome_panel_no_decision();
  return entry.passed ? m.outcome_panel_passed() : m.outcome_panel_did_not_pass();
}

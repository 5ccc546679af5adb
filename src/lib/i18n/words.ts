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
import type { NeedNote, NeedStatus } from '../shared/model/need.ts';
import type { NotificationKind } from '../shared/notifications/prefs.ts';
import type { DocKind } from '../shared/model/schema.ts';

import { named } from './method-words.ts';

/** A decision's words (methods, ballot choices, results), in their own module for the proposal view. */
export { methodName, methodRule, choiceName, resultName } from './method-words.ts';

// Each table below is marked pure (`@__PURE__`): a page that imports one of them then carries
// only that table's messages, not every table's (the document page's first paint, issue 25).

/** "admin", "editor", "viewer". */
export const roleName = /* @__PURE__ */ named<Role>({ admin: m.members_panel_admin, editor: m.members_panel_editor, viewer: m.members_panel_viewer });

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

/** A need's category in the chosen language (in its own module: a need's view on the document page reads it). */
export { needCategoryName } from './need-words.ts';

/** A note in a need's history, in the chosen language; the model's English when it names none. */
export function needNote(entry: { why?: NeedNote; note?: string }): string {
  const why = entry.why;
  if (!why) return entry.note ?? '';
  switch (why.kind) {
    case 'offer-side':
      return m.need_note_offer_side();
    case 'already-closed':
      return why.status === 'withdrawn' ? m.need_note_already_withdrawn() : m.need_note_already_fulfilled();
    case 'already-matched':
      return m.need_note_already_matched();
    case 'not-matched':
      return m.need_note_not_matched();
    case 'not-closed':
      return m.need_note_not_closed();
  }
}

/**
 * A refused change to a document (a ModelError) in the chosen language. The model writes a
 * precise English sentence and a stable `code`; English shows the sentence, other languages
 * the message for the code.
 */
import { m } from '../paraglide/messages.js';
import { baseLocale, getLocale } from '../paraglide/runtime.js';
import type { ModelError, ModelErrorCode } from '../shared/model/errors.ts';

/** The message of each code (typed: a new code without a message does not compile). */
export const MODEL_ERROR_MESSAGES: Record<ModelErrorCode, () => string> = {
  'not-found': m.model_error_not_found,
  'wrong-kind': m.model_error_wrong_kind,
  'invalid-input': m.model_error_invalid_input,
  'already-exists': m.model_error_already_exists,
  'already-seeded': m.model_error_already_exists,
  'reason-required': m.model_error_reason_required,
  'unknown-choice': m.model_error_unknown_choice,
  'not-draft': m.model_error_not_draft,
  'not-open': m.model_error_not_open,
  'not-closed': m.model_error_not_closed,
  'deadline-passed': m.model_error_deadline_passed,
  'member-count-required': m.model_error_member_count_required,
  'already-claimed': m.model_error_already_claimed,
  'not-claimant': m.model_error_not_claimant,
  'already-done': m.model_error_already_done,
  'not-done': m.model_error_not_done,
  'co-lead-taken': m.model_error_co_lead_taken,
  'already-matched': m.model_error_already_matched,
  'not-matchable': m.model_error_not_matchable,
  'not-matched': m.model_error_not_matched,
  'entry-closed': m.model_error_entry_closed,
  'secret-ballot': m.model_error_secret_ballot
};

export function modelErrorText(error: ModelError): string {
  if (getLocale() === baseLocale) return error.message;
  return MODEL_ERROR_MESSAGES[error.code]?.() ?? error.message;
}

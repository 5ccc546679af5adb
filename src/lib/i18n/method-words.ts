/**
 * A decision's words in the chosen language: decision methods, how each decides, ballot
 * choices, a decided proposal's result. Apart from the rest of words.ts because the proposal
 * view on a document's first paint needs these and none of the others (issue 25).
 */
import { m } from '../paraglide/messages.js';
import type { MethodId } from '../shared/model/methods/types.ts';
import type { BallotNote } from '../shared/model/tally.ts';
import { MAX_SCORE } from '../shared/model/methods/score.ts';
import { getMethod } from '../shared/model/methods/index.ts';

/** A name for each of a set of values (a value without one reads as it is written). */
export const named =
  <K extends string>(names: Record<K, () => string>) =>
  (value: K): string =>
    names[value]?.() ?? value;

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
  // Own keys only: a choice comes from a document, and "constructor" is not one of Mutual's.
  if (Object.hasOwn(CHOICES, choice)) return CHOICES[choice]!();
  const text = choice.replace(/-/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A decided proposal's result: "Passed", "Did not pass", "Chosen: …", "No decision". */
export function resultName(entry: { method: MethodId; passed: boolean; winner: string | null }): string {
  if (getMethod(entry.method).usesOptions) return entry.winner !== null ? m.decision_result_chosen({ option: entry.winner }) : m.outcome_panel_no_decision();
  return entry.passed ? m.outcome_panel_passed() : m.outcome_panel_did_not_pass();
}

const BALLOT_NOTES: Record<BallotNote, () => string> = {
  'after-deadline': m.ballot_note_after_deadline,
  'arrived-late': m.ballot_note_arrived_late,
  'cast-late': m.ballot_note_cast_late,
  'withdrawn-after-close': m.ballot_note_withdrawn_after_close,
  'changed-after-close': m.ballot_note_changed_after_close,
  'reason-required': m.ballot_note_reason_required,
  'unknown-choice': m.ballot_note_unknown_choice,
  'invalid-ballot': m.ballot_note_invalid_ballot,
  unsigned: m.ballot_note_unsigned,
  'no-key': m.ballot_note_no_key,
  forged: m.ballot_note_forged
};

/** Why a ballot is not simply counted: a fixed note in the chosen language, else the note as the model wrote it. */
export function ballotNote(view: { why?: BallotNote; note?: string }): string {
  return view.why && Object.hasOwn(BALLOT_NOTES, view.why) ? BALLOT_NOTES[view.why]() : (view.note ?? '');
}

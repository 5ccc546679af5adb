/**
 * The notes the shared model writes beside a ballot that is not simply counted and in a need's
 * history: said in the reader's language, the model's own English word for word in English.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { overwriteGetLocale } from '../paraglide/runtime.js';
import { needNoteText, type NeedNote } from '../shared/model/need.ts';
import { SIGNATURE_REASONS } from '../shared/model/signatures.ts';
import type { BallotNote } from '../shared/model/tally.ts';
import { ballotNote } from './method-words.ts';
import { needNote } from './words.ts';

const speak = (locale: 'en' | 'es') => overwriteGetLocale(() => locale);
afterEach(() => speak('en'));

const BALLOT_NOTES: Record<BallotNote, string> = {
  'after-deadline': 'Cast after the deadline; not counted.',
  'arrived-late': 'Cast before the proposal closed but arrived after; not counted.',
  'cast-late': 'Cast after the proposal closed; not counted.',
  'withdrawn-after-close': 'Withdrawn after the proposal closed; still counted.',
  'changed-after-close': 'Changed after the proposal closed; the ballot as it was at close counts.',
  unsigned: SIGNATURE_REASONS.unsigned.note,
  'no-key': SIGNATURE_REASONS.noKey.note,
  forged: SIGNATURE_REASONS.forged.note,
  // A method's refusals: one sentence per code (the method's own English is more particular).
  'reason-required': 'This choice needs a reason, and none was given; not counted.',
  'unknown-choice': 'Not a choice this proposal offers; not counted.',
  'invalid-ballot': 'Not a valid ballot for this way of deciding; not counted.'
};
const NEED_NOTES: NeedNote[] = [
  { kind: 'offer-side' },
  { kind: 'already-closed', status: 'fulfilled' },
  { kind: 'already-closed', status: 'withdrawn' },
  { kind: 'already-matched' },
  { kind: 'not-matched' },
  { kind: 'not-closed' }
];

describe("the model's notes in the reader's language", () => {
  it('ballot notes: English as the model writes them, Spanish otherwise; a note without a code as written', () => {
    for (const [why, english] of Object.entries(BALLOT_NOTES) as [BallotNote, string][]) {
      speak('en');
      expect(ballotNote({ why, note: 'the model’s words' })).toBe(english);
      speak('es');
      const spanish = ballotNote({ why, note: english });
      expect(spanish).not.toBe(english);
      expect(spanish).toMatch(/cuenta|contando/);
    }
    speak('es');
    expect(ballotNote({ note: 'Pick one of the options.' })).toBe('Pick one of the options.');
  });

  it("a need's history notes: the model's English in English, each its own Spanish", () => {
    const spanish = new Set<string>();
    for (const why of NEED_NOTES) {
      speak('en');
      expect(needNote({ why, note: needNoteText(why) })).toBe(needNoteText(why));
      speak('es');
      spanish.add(needNote({ why, note: needNoteText(why) }));
    }
    expect(spanish.size).toBe(NEED_NOTES.length);
    for (const text of spanish) expect(NEED_NOTES.map(needNoteText)).not.toContain(text);
  });
});

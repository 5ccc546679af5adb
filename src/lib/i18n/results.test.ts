import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { explain, part, RESULT_KEYS, englishParts } from '../shared/model/methods/reasons.ts';
import { castBallot, closeProposal, createProposal, openProposal } from '../shared/model/proposal.ts';
import { readProposal } from '../shared/model/proposal-read.ts';
import { tallyOf } from '../shared/model/tally.ts';
import { overwriteGetLocale } from '../paraglide/runtime.js';
import { resultExplanation } from './results.ts';

const speak = (locale: 'en' | 'es') => overwriteGetLocale(() => locale);
afterEach(() => speak('en'));

const sample = { count: 2, limit: 1, yes: 3, no: 1, labels: '"Blue", "Green"', points: 7, round: 2, votes: 3, total: 5, participating: 1, required: 3 };

describe('result explanations in the reader’s language', () => {
  it('every English sentence the shared tally records is the English message (they cannot drift apart), singular too', () => {
    speak('en');
    for (const key of RESULT_KEYS) {
      for (const count of [1, 2]) {
        const parts = [part(key, { ...sample, count })];
        expect(resultExplanation({ explanation: 'x', parts }), key).toBe(englishParts(parts));
      }
    }
  });

  it('says every part in Spanish; option labels stay as written', () => {
    speak('es');
    for (const key of RESULT_KEYS) expect(resultExplanation(explain(part(key, sample))), key).not.toBe(englishParts([part(key, sample)]));
    expect(resultExplanation(explain(part('result_yes_to_no', { yes: 3, no: 1 })))).toBe('3 sí contra 1 no.');
    expect(resultExplanation(explain(part('result_objections', { count: 1 })))).toBe('1 objeción.');
    expect(resultExplanation(explain(part('result_score_highest', { labels: '"Blue"', points: 7 })))).toBe('"Blue" tiene el total más alto (7 puntos).');
    expect(resultExplanation(explain(part('result_quorum_not_met', { participating: 1, required: 3 }), part('result_no_objections')))).toBe(
      'No se alcanzó el quórum (1 de 3 votos necesarios). Sin objeciones.'
    );
  });

  it('a proposal closed on an English device is explained in Spanish to a Spanish reader; an old outcome (no parts) shows its sentence', () => {
    const doc = new Y.Doc();
    const actor = (memberId: string, at: number) => ({ memberId, at });
    createProposal(doc, { id: 'p1', title: 'Paint the hall', method: 'majority' }, actor('ana', 1));
    openProposal(doc, 'p1', { deadline: null }, actor('ana', 2));
    castBallot(doc, 'p1', { choice: 'yes' }, actor('ana', 3));
    castBallot(doc, 'p1', { choice: 'yes' }, actor('ben', 4));
    castBallot(doc, 'p1', { choice: 'no' }, actor('cy', 5));
    speak('en');
    closeProposal(doc, 'p1', {}, actor('ana', 6));
    const view = readProposal(doc, 'p1').value!;
    expect(view.outcome).toMatchObject({ explanation: '2 yes to 1 no.', parts: [{ key: 'result_yes_to_no', params: { yes: 2, no: 1 } }] });
    const result = tallyOf(view).value.result!;
    speak('es');
    expect(resultExplanation(result)).toBe('2 sí contra 1 no.');
    // An outcome recorded before the parts (or by an older client): the stored sentence.
    const { parts: _parts, ...old } = view.outcome!;
    const oldResult = tallyOf({ ...view, outcome: old }).value.result!;
    expect(oldResult.parts).toBeUndefined();
    expect(resultExplanation(oldResult)).toBe('2 yes to 1 no.');
  });
});

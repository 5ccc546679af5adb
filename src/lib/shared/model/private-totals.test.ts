import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { PRIVATE_DOC_PREFIX } from '../protocol';
import { boardDocIdOf } from './contacts';
import { answerKey, answersIn, clearAnswer, isMemberPrivateDoc, memberPrivateDocId, ownerOfMemberPrivateDoc, parseAnswerKey, readAnswer, setAnswer } from './private-answers';
import { meetsThreshold, parseTotalsRecord, totalsRecord, withThreshold } from './private-totals';

describe('member-private documents', () => {
  it('ids name their member and never look like a needs board’s private document', () => {
    const id = memberPrivateDocId('m1')!;
    expect(id).toBe('member-private-m1');
    expect(ownerOfMemberPrivateDoc(id)).toBe('m1');
    expect(id.startsWith(PRIVATE_DOC_PREFIX)).toBe(false);
    expect(boardDocIdOf(id)).toBeNull();
    expect(isMemberPrivateDoc('private-m1')).toBe(false);
    expect(isMemberPrivateDoc('member-private-')).toBe(false);
    expect(memberPrivateDocId('x'.repeat(60))).toBeNull();
    expect(memberPrivateDocId('a:b')).toBeNull();
  });

  it('answer keys round-trip and malformed keys are skipped', () => {
    const key = { aggregator: 'ballot', docId: 'doc1', subject: 'p1' };
    expect(parseAnswerKey(answerKey(key))).toEqual(key);
    for (const bad of ['ballot:doc1', 'Ballot:doc1:p1', 'ballot:doc 1:p1', 'a:b:c:d', '']) expect(parseAnswerKey(bad)).toBeNull();
    const doc = new Y.Doc();
    setAnswer(doc, key, { choice: 'yes' }, { memberId: 'm1' });
    doc.getMap('answers').set('junk', 1);
    expect(readAnswer(doc, key)).toEqual({ choice: 'yes' });
    expect(answersIn(doc)).toEqual([{ key, value: { choice: 'yes' } }]);
    clearAnswer(doc, key, { memberId: 'm1' });
    expect(readAnswer(doc, key)).toBeUndefined();
    expect(() => setAnswer(doc, { ...key, docId: 'a:b' }, 1, { memberId: 'm1' })).toThrow(/no valid place/);
  });
});

describe('the threshold rule', () => {
  const answers = (n: number) => Array.from({ length: n }, (_, i) => ({ memberId: `m${i}`, answer: i + 1 }));
  const sum = (list: readonly { answer: number }[]) => list.reduce((s, a) => s + a.answer, 0);

  it('publishes nothing below 3 answers, totals from 3 on', () => {
    expect(withThreshold(answers(0), sum)).toEqual({ count: 0, threshold: 3, totals: null });
    expect(withThreshold(answers(2), sum)).toEqual({ count: 2, threshold: 3, totals: null });
    expect(withThreshold(answers(3), sum)).toEqual({ count: 3, threshold: 3, totals: 6 });
    expect(withThreshold(answers(1), sum, 1).totals).toBe(1);
    expect(meetsThreshold(0, 0)).toBe(false);
  });

  it('records parse back; malformed ones read as none', () => {
    const record = totalsRecord('mood', 'w1', 'open', { ...withThreshold(answers(3), sum), extra: { voters: ['m0'] } });
    expect(parseTotalsRecord(JSON.parse(JSON.stringify(record)))).toEqual(record);
    expect(record.voters).toEqual(['m0']);
    expect(parseTotalsRecord({ ...record, v: 2 })).toBeNull();
    expect(parseTotalsRecord({ ...record, count: 'x' })).toBeNull();
    expect(parseTotalsRecord(null)).toBeNull();
  });
});

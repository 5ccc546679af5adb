/**
 * A viewer's own private document (issue 24): viewers check in to the group pulse like every
 * member, so the relay admits their answers there — under pulse keys only. Nothing else: no
 * secret ballot (viewers take no part in decisions), no other root.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { clearAnswer, recordPulse, setAnswer } from '#shared/model/index';
import { AGGREGATORS } from '#shared/model/aggregators';
import { VIEWER_ANSWER_AGGREGATORS, VIEWER_REFUSALS } from '#shared/model/authority';
import { replica } from '../../tests/helpers/replica.ts';
import { inspectUpdate } from './inspect.ts';

const VIC = 'vic';
const WEEK = '2026-11-30';

function judge(relay: Y.Doc, update: Uint8Array, scope: 'answers' | 'none' = 'answers') {
  return inspectUpdate(relay, update, { memberId: VIC, scope });
}

describe('a viewer’s writes to their own private document', () => {
  it('admits their pulse check-in, a changed one and a withdrawn one', () => {
    const relay = new Y.Doc();
    const vic = replica(relay, 7);
    const steps = [
      (d: Y.Doc) => recordPulse(d, WEEK, { energy: 'low', workload: 'full', connection: 'close' }, 'tired', { memberId: VIC }),
      (d: Y.Doc) => recordPulse(d, WEEK, { energy: 'steady', workload: 'full', connection: 'close' }, '', { memberId: VIC }),
      (d: Y.Doc) => clearAnswer(d, { aggregator: 'pulse', docId: 'group-pulse', subject: WEEK }, { memberId: VIC })
    ];
    for (const step of steps) {
      const update = vic.change(step);
      expect(judge(relay, update).kind).toBe('apply');
      Y.applyUpdate(relay, update);
    }
    expect(relay.getMap('answers').size).toBe(0);
  });

  it('refuses a secret ballot, another root, and everything when the scope is none', () => {
    const relay = new Y.Doc();
    const attempts = [
      (d: Y.Doc) => setAnswer(d, { aggregator: 'ballot', docId: 'doc1', subject: 'p1' }, { choice: 'yes' }, { memberId: VIC }),
      (d: Y.Doc) => d.getMap('meta').set('title', 'Mine'),
      (d: Y.Doc) => d.getMap('answers').set('pulse', { energy: 'low' }), // no aggregator part: not a pulse key
      (d: Y.Doc) => d.getText('root').insert(0, 'notes')
    ];
    for (const attempt of attempts) {
      const verdict = judge(relay, replica(relay, 7).change(attempt)); // each from the relay's state
      expect(verdict.kind, String(attempt)).toBe('refuse');
      if (verdict.kind === 'refuse') expect(verdict.reason).toBe(VIEWER_REFUSALS.answersOnly);
    }
    const checkIn = replica(relay, 7).change((d) => recordPulse(d, WEEK, { energy: 'low', workload: 'full', connection: 'close' }, '', { memberId: VIC }));
    expect(judge(relay, checkIn, 'none').kind).toBe('refuse');
  });

  it('names exactly the aggregators that say viewers answer them', () => {
    const declared = Object.values(AGGREGATORS)
      .filter((a) => a.viewersMayAnswer === true)
      .map((a) => a.id)
      .sort();
    expect([...VIEWER_ANSWER_AGGREGATORS].sort()).toEqual(declared);
  });
});

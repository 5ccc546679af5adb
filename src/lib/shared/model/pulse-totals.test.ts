import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { PulseAnswer } from './pulse';
import { mulberry32 } from '../../../../tests/fuzz/model-fuzz';
import { isPublicationStep, TOTALS_ROOT, totalsKey, totalsRecord, type MemberAnswer, type TotalsRecord } from './private-totals';
import { canonicalJson } from './validate';
import { latestTotals, pulseAggregator, pulseCounts, pulseTotalsOf, pulseTrend, showsStrain, strainOf } from './pulse-totals';

const calm: PulseAnswer = { energy: 'steady', workload: 'full', connection: 'close' };
const strained: PulseAnswer = { energy: 'low', workload: 'stretched', connection: 'apart' };

/** What the relay hands the aggregator: each member's parsed answer (a note never gets this far). */
const answers = (...list: PulseAnswer[]): MemberAnswer<PulseAnswer>[] => list.map((answer, i) => ({ memberId: `m${i}`, answer }));
const aggregate = (period: string, ...list: PulseAnswer[]) =>
  pulseAggregator.aggregate({ docId: 'group-pulse', subject: period, target: new Y.Doc(), answers: answers(...list), previous: null, now: 0 });

/** The pulse's shared document as the relay leaves it after aggregating each period. */
function sharedDoc(periods: Record<string, PulseAnswer[]>): Y.Doc {
  const doc = new Y.Doc();
  for (const [period, list] of Object.entries(periods)) doc.getMap(TOTALS_ROOT).set(totalsKey('pulse', period), totalsRecord('pulse', period, 'period', aggregate(period, ...list)));
  return doc;
}

describe('the pulse aggregator', () => {
  it('publishes nothing for two answers and the counts from three', () => {
    expect(aggregate('2026-11-30', calm, strained)).toEqual({ count: 2, threshold: 3, totals: null });
    expect(aggregate('2026-11-30', calm, strained, strained).totals).toEqual({
      answered: 3,
      energy: { low: 2, steady: 1, high: 0 },
      workload: { stretched: 2, full: 1, room: 0 },
      connection: { apart: 2, somewhat: 0, close: 1 }
    });
  });

  it('counts the three scales only: a note or time never reaches the totals', () => {
    expect(pulseAggregator.parse({ ...strained, note: 'private words', at: 5 })).toEqual(strained);
    expect(pulseAggregator.parse({ energy: 'loud' })).toBeNull();
    expect(pulseAggregator.parse('stretched')).toBeNull();
    expect(JSON.stringify(aggregate('2026-11-30', calm, strained, strained))).not.toMatch(/m\d|note/);
  });

  it('takes totals for check-in periods only', () => {
    expect(pulseAggregator.targetState(new Y.Doc(), '2026-11-30')).toBe('period');
    expect(pulseAggregator.targetState(new Y.Doc(), '2026-12-01')).toBeNull();
    expect(pulseAggregator.targetState(new Y.Doc(), 'w1')).toBeNull();
  });
});

describe('the totals the group reads', () => {
  it('are the periods that met the threshold', () => {
    const doc = sharedDoc({ '2026-11-30': [calm, strained, strained], '2026-11-23': [calm, calm] });
    const read = pulseTotalsOf(doc);
    expect(read.threshold).toBe(3);
    expect(Object.keys(read.periods)).toEqual(['2026-11-30']);
    expect(read.periods['2026-11-30']).toEqual(pulseCounts([calm, strained, strained]));
  });

  it('skip a record whose counts do not add up, or that is not the pulse\'s', () => {
    const doc = sharedDoc({ '2026-11-30': [calm, calm, calm] });
    const bad = totalsRecord('pulse', '2026-11-23', 'period', { count: 3, threshold: 3, totals: { ...pulseCounts([calm, calm, calm]), answered: 4 } });
    doc.getMap(TOTALS_ROOT).set(totalsKey('pulse', '2026-11-23'), bad);
    doc.getMap(TOTALS_ROOT).set(totalsKey('ballot', '2026-11-16'), totalsRecord('ballot', '2026-11-16', 'x', { count: 3, threshold: 3, totals: pulseCounts([calm, calm, calm]) }));
    doc.getMap(TOTALS_ROOT).set('totals:pulse:2026-11-09', 'garbage');
    expect(Object.keys(pulseTotalsOf(doc).periods)).toEqual(['2026-11-30']);
    expect(pulseTotalsOf(new Y.Doc())).toEqual({ threshold: 3, periods: {}, unshown: {} });
  });
});

describe('strain and trend', () => {
  it('shows strain when a third of those who answered are at a strained end', () => {
    const one = pulseCounts([calm, calm, { ...calm, workload: 'stretched' }]);
    expect(strainOf(one)).toEqual({ answered: 3, stretched: 1, lowEnergy: 0, apart: 0 });
    expect(showsStrain(one)).toBe(true);
    expect(showsStrain(pulseCounts([calm, calm, calm, { ...calm, energy: 'low' }]))).toBe(false);
    expect(showsStrain(pulseCounts([calm, calm, { ...calm, connection: 'apart' }]))).toBe(true);
  });

  it('lists the last periods oldest first, with gaps where answers were too few', () => {
    const doc = sharedDoc({
      '2026-11-16': [calm, calm, strained],
      '2026-11-23': [calm],
      '2026-11-30': [strained, strained, strained, calm]
    });
    const trend = pulseTrend(pulseTotalsOf(doc), '2026-11-30', 1, 4);
    expect(trend.map((p) => p.period)).toEqual(['2026-11-09', '2026-11-16', '2026-11-23', '2026-11-30']);
    expect(trend.map((p) => p.strain?.stretched ?? null)).toEqual([null, 1, null, 3]);
    expect(trend[3]!.strain?.answered).toBe(4);
  });

  it('follows a longer cadence', () => {
    const doc = sharedDoc({ '2026-11-16': [calm, calm, strained], '2026-11-30': [strained, strained, calm] });
    expect(pulseTrend(pulseTotalsOf(doc), '2026-11-30', 2, 2).map((p) => [p.period, p.strain?.stretched ?? null])).toEqual([['2026-11-16', 1], ['2026-11-30', 2]]);
  });

  it("shows last period's totals until this period has enough answers", () => {
    const totals = pulseTotalsOf(sharedDoc({ '2026-11-23': [calm, calm, strained], '2026-11-30': [calm] }));
    expect(latestTotals(totals, '2026-11-30', 1)).toMatchObject({ period: '2026-11-23', current: false });
    expect(latestTotals(totals, '2026-12-14', 1)).toBeNull();
  });
});

/** The relay's loop for one period: aggregate over the current answers, given what it wrote last. */
function relay() {
  let record: TotalsRecord | null = null;
  return {
    get record() {
      return record;
    },
    run(current: Map<string, PulseAnswer>): TotalsRecord {
      const list = [...current].map(([memberId, answer]) => ({ memberId, answer }));
      record = totalsRecord('pulse', '2026-11-30', 'period', pulseAggregator.aggregate({ docId: 'group-pulse', subject: '2026-11-30', target: new Y.Doc(), answers: list, previous: record, now: 0 }));
      return record;
    }
  };
}
const scales: PulseAnswer[] = [calm, strained, { energy: 'high', workload: 'room', connection: 'somewhat' }, { energy: 'steady', workload: 'stretched', connection: 'close' }];

describe('publishing in steps (what watching the totals change can reveal)', () => {
  it('publishes first at 3 answers, then only once 3 more than last published', () => {
    expect(isPublicationStep(2, null)).toBe(false);
    expect(isPublicationStep(3, null)).toBe(true);
    expect(isPublicationStep(5, { count: 3, totals: {} })).toBe(false);
    expect(isPublicationStep(6, { count: 3, totals: {} })).toBe(true);
    expect(isPublicationStep(7, { count: 4, totals: {} }), 'steps count from the last publication').toBe(true);
  });

  it('keeps the published totals for a 4th and 5th answer and recomputes over all six at the 6th', () => {
    const r = relay();
    const current = new Map<string, PulseAnswer>();
    const published: unknown[] = [];
    for (let i = 0; i < 8; i++) {
      current.set(`m${i}`, i % 2 ? strained : calm);
      published.push(r.run(current).totals);
    }
    expect(published.map((t) => (t as { answered: number } | null)?.answered ?? null)).toEqual([null, null, 3, 3, 3, 6, 6, 6]);
    expect(published[5]).toEqual(pulseCounts([...current.values()].slice(0, 6)));
    expect(r.record!.count, 'the live count still moves').toBe(8);
  });

  it('a revision alone changes nothing the group can read, not even the record', () => {
    const r = relay();
    const current = new Map<string, PulseAnswer>();
    let before = '';
    for (const m of ['a', 'b', 'c', 'd']) before = canonicalJson(r.run(current.set(m, calm)));
    current.set('a', strained);
    expect(canonicalJson(r.run(current))).toBe(before);
    // Mixed into the next step with at least 3 new answers, the revision shows only as part of their sum.
    expect((r.run(current.set('e', calm)).totals as { answered: number }).answered).toBe(3);
    current.set('f', calm);
    expect(r.run(current).totals).toEqual(pulseCounts([...current.values()]));
  });

  it('any two consecutive publications differ by at least 3 new answers, whatever the order of answers, revisions and removals', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const random = mulberry32(seed);
      const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
      const r = relay();
      const current = new Map<string, PulseAnswer>();
      let shown = canonicalJson(null);
      let newSince = 0;
      let next = 0;
      for (let step = 0; step < 60; step++) {
        const roll = random();
        if (roll < 0.5 || current.size === 0) {
          current.set(`m${next++}`, pick(scales));
          newSince += 1;
        } else if (roll < 0.85) current.set(pick([...current.keys()]), pick(scales)); // a revision
        else current.delete(pick([...current.keys()])); // a member removed
        const now = canonicalJson(r.run(current).totals);
        if (now === shown) continue;
        expect(newSince, `seed ${seed}, step ${step}: published after ${newSince} new answers`).toBeGreaterThanOrEqual(3);
        shown = now;
        newSince = 0;
      }
    }
  });

  it('tells the group how many later answers wait for the next step', () => {
    const r = relay();
    const current = new Map<string, PulseAnswer>();
    for (const m of ['a', 'b', 'c', 'd', 'e']) r.run(current.set(m, calm));
    const doc = new Y.Doc();
    doc.getMap(TOTALS_ROOT).set(totalsKey('pulse', '2026-11-30'), r.record);
    const totals = pulseTotalsOf(doc);
    expect(totals.periods['2026-11-30']!.answered).toBe(3);
    expect(totals.unshown['2026-11-30']).toBe(2);
    expect(latestTotals(totals, '2026-11-30', 1)).toMatchObject({ current: true, unshown: 2 });
  });
});

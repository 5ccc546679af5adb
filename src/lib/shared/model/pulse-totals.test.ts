import { describe, expect, it } from 'vitest';
import type { PulseAnswer } from './pulse';
import { computePulseTotals, latestTotals, pulseTrend, readPulseTotals, showsStrain, strainOf, PULSE_KEEP_PERIODS } from './pulse-totals';

const calm: PulseAnswer = { energy: 'steady', workload: 'full', connection: 'close' };
const strained: PulseAnswer = { energy: 'low', workload: 'stretched', connection: 'apart' };

/** Members' private `pulse` maps as plain objects: one answer each for `period`. */
const answers = (period: string, ...list: PulseAnswer[]) => list.map((a) => ({ [period]: { ...a, note: 'private words', at: 1 } }));

describe('pulse totals', () => {
  it('publish nothing for two answers and the totals from three', () => {
    expect(computePulseTotals(answers('2026-11-30', calm, strained)).periods).toEqual({});
    const t = computePulseTotals(answers('2026-11-30', calm, strained, strained));
    expect(t.threshold).toBe(3);
    expect(t.periods['2026-11-30']).toEqual({
      answered: 3,
      energy: { low: 2, steady: 1, high: 0 },
      workload: { stretched: 2, full: 1, room: 0 },
      connection: { apart: 2, somewhat: 0, close: 1 }
    });
  });

  it('never carry a note or who answered', () => {
    const t = computePulseTotals(answers('2026-11-30', calm, strained, strained));
    expect(JSON.stringify(t)).not.toContain('private words');
    expect(JSON.stringify(t)).not.toMatch(/m\d/);
  });

  it('apply the threshold given and skip malformed answers and keys', () => {
    const members = [...answers('2026-11-30', calm, calm), { '2026-11-30': { energy: 'loud' } }, { 'not-a-week': calm }];
    expect(computePulseTotals(members).periods).toEqual({});
    expect(computePulseTotals(members, 2).periods['2026-11-30'].answered).toBe(2);
  });

  it('keep only the newest periods', () => {
    const member: Record<string, unknown> = {};
    let day = Date.parse('2026-11-30T00:00:00Z');
    for (let i = 0; i < PULSE_KEEP_PERIODS + 4; i++, day -= 7 * 86_400_000) member[new Date(day).toISOString().slice(0, 10)] = calm;
    const kept = Object.keys(computePulseTotals([member, member, member]).periods);
    expect(kept).toHaveLength(PULSE_KEEP_PERIODS);
    expect(kept[0]).toBe('2026-11-30');
  });

  it('read back what the relay wrote; a tampered or below-threshold period is skipped', () => {
    const written = computePulseTotals(answers('2026-11-30', calm, strained, strained));
    expect(readPulseTotals(JSON.parse(JSON.stringify(written))).value).toEqual(written);
    const bad = { threshold: 3, periods: { '2026-11-30': { ...written.periods['2026-11-30'], answered: 2 }, '2026-11-23': { answered: 5, energy: {}, workload: {}, connection: {} } } };
    const read = readPulseTotals(bad);
    expect(read.value.periods).toEqual({});
    expect(read.issues).toHaveLength(2);
    expect(readPulseTotals(undefined).value.periods).toEqual({});
    expect(readPulseTotals('x').issues).toHaveLength(1);
  });
});

describe('strain and trend', () => {
  it('shows strain when a third of those who answered are at a strained end', () => {
    const one = computePulseTotals(answers('2026-11-30', calm, calm, { ...calm, workload: 'stretched' })).periods['2026-11-30'];
    expect(strainOf(one)).toEqual({ answered: 3, stretched: 1, lowEnergy: 0, apart: 0 });
    expect(showsStrain(one)).toBe(true);
    const fine = computePulseTotals(answers('2026-11-30', calm, calm, calm, { ...calm, energy: 'low' })).periods['2026-11-30'];
    expect(showsStrain(fine)).toBe(false);
  });

  it('lists the last periods oldest first, with gaps where answers were too few', () => {
    const members = [
      ...answers('2026-11-16', calm, calm, strained),
      ...answers('2026-11-30', strained, strained, strained, calm),
      ...answers('2026-11-23', calm) // one answer: not published
    ];
    const trend = pulseTrend(computePulseTotals(members), '2026-11-30', 1, 4);
    expect(trend.map((p) => p.period)).toEqual(['2026-11-09', '2026-11-16', '2026-11-23', '2026-11-30']);
    expect(trend.map((p) => p.strain?.stretched ?? null)).toEqual([null, 1, null, 3]);
    expect(trend[3].strain?.answered).toBe(4);
  });

  it('shows last period\'s totals until this period has enough answers', () => {
    const totals = computePulseTotals([...answers('2026-11-23', calm, calm, strained), ...answers('2026-11-30', calm)]);
    expect(latestTotals(totals, '2026-11-30', 1)).toMatchObject({ period: '2026-11-23', current: false });
    expect(latestTotals(totals, '2026-12-14', 1)).toBeNull();
  });
});

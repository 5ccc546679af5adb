import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { errorCode } from './test-support';
import { isPulsePeriod, overloadSignal, pulseAnswerKey, pulseDue, pulsePeriod, previousPeriod, readPulseHistory, recordPulse, type PulseAnswer } from './pulse';
import { readAnswer } from './private-answers';
import { DEFAULT_SETTINGS, readSettings, updateSettings } from './workspace';

const me = { memberId: 'm1', at: 5000 };
const calm: PulseAnswer = { energy: 'steady', workload: 'full', connection: 'close' };

describe('pulse periods', () => {
  it('puts every day of a week in the period starting on its Monday', () => {
    // 2026-11-30 is a Monday.
    for (const day of ['2026-11-30', '2026-12-02', '2026-12-06']) expect(pulsePeriod(day)).toBe('2026-11-30');
    expect(pulsePeriod('2026-12-07')).toBe('2026-12-07');
    expect(pulsePeriod('2026-11-29')).toBe('2026-11-23');
  });

  it('counts longer cadences from one fixed Monday, so every device agrees', () => {
    const a = pulsePeriod('2026-12-01', 2);
    const b = pulsePeriod('2026-12-10', 2);
    expect(isPulsePeriod(a)).toBe(true);
    expect(a === b || previousPeriod(b, 2) === a).toBe(true);
    expect(pulsePeriod(a, 2)).toBe(a);
    const four = pulsePeriod('2026-12-01', 4);
    expect((Date.parse('2026-12-01') - Date.parse(four)) / 86_400_000).toBeLessThan(28);
    expect(previousPeriod('2026-11-30')).toBe('2026-11-23');
  });

  it('refuses keys that are not the first day of a period', () => {
    expect(isPulsePeriod('2026-11-30')).toBe(true);
    expect(isPulsePeriod('2026-12-01')).toBe(false);
    expect(isPulsePeriod('2026-02-30')).toBe(false);
    expect(isPulsePeriod('soon')).toBe(false);
    expect(errorCode(() => pulsePeriod('tuesday'))).toBe('invalid-input');
  });
});

describe('a member check-in', () => {
  it('is kept in the private document, one per period, the note trimmed', () => {
    const doc = new Y.Doc();
    recordPulse(doc, '2026-11-23', calm, '', me);
    recordPulse(doc, '2026-11-30', { energy: 'low', workload: 'stretched', connection: 'apart' }, '  exams  ', me);
    recordPulse(doc, '2026-11-30', { energy: 'low', workload: 'stretched', connection: 'somewhat' }, 'exams and moving', { ...me, at: 6000 });
    const history = readPulseHistory(doc).value;
    expect(history.map((e) => e.period)).toEqual(['2026-11-30', '2026-11-23']);
    expect(history[0]).toEqual({ period: '2026-11-30', energy: 'low', workload: 'stretched', connection: 'somewhat', note: 'exams and moving', at: 6000 });
    expect(history[1].note).toBe('');
    expect(readAnswer(doc, pulseAnswerKey('2026-11-23'))).not.toHaveProperty('note');
    expect(doc.getMap('answers').has('pulse:group-pulse:2026-11-30')).toBe(true);
  });

  it('refuses answers off the scales, notes too long and periods that are not Mondays', () => {
    const doc = new Y.Doc();
    expect(errorCode(() => recordPulse(doc, '2026-11-30', { ...calm, energy: 'great' as never }, '', me))).toBe('invalid-input');
    expect(errorCode(() => recordPulse(doc, '2026-12-01', calm, '', me))).toBe('invalid-input');
    expect(errorCode(() => recordPulse(doc, '2026-11-30', calm, 'x'.repeat(501), me))).toBe('invalid-input');
    expect(doc.getMap('answers').size).toBe(0);
  });

  it('skips malformed entries from a peer with an issue', () => {
    const doc = new Y.Doc();
    doc.getMap('answers').set('pulse:group-pulse:2026-11-30', { energy: 'loud' });
    doc.getMap('answers').set('pulse:group-pulse:yesterday', calm);
    doc.getMap('answers').set('ballot:doc1:prop1', calm); // another aggregator's: not a check-in
    const read = readPulseHistory(doc);
    expect(read.value).toEqual([]);
    expect(read.issues).toHaveLength(2);
  });

  it('is due until the member has answered for the current period', () => {
    expect(pulseDue([], '2026-11-30')).toBe(true);
    expect(pulseDue([{ period: '2026-11-23' }], '2026-11-30')).toBe(true);
    expect(pulseDue([{ period: '2026-11-30' }], '2026-11-30')).toBe(false);
  });
});

describe('the overload signal of my own answers', () => {
  const entry = (period: string, a: Partial<PulseAnswer>) => ({ ...calm, ...a, period, note: '', at: 0 });
  it('is stretched or low energy in my latest check-in, feeling apart only beside them', () => {
    expect(overloadSignal([entry('2026-11-30', { workload: 'stretched' })], '2026-11-30')).toEqual(['stretched']);
    expect(overloadSignal([entry('2026-11-30', { energy: 'low', connection: 'apart' })], '2026-11-30')).toEqual(['low-energy', 'apart']);
    expect(overloadSignal([entry('2026-11-30', { connection: 'apart' })], '2026-11-30')).toEqual([]);
    expect(overloadSignal([entry('2026-11-30', {}), entry('2026-11-23', { workload: 'stretched' })], '2026-11-30')).toEqual([]);
  });

  it('still holds in the next period until I check in again, not after', () => {
    const history = [entry('2026-11-23', { workload: 'stretched' })];
    expect(overloadSignal(history, '2026-11-30')).toEqual(['stretched']);
    expect(overloadSignal(history, '2026-12-07')).toEqual([]);
    expect(overloadSignal([], '2026-11-30')).toEqual([]);
  });
});

describe('pulse settings', () => {
  it('are off and weekly by default, and only valid values are written', () => {
    const index = new Y.Doc();
    expect(readSettings(index).value).toMatchObject({ pulse: false, pulseCadence: 1 });
    expect(DEFAULT_SETTINGS.pulseCadence).toBe(1);
    updateSettings(index, { pulse: true, pulseCadence: 2 }, me);
    expect(readSettings(index).value).toMatchObject({ pulse: true, pulseCadence: 2 });
    expect(errorCode(() => updateSettings(index, { pulseCadence: 3 as never }, me))).toBe('invalid-input');
    expect(errorCode(() => updateSettings(index, { pulse: 'yes' as never }, me))).toBe('invalid-input');
  });
});

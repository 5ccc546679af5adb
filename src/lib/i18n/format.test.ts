import { afterEach, describe, expect, it } from 'vitest';
import { overwriteGetLocale } from '../paraglide/runtime.js';
import { countdownText } from './countdown.ts';
import { inTime, timeAgo } from './format.ts';
import { describeLastSeen } from '../session/last-seen.ts';

const speak = (locale: 'en' | 'es') => overwriteGetLocale(() => locale);
afterEach(() => speak('en'));

describe('times and counts in the chosen language', () => {
  it('keeps Mutual’s English wording', () => {
    expect(inTime(3, 'hour')).toBe('in 3 hours');
    expect(timeAgo(1, 'day')).toBe('1 day ago');
    expect([countdownText(5 * 60_000, 0), countdownText(59_000, 0), countdownText(0, 10_000), countdownText(0, 61_000), countdownText(0, 130_000)]).toEqual([
      '5 minutes left.',
      'Less than a minute left.',
      'Time is up.',
      '1 minute over time.',
      '2 minutes over time.'
    ]);
  });

  it('speaks Spanish, plurals included', () => {
    speak('es');
    expect(inTime(3, 'hour')).toBe('dentro de 3 horas');
    expect(timeAgo(1, 'day')).toBe('hace 1 día');
    expect(describeLastSeen(1_000_000 - 5 * 3_600_000, 1_000_000)).toBe('Visto hace 5 horas');
    expect([countdownText(5 * 60_000, 0), countdownText(2 * 60_000 - 1, 0), countdownText(0, 61_000), countdownText(0, 130_000)]).toEqual([
      'Quedan 5 minutos.',
      'Quedan 2 minutos.',
      '1 minuto de más.',
      '2 minutos de más.'
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { countdownAnnouncement, estimateOffset, formatCountdown } from './clock';

describe('clock offset', () => {
  it('takes the sample with the shortest round trip, corrected by half of it', () => {
    // Local clock 10 s behind the relay. Slow sample: 400 ms; fast one: 40 ms.
    const samples = [
      { sentAt: 1_000, receivedAt: 1_400, serverTime: 11_300 },
      { sentAt: 2_000, receivedAt: 2_040, serverTime: 12_020 }
    ];
    expect(estimateOffset(samples)).toEqual({ offsetMs: 10_000, errorMs: 20 });
  });

  it('ignores unusable samples', () => {
    expect(estimateOffset([])).toBeNull();
    expect(estimateOffset([{ sentAt: 5, receivedAt: 1, serverTime: 9 }])).toBeNull();
    expect(estimateOffset([{ sentAt: 0, receivedAt: 10, serverTime: Number.NaN }])).toBeNull();
  });

  it('formats countdowns rounding up to whole seconds', () => {
    expect(formatCountdown(0)).toBe('0:00');
    expect(formatCountdown(1)).toBe('0:01');
    expect(formatCountdown(245_000)).toBe('4:05');
    expect(formatCountdown(3_723_000)).toBe('1:02:03');
    expect(formatCountdown(-5)).toBe('0:00');
  });
});

describe('countdownAnnouncement', () => {
  it('changes at minute boundaries, once in the last minute and when time is up — never every second', () => {
    const said = new Set<string>();
    let changes = 0;
    let last = '';
    // Five minutes counted down a second at a time, then two minutes over.
    for (let s = 300; s >= -120; s--) {
      const text = s > 0 ? countdownAnnouncement(s * 1000, 0) : countdownAnnouncement(0, -s * 1000 || 1);
      if (text !== last) changes++;
      last = text;
      said.add(text);
    }
    expect([...said]).toEqual(['5 minutes left.', '4 minutes left.', '3 minutes left.', '2 minutes left.', 'Less than a minute left.', 'Time is up.', '1 minute over time.', '2 minutes over time.']);
    expect(changes).toBe(8);
  });
});

/** A meeting's countdown in words (the meeting bar's; apart from format.ts, which the document page reads: issue 25). */
import { m } from '../paraglide/messages.js';

/**
 * What a screen reader hears of a meeting countdown, in the chosen language: the same words
 * for a whole minute, so a live region speaks once a minute (and once in the last minute, and
 * when time is up), never every second. (The shared clock's countdownAnnouncement in words.)
 */
export function countdownText(remainingMs: number, overrunMs: number): string {
  if (overrunMs > 0) {
    const over = Math.floor(overrunMs / 60_000);
    return over === 0 ? m.meeting_countdown_time_up() : m.meeting_countdown_over({ count: over });
  }
  const minutes = Math.ceil(remainingMs / 60_000);
  if (minutes <= 1) return m.meeting_countdown_less_than_a_minute();
  return m.meeting_countdown_left({ count: minutes });
}

/**
 * Plain words for a member whose claim lost a race (issue 26), in the chosen language: who
 * holds the task, and the times that decided it. The same rule as the shared model's
 * describeLostClaim (which exports and tests keep in English).
 */
import { m } from '../paraglide/messages.js';
import { getLocale } from '../paraglide/runtime.js';
import type { LostClaim } from '../shared/model/task.ts';

const clock = (ms: number) => new Date(ms).toLocaleTimeString(getLocale(), { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const amount = (n: number, unit: 'second' | 'minute' | 'hour') => new Intl.NumberFormat(getLocale(), { style: 'unit', unit, unitDisplay: 'long' }).format(n);

/** `title` is quoted when given ("Ana claimed “Deliver groceries” first…"). */
export function lostClaimText(lost: LostClaim, winner: string, title?: string): string {
  const it = title ? m.lost_claim_title({ title }) : m.lost_claim_it();
  if (!lost.byTime) return m.lost_claim_same_time({ winner, it });
  // Counted as the clock times shown are (whole seconds), so the words and the times agree.
  const seconds = Math.max(0, Math.floor(lost.ownAt / 1000) - Math.floor(lost.winnerAt / 1000));
  const apart =
    seconds === 0 ? m.lost_claim_less_than_a_second() : seconds < 120 ? amount(seconds, 'second') : seconds < 7200 ? amount(Math.round(seconds / 60), 'minute') : amount(Math.round(seconds / 3600), 'hour');
  return m.lost_claim_earlier({ winner, it, winnerAt: clock(lost.winnerAt), apart, ownAt: clock(lost.ownAt) });
}
